"""Staff confirming one new bin at once, on SQLite and PostgreSQL: one bin is made, every unit counted in it once."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.usecases.inventory import receive
from domain.warehouse import NewBin
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.bin_count_race import STAFF, _new_mug, _stock


async def test_a_new_bin_confirmed_by_several_staff_at_once_is_one_bin_holding_every_receipt(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    await _new_mug(engine)
    sessions = session_factory(engine)
    start = asyncio.Event()
    asked: list[NewBin] = []

    async def book_in(staff_id: int, new_bin: bool) -> None:
        await start.wait()
        uow = SqlUnitOfWork(sessions)
        try:
            await receive(
                uow,
                clock,
                staff_id=staff_id,
                sku="MUG",
                quantity=3,
                warehouse_code="W1",
                bin_code="Q-1-1-1",
                new_bin=new_bin,
            )
        except NewBin as question:  # read before another's commit made the bin: asked, nothing received
            asked.append(question)

    # Three confirm the new bin; the fourth names it without the flag (it may exist by then, or be asked about).
    tasks = [asyncio.create_task(book_in(s, s != STAFF[-1])) for s in STAFF]
    start.set()
    await asyncio.gather(*tasks)
    received = 3 * (len(STAFF) - len(asked))
    assert await _stock(engine) == (received, received, received)
    async with session_factory(engine)() as session:
        assert await session.scalar(select(func.count()).select_from(m.BinRow).where(m.BinRow.code == "Q-01-01-1")) == 1
