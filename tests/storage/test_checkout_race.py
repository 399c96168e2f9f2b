"""50 customers checking out the last 5 units at the same moment, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.customers import Customer
from domain.money import Money
from domain.usecases.checkout import CheckoutPolicy, place_order
from domain.usecases.checkout_routing import CartChanged
from domain.usecases.stock import stock_drift
from domain.warehouse import Warehouse
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.requests import pickup_cash_on_delivery

CUSTOMERS = 50
LAST_UNITS = 5


async def test_last_five_units_make_exactly_five_orders(engine: AsyncEngine, clock: FakeClock) -> None:
    sessions = session_factory(engine)
    uow = SqlUnitOfWork(sessions)
    async with uow:
        product = await uow.products.upsert(
            Product(sku="LAST", name="Last", category="C", prices={"EUR": Money(1000, "EUR")})
        )
        shop = await uow.warehouses.upsert(Warehouse("W1", "Shop", latitude=52.0, longitude=13.0, is_pickup_point=True))
        await uow.stock.set_bin_quantity(
            product.id or 0, shop.id or 0, "A-01-01-1", LAST_UNITS, "count", "t", clock.now()
        )
        customers = []
        for i in range(CUSTOMERS):
            customer = await uow.customers.add(
                Customer(telegram_id=10_000 + i, first_name=f"C{i}", created_at=clock.now())
            )
            # Each wanted one; their holds expired long ago and were swept.
            await uow.carts.set(customer.id or 0, product.id or 0, 1, clock.now())
            customers.append(customer.id or 0)
        await uow.commit()

    start = asyncio.Event()

    async def checkout(customer_id: int) -> bool:
        await start.wait()
        request = pickup_cash_on_delivery(customer_id, shop.id)
        try:
            await place_order(SqlUnitOfWork(sessions), clock, CheckoutPolicy(), request)
        except CartChanged:
            return False
        return True

    tasks = [asyncio.create_task(checkout(c)) for c in customers]
    start.set()
    results = await asyncio.gather(*tasks)

    assert sum(results) == LAST_UNITS
    async with sessions() as session:
        orders = await session.scalar(select(func.count()).select_from(m.OrderRow))
        on_hand, reserved = (await session.execute(select(m.StockRow.on_hand, m.StockRow.reserved))).one()
        allocations = await session.scalar(
            select(func.count()).select_from(m.ReservationRow).where(m.ReservationRow.kind == "allocation")
        )
        carts = await session.scalar(select(func.count()).select_from(m.CartLineRow))
    assert (orders, on_hand, reserved, allocations) == (LAST_UNITS, LAST_UNITS, LAST_UNITS, LAST_UNITS)
    assert carts == CUSTOMERS - LAST_UNITS  # the losers keep their carts, told what changed
    assert await stock_drift(SqlUnitOfWork(sessions)) == []
