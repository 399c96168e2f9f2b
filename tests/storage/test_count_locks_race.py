"""A /count confirmed while an item is received into the bin (PostgreSQL, where they interleave): every stock row
the count writes is locked before the bin is read for it, the newly received item's too."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.money import Money
from domain.stock_counts import BinCount
from domain.usecases.bin_counts import count_item, record_count
from domain.usecases.inventory import receive
from storage.db import session_factory
from storage.repositories.inventory import SqlInventory
from storage.repositories.stock import SqlStock
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.bin_count_race import STAFF, _bin_with_five, _stock

pytestmark = pytest.mark.postgres


async def test_a_count_locks_an_item_received_into_the_bin_while_it_is_confirmed(
    pg_engine: AsyncEngine, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _bin_with_five(pg_engine, clock)
    sessions = session_factory(pg_engine)
    async with (uow := SqlUnitOfWork(sessions)):
        await uow.products.upsert(Product("CUP", "Cup", "C", {"EUR": Money(500, "EUR")}))
        await uow.commit()
    sku, shelf = await count_item(
        SqlUnitOfWork(sessions), staff_id=STAFF[0], warehouse_id=1, bin_code="A-01-01-1", code="MUG"
    )
    received: list[str] = []
    locked: set[tuple[int, int]] = set()  # (the repository's session, product): the count's locks, not the receipt's
    written: list[tuple[int, bool]] = []  # product, locked by the count before it was written
    read_bin, lock, write = SqlInventory.bin_contents, SqlStock.lock_positions, SqlStock.set_bin_quantities
    try_lock = SqlStock.try_lock_products

    async def then_cups_arrive(self: SqlInventory, warehouse_id: int, bin_code: str) -> Any:
        """3 cups received into the bin, committed right after the count first read it (before it locks)."""
        found = await read_bin(self, warehouse_id, bin_code)
        if not received:
            received.append("CUP")
            await receive(
                SqlUnitOfWork(sessions),
                clock,
                staff_id=STAFF[1],
                sku="CUP",
                quantity=3,
                warehouse_code="W1",
                bin_code="A-1-1-1",
                new_bin=True,
            )
        return found

    async def noted_lock(self: SqlStock, places: Any) -> None:
        places = list(places)
        await lock(self, places)
        locked.update((id(self.s), p) for p, _ in places)

    async def noted_try(self: SqlStock, product_ids: Any, warehouse_id: int) -> bool:
        product_ids = list(product_ids)
        taken = await try_lock(self, product_ids, warehouse_id)
        locked.update((id(self.s), p) for p in product_ids if taken)
        return taken

    async def noted_write(self: SqlStock, counts: Sequence[BinCount], *args: Any) -> list[int]:
        written.extend((c.product_id, (id(self.s), c.product_id) in locked) for c in counts)
        return await write(self, counts, *args)

    monkeypatch.setattr(SqlInventory, "bin_contents", then_cups_arrive)
    monkeypatch.setattr(SqlStock, "lock_positions", noted_lock)
    monkeypatch.setattr(SqlStock, "try_lock_products", noted_try)
    monkeypatch.setattr(SqlStock, "set_bin_quantities", noted_write)
    result = await record_count(
        SqlUnitOfWork(sessions),
        clock,
        staff_id=STAFF[0],
        warehouse_id=1,
        bin_code="A-01-01-1",
        counted={sku: (4, shelf)},
        started=clock.now(),
    )
    assert received == ["CUP"]
    assert [(line.product.sku, line.expected, line.counted) for line in result.lines] == [("CUP", 3, 0), ("MUG", 5, 4)]
    assert len(written) == 2 and all(was_locked for _, was_locked in written)
    assert await _stock(pg_engine) == (4, 4, 4)
