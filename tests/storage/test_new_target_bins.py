"""A move or transfer into a bin the warehouse lacks, on SQLite and PostgreSQL: asked, nothing written until made."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.usecases.inventory import move, receive
from domain.usecases.transfers import transfer
from domain.warehouse import NewTargetBin, Warehouse
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.bin_count_race import STAFF, _bin_with_five, _stock


async def _rows(engine: AsyncEngine) -> tuple[dict[tuple[str, str], int], int]:
    """Every bin with the units it holds (by warehouse and code), and how many movements there are."""
    async with session_factory(engine)() as session:
        b, bs, w = m.BinRow, m.BinStockRow, m.WarehouseRow
        rows = await session.execute(
            select(w.code, b.code, bs.quantity).join(b, b.warehouse_id == w.id).outerjoin(bs, bs.bin_id == b.id)
        )
        moves = len((await session.scalars(select(m.InventoryMovementRow.id))).all())
        return {(warehouse, code): quantity or 0 for warehouse, code, quantity in rows}, moves


async def _with_two_warehouses(engine: AsyncEngine, clock: FakeClock) -> None:
    """5 mugs in W1's A-01-01-1 and 1 in W1's A-01-01-2; W2 with one bin, B-01-01-1, holding 1."""
    await _bin_with_five(engine, clock)
    async with (uow := SqlUnitOfWork(session_factory(engine))):
        await uow.warehouses.upsert(Warehouse("W2", "Second"))
        await uow.commit()
    for warehouse, code in (("W1", "A-1-1-2"), ("W2", "B-1-1-1")):
        uow = SqlUnitOfWork(session_factory(engine))
        await receive(
            uow, clock, staff_id=STAFF[0], sku="MUG", quantity=1, warehouse_code=warehouse, bin_code=code, new_bin=True
        )


@pytest.mark.parametrize("how", ["move", "transfer"])
async def test_stock_moved_into_a_bin_its_warehouse_lacks_is_asked_about_and_nothing_moves_until_it_is_made(
    engine: AsyncEngine, clock: FakeClock, how: str
) -> None:
    await _with_two_warehouses(engine, clock)
    before, stock = await _rows(engine), await _stock(engine)

    async def moved(new_bin: bool) -> None:
        uow = SqlUnitOfWork(session_factory(engine))
        if how == "move":
            await move(
                uow,
                clock,
                staff_id=STAFF[1],
                sku="MUG",
                quantity=2,
                from_bin="A-1-1-1",
                to_bin="A-1-1-9",
                new_bin=new_bin,
            )
        else:
            await transfer(
                uow, clock, staff_id=STAFF[1], sku="MUG", quantity=2, source="W1", target="W2:B-1-1-9", new_bin=new_bin
            )

    with pytest.raises(NewTargetBin) as asked:
        await moved(new_bin=False)
    # the source bin is no answer to where a move goes: only the warehouse's other bins are named
    assert (asked.value.warehouse, asked.value.bin, asked.value.near) == (
        ("W1", "A-01-01-9", ("A-01-01-2",)) if how == "move" else ("W2", "B-01-01-9", ("B-01-01-1",))
    )
    assert await _rows(engine) == before and await _stock(engine) == stock  # no bin made, no unit moved
    await moved(new_bin=True)
    after, moves = await _rows(engine)
    made = ("W1", "A-01-01-9") if how == "move" else ("W2", "B-01-01-9")
    assert after[made] == 2 and after[("W1", "A-01-01-1")] == 3 and moves == before[1] + 2
