"""Set-ups and readers of test_stock_race that other test modules use too."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.customers import Customer
from domain.money import Money
from domain.warehouse import Warehouse
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock

BUYERS = 200


LAST_UNITS = 10


async def _shop_with_last_units(engine: AsyncEngine, clock: FakeClock) -> tuple[int, list[int]]:
    uow = SqlUnitOfWork(session_factory(engine))
    async with uow:
        product = await uow.products.upsert(
            Product(sku="LAST", name="Last", category="C", prices={"EUR": Money(100, "EUR")})
        )
        warehouse = await uow.warehouses.upsert(Warehouse("W1", "Main"))
        await uow.stock.set_bin_quantity(
            product.id or 0, warehouse.id or 0, "A-01-01-1", LAST_UNITS, "count", "test", clock.now()
        )
        customers = [
            await uow.customers.add(Customer(telegram_id=i + 1, first_name=f"C{i}", created_at=clock.now()))
            for i in range(BUYERS)
        ]
        await uow.commit()
    return product.id or 0, [c.id or 0 for c in customers]


async def _counters(engine: AsyncEngine) -> tuple[int, int, int]:
    async with session_factory(engine)() as session:
        on_hand, reserved = (await session.execute(select(m.StockRow.on_hand, m.StockRow.reserved))).one()
        rows = await session.scalar(select(func.coalesce(func.sum(m.ReservationRow.quantity), 0)))
    return on_hand, reserved, int(rows or 0)
