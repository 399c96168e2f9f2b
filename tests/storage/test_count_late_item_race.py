"""A /count confirmed while an item is received into the bin and another transaction then holds that item's stock
row waiting for one the count holds (PostgreSQL; SQLite's writers take turns, so they never interleave): the count
takes the late item's row only if it is free, else it runs again from the start, the item read first and locked in
the lock order. Waiting for it out of order deadlocked, and PostgreSQL ended one of the two."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.contention import Contention
from domain.money import Money
from domain.usecases.bin_counts import count_item, record_count
from domain.usecases.inventory import receive
from storage.db import session_factory
from storage.repositories.inventory import SqlInventory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.bin_count_race import STAFF, _bin_with_five, _stock
from tests.storage.lock_waits import someone_waits_for_a_lock

pytestmark = pytest.mark.postgres


async def test_a_count_never_waits_for_an_item_found_late_out_of_the_lock_order(
    pg_engine: AsyncEngine, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    sessions = session_factory(pg_engine)
    async with (uow := SqlUnitOfWork(sessions)):  # the cup first: its stock row comes before the mug's
        await uow.products.upsert(Product("CUP", "Cup", "C", {"EUR": Money(500, "EUR")}))
        await uow.commit()
    await _bin_with_five(pg_engine, clock)
    async with (uow := SqlUnitOfWork(sessions)):
        cup, mug = (await uow.products.get_by_sku("CUP")), (await uow.products.get_by_sku("MUG"))
    assert cup and mug and (cup.id or 0) < (mug.id or 0)
    sku, shelf = await count_item(
        SqlUnitOfWork(sessions), staff_id=STAFF[0], warehouse_id=1, bin_code="A-01-01-1", code="MUG"
    )
    reads: list[str] = []
    other: list[asyncio.Task[None]] = []
    read_bin = SqlInventory.bin_contents

    async def both_rows() -> None:
        """Another writer of both items, in the lock order: the cup's row, then the mug's (the count holds it)."""
        async with (work := SqlUnitOfWork(sessions)):
            await work.stock.lock_positions([(cup.id or 0, 1), (mug.id or 0, 1)])
            await work.commit()

    async def meanwhile(self: SqlInventory, warehouse_id: int, bin_code: str) -> Any:
        reads.append(bin_code)
        if len(reads) == 1:  # after the count's first read: 3 cups received into the bin, committed
            found = await read_bin(self, warehouse_id, bin_code)
            await receive(
                SqlUnitOfWork(sessions),
                clock,
                staff_id=STAFF[1],
                sku="CUP",
                quantity=3,
                warehouse_code="W1",
                bin_code="A-1-1-1",
            )
            return found
        if len(reads) == 2:  # the count holds the mug's row: the other writer takes the cup's and waits for it
            other.append(asyncio.create_task(both_rows()))
            await someone_waits_for_a_lock(pg_engine)
        return await read_bin(self, warehouse_id, bin_code)

    monkeypatch.setattr(SqlInventory, "bin_contents", meanwhile)
    count = {"staff_id": STAFF[0], "warehouse_id": 1, "bin_code": "A-01-01-1", "counted": {sku: (4, shelf)}}
    with pytest.raises(Contention) as ended:
        await record_count(SqlUnitOfWork(sessions), clock, started=clock.now(), **count)  # type: ignore[arg-type]
    assert ended.value.__cause__ is None  # the count's own "run again", not PostgreSQL ending a deadlock
    await asyncio.wait_for(other[0], 10)  # the other writer was never a deadlock's victim
    monkeypatch.setattr(SqlInventory, "bin_contents", read_bin)
    result = await record_count(SqlUnitOfWork(sessions), clock, started=clock.now(), **count)  # type: ignore[arg-type]
    assert [(line.product.sku, line.expected, line.counted) for line in result.lines] == [("CUP", 3, 0), ("MUG", 5, 4)]
    assert await _stock(pg_engine) == (4, 4, 4)
