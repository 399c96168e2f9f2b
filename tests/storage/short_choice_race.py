"""Set-ups and readers of test_short_choice_race that other test modules use too."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.backorders import Backorder
from domain.catalog import Product
from domain.customers import Customer
from domain.money import Money
from domain.orders import Order, OrderLine, OrderStatus
from domain.payments import Payment, PaymentKind
from domain.shortages import SHORT_FLAG
from domain.warehouse import Warehouse
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock


async def _held_for_a_short_pick(engine: AsyncEngine, clock: FakeClock) -> tuple[int, str]:
    """An order of 2 paid by card, picked, found short of both: held, its customer asked."""
    uow = SqlUnitOfWork(session_factory(engine))
    async with uow:
        product = await uow.products.upsert(Product("SHO-1", "Short", "C", {"EUR": Money(900, "EUR")}))
        await uow.warehouses.upsert(Warehouse("W1", "Main"))
        customer = await uow.customers.add(Customer(telegram_id=501, first_name="Cleo", created_at=clock.now()))
        line = OrderLine(product.id or 0, "SHO-1", "Short", 2, Money(900, "EUR"))
        order = Order.place(
            code="BCDFGHJK", customer_id=customer.id or 0, currency="EUR", lines=[line], now=clock.now(), actor="test"
        )
        for status in (OrderStatus.ALLOCATED, OrderStatus.PICKING, OrderStatus.ON_HOLD):
            order.transition(status, now=clock.now(), actor="test")
        order.flags = frozenset({SHORT_FLAG})
        await uow.orders.add(order)
        await uow.payments.add(Payment(order.id or 0, PaymentKind.PAYMENT, "card", Money(1800, "EUR"), clock.now()))
        await uow.backorders.add(Backorder(order.id or 0, product.id or 0, customer.id or 0, 2, clock.now()))
        await uow.commit()
    return customer.id or 0, order.code
