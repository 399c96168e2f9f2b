"""Two managers transferring a warehouse's last units to other warehouses at once, on SQLite and
PostgreSQL: one transfer moves them, the other is refused saying none can go, and no unit is
counted twice."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.errors import DomainError
from domain.usecases.inventory import receive
from domain.usecases.transfers import OnlySoMany, transfer
from domain.warehouse import Warehouse
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.bin_count_race import STAFF, _new_mug


async def _three_mugs_in_w1(engine: AsyncEngine, clock: FakeClock) -> None:
    await _new_mug(engine)  # W1, and managers STAFF
    async with (uow := SqlUnitOfWork(session_factory(engine))):
        for code in ("W2", "W3"):
            await uow.warehouses.upsert(Warehouse(code, code))
        await uow.commit()
    await receive(
        SqlUnitOfWork(session_factory(engine)),
        clock,
        staff_id=STAFF[0],
        sku="MUG",
        quantity=3,
        warehouse_code="W1",
        bin_code="A-1-1-1",
        new_bin=True,
    )


async def test_two_transfers_of_the_last_units_at_once_move_them_once_and_refuse_the_other(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    await _three_mugs_in_w1(engine, clock)
    sessions = session_factory(engine)
    start = asyncio.Event()

    async def send(staff_id: int, target: str) -> str | DomainError:
        await start.wait()
        try:
            done = await transfer(
                SqlUnitOfWork(sessions), clock, staff_id=staff_id, sku="MUG", quantity=3, source="W1", target=target
            )
        except DomainError as refused:
            return refused
        return done.target.code

    tasks = [asyncio.create_task(send(s, t)) for s, t in zip(STAFF[:2], ("W2", "W3"), strict=True)]
    start.set()
    results = await asyncio.gather(*tasks)

    moved = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(moved) == 1 and len(refused) == 1, results
    assert isinstance(refused[0], OnlySoMany) and refused[0].params["free"] == 0  # none left, none held
    async with sessions() as session:
        rows = await session.execute(
            select(m.WarehouseRow.code, m.StockRow.on_hand).join(
                m.StockRow, m.StockRow.warehouse_id == m.WarehouseRow.id
            )
        )
        on_hand = {code: n for code, n in rows if n}
        bins = await session.scalars(select(m.BinStockRow.quantity).where(m.BinStockRow.quantity > 0))
        assert sorted(bins) == [3]
    assert on_hand == {moved[0]: 3}
