"""Two staff moving the same product between two bins in opposite directions at once, on SQLite
and PostgreSQL: both moves are made (one after the other, no deadlock), each bin ends with what it
had, and the warehouse's counter never moves."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.usecases.inventory import move, receive
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.bin_count_race import STAFF, _bin_with_five, _stock


async def test_opposite_moves_between_two_bins_at_once_both_happen_and_leave_each_bin_as_it_was(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    await _bin_with_five(engine, clock)  # 5 mugs in A-1-1-1 of W1
    sessions = session_factory(engine)
    await receive(
        SqlUnitOfWork(sessions),
        clock,
        staff_id=STAFF[0],
        sku="MUG",
        quantity=5,
        warehouse_code="W1",
        bin_code="B-1-1-1",
        new_bin=True,
    )

    async def moved(start: asyncio.Event, staff_id: int, source: str, target: str) -> None:
        await start.wait()
        await move(
            SqlUnitOfWork(sessions), clock, staff_id=staff_id, sku="MUG", quantity=3, from_bin=source, to_bin=target
        )

    for _ in range(3):  # in any order, each bin has the 3 the other takes
        start = asyncio.Event()
        tasks = [
            asyncio.create_task(moved(start, STAFF[0], "A-1-1-1", "B-1-1-1")),
            asyncio.create_task(moved(start, STAFF[1], "B-1-1-1", "A-1-1-1")),
        ]
        start.set()
        await asyncio.gather(*tasks)
    assert await _stock(engine) == (10, 10, 10)
    async with session_factory(engine)() as session:
        rows = await session.execute(select(m.BinRow.code, m.BinStockRow.quantity).join(m.BinRow))
        bins = {code: quantity for code, quantity in rows}
    assert bins == {"A-01-01-1": 5, "B-01-01-1": 5}
