"""Customers waiting for a product, on SQLite and PostgreSQL: goods arriving in two warehouses
at the same instant tell each of them once."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.usecases.cart import subscribe_back_in_stock
from domain.usecases.inventory import receive
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.back_in_stock_race import STAFF, WAITING, _sold_out


async def _told(engine: AsyncEngine) -> int:
    async with session_factory(engine)() as session:
        return int(await session.scalar(select(func.count()).where(m.OutboxRow.template == "back_in_stock")) or 0)


async def test_goods_arriving_in_two_warehouses_at_once_tell_each_waiting_customer_once(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    product_id, customers = await _sold_out(engine, clock)
    sessions = session_factory(engine)
    for customer_id in customers:
        assert await subscribe_back_in_stock(
            SqlUnitOfWork(sessions), clock, customer_id=customer_id, product_id=product_id
        )
    start = asyncio.Event()

    async def book_in(staff_id: int, warehouse: str) -> None:
        await start.wait()
        await receive(
            SqlUnitOfWork(sessions), clock, staff_id=staff_id, sku="MUG", quantity=4, warehouse_code=warehouse
        )

    tasks = [asyncio.create_task(book_in(s, w)) for s, w in zip(STAFF, ("W1", "W2"), strict=True)]
    start.set()
    await asyncio.gather(*tasks)
    assert await _told(engine) == len(WAITING)
