"""Two managers confirming counts of one bin at once, on SQLite and PostgreSQL: the first is recorded, the other
refused (each would add its own difference to the bin), and bins, counter and movements agree."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.usecases.bin_counts import CountedMeanwhile, count_item, record_count
from domain.usecases.inventory import receive
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.bin_count_race import STAFF, _bin_with_five, _stock


async def test_two_counts_of_one_bin_confirmed_at_once_record_one_difference(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    await _bin_with_five(engine, clock)
    sessions = session_factory(engine)
    started = clock.now()
    counted = {}
    for staff_id in STAFF[:2]:  # each counts 4 mugs on a shelf the books say holds 5
        sku, shelf = await count_item(
            SqlUnitOfWork(sessions), staff_id=staff_id, warehouse_id=1, bin_code="A-01-01-1", code="MUG"
        )
        counted[staff_id] = {sku: (4, shelf)}
    go = asyncio.Event()

    async def confirm(staff_id: int) -> str:
        await go.wait()
        try:
            await record_count(
                SqlUnitOfWork(sessions),
                clock,
                staff_id=staff_id,
                warehouse_id=1,
                bin_code="A-01-01-1",
                counted=counted[staff_id],
                started=started,
            )
        except CountedMeanwhile:
            return "refused"
        return "recorded"

    tasks = [asyncio.create_task(confirm(s)) for s in STAFF[:2]]
    go.set()
    assert sorted(await asyncio.gather(*tasks)) == ["recorded", "refused"]
    assert await _stock(engine) == (4, 4, 4)  # in bins, on hand, the movements' sum: one unit gone, once


async def test_a_count_of_a_bin_finding_more_brings_the_units_in(engine: AsyncEngine, clock: FakeClock) -> None:
    await _bin_with_five(engine, clock)
    sessions = session_factory(engine)
    uow = SqlUnitOfWork(sessions)
    sku, shelf = await count_item(uow, staff_id=STAFF[0], warehouse_id=1, bin_code="A-01-01-1", code="MUG")
    result = await record_count(
        uow,
        clock,
        staff_id=STAFF[0],
        warehouse_id=1,
        bin_code="A-01-01-1",
        counted={sku: (7, shelf)},
        started=clock.now(),
    )
    assert [(line.product.sku, line.expected, line.counted) for line in result.lines] == [("MUG", 5, 7)]
    assert await _stock(engine) == (7, 7, 7)
    with pytest.raises(CountedMeanwhile):  # the same count sent again (another chat's stale screen): not twice
        await record_count(
            uow,
            clock,
            staff_id=STAFF[1],
            warehouse_id=1,
            bin_code="A-01-01-1",
            counted={sku: (7, shelf)},
            started=clock.now(),
        )
    assert await _stock(engine) == (7, 7, 7)


async def test_a_stale_count_is_refused_however_busy_its_item_was_since_the_other_was_recorded(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """Two managers counted the bin (4 of the books' 5); one confirms, then 60 units of the item are received into
    another bin before the other confirms: that count is still refused, not a second unit taken off the bin (the
    check read only the item's latest 50 movements, where the first count no longer was)."""
    await _bin_with_five(engine, clock)
    sessions = session_factory(engine)
    started = clock.now()
    counted = []
    for staff_id in STAFF[:2]:
        sku, shelf = await count_item(
            SqlUnitOfWork(sessions), staff_id=staff_id, warehouse_id=1, bin_code="A-01-01-1", code="MUG"
        )
        counted.append({sku: (4, shelf)})
    first, second = (
        dict(uow=SqlUnitOfWork(sessions), staff_id=s, warehouse_id=1, bin_code="A-01-01-1", counted=c, started=started)
        for s, c in zip(STAFF[:2], counted, strict=True)
    )
    await record_count(clock=clock, **first)  # type: ignore[arg-type]
    for _ in range(60):
        await receive(
            SqlUnitOfWork(sessions),
            clock,
            staff_id=STAFF[0],
            sku="MUG",
            quantity=1,
            warehouse_code="W1",
            bin_code="B-1-1-1",
            new_bin=True,
        )
    with pytest.raises(CountedMeanwhile):
        await record_count(clock=clock, **second)  # type: ignore[arg-type]
    assert await _stock(engine) == (64, 64, 64)  # bin A: 4, once; bin B: the 60 received
