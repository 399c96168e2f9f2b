"""Set-ups and readers of test_backorder_race that other test modules use too."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.backorders import BACKORDER_FLAG, Backorder
from domain.catalog import Product
from domain.customers import Customer
from domain.money import Money
from domain.orders import Order, OrderLine
from domain.warehouse import Warehouse
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock

WAITING = 20


async def _twenty_waiting(engine: AsyncEngine, clock: FakeClock, vip: int | None = None) -> tuple[int, list[int]]:
    """20 customers each wait for one unit of a product with no stock, a minute apart (the
    ``vip``-th of them a VIP)."""
    uow = SqlUnitOfWork(session_factory(engine))
    ids = []
    async with uow:
        product = await uow.products.upsert(Product("PRE-1", "Preorder", "C", {"EUR": Money(900, "EUR")}))
        await uow.warehouses.upsert(Warehouse("W1", "Main"))
        for i in range(WAITING):
            at = clock.now() + timedelta(minutes=i)
            customer = await uow.customers.add(Customer(telegram_id=100 + i, first_name=f"C{i}", created_at=at))
            line = OrderLine(product.id or 0, "PRE-1", "Preorder", 1, Money(900, "EUR"))
            code = "BCDFGH" + "23456789BCDFGHJKMNPQRSTV"[i] + "K"
            order = Order.place(
                code=code, customer_id=customer.id or 0, currency="EUR", lines=[line], now=at, actor="test"
            )
            order.flags = frozenset({BACKORDER_FLAG})
            await uow.orders.add(order)
            part = Backorder(order.id or 0, product.id or 0, customer.id or 0, 1, at, vip=i == vip)
            backorder = await uow.backorders.add(part)
            ids.append(backorder.id or 0)
        await uow.commit()
    return product.id or 0, ids
