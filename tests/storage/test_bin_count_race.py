"""Two staff booking goods into the same bin at once, on SQLite and PostgreSQL: the bin, the
warehouse's counter and the movements all grow by both receipts."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.usecases.inventory import adjust, receive
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.bin_count_race import STAFF, _bin_with_five, _new_mug, _stock


async def _three_each_at_once(engine: AsyncEngine, clock: FakeClock, bins: tuple[str, ...]) -> None:
    """Each manager books 3 mugs into their bin of ``bins``, all at the same instant."""
    sessions = session_factory(engine)
    start = asyncio.Event()

    async def book_in(staff_id: int, bin_code: str) -> None:
        await start.wait()
        await receive(
            SqlUnitOfWork(sessions),
            clock,
            staff_id=staff_id,
            sku="MUG",
            quantity=3,
            warehouse_code="W1",
            bin_code=bin_code,
            new_bin=True,
        )

    tasks = [asyncio.create_task(book_in(s, b)) for s, b in zip(STAFF, bins, strict=True)]
    start.set()
    await asyncio.gather(*tasks)


async def test_receipts_into_one_bin_at_once_count_every_unit_in_the_bin_and_the_warehouse(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    await _bin_with_five(engine, clock)
    await _three_each_at_once(engine, clock, ("A-1-1-1",) * 4)
    assert await _stock(engine) == (5 + 4 * 3, 5 + 4 * 3, 5 + 4 * 3)


async def test_adjustments_and_receipts_at_once_leave_the_bins_equal_to_the_warehouse(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    await _bin_with_five(engine, clock)
    sessions = session_factory(engine)
    start = asyncio.Event()

    async def found_one(staff_id: int) -> None:
        await start.wait()
        await adjust(
            SqlUnitOfWork(sessions), clock, staff_id=staff_id, sku="MUG", warehouse_code="W1", delta=1, reason="found"
        )

    async def broke_one(staff_id: int) -> None:
        await start.wait()
        await adjust(
            SqlUnitOfWork(sessions), clock, staff_id=staff_id, sku="MUG", warehouse_code="W1", delta=-1, reason="broken"
        )

    tasks = (
        [asyncio.create_task(found_one(s)) for s in STAFF[:2]]
        + [asyncio.create_task(broke_one(s)) for s in STAFF[2:]]
        + [asyncio.create_task(found_one(STAFF[0]))]
    )
    start.set()
    await asyncio.gather(*tasks)
    assert await _stock(engine) == (6, 6, 6)


async def test_a_new_products_first_goods_booked_by_four_staff_at_once_into_new_bins_all_count(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """No counter and no bins yet: each receipt makes them, two of them the same bin. None
    fails on the other's new row (PostgreSQL refused the second as a duplicate key)."""
    await _new_mug(engine)
    await _three_each_at_once(engine, clock, ("A-1-1-1", "A-1-1-2", "A-1-1-1", "B-1-1-1"))
    assert await _stock(engine) == (12, 12, 12)
    async with session_factory(engine)() as session:
        assert set(await session.scalars(select(m.BinRow.code))) == {"A-01-01-1", "A-01-01-2", "B-01-01-1"}
