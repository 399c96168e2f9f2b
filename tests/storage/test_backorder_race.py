"""Backorders on real SQLite and PostgreSQL: filled oldest first as stock arrives, and one
outcome when a customer cancels a waiting part while the goods are received."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.backorders import BackorderStatus, NothingWaiting
from domain.usecases.backorders import cancel_waiting_part
from domain.usecases.inventory import receive_goods
from domain.usecases.stock import stock_drift
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.backorder_race import _twenty_waiting


async def _counters(engine: AsyncEngine) -> tuple[int, int, int]:
    async with session_factory(engine)() as session:
        on_hand, reserved = (await session.execute(select(m.StockRow.on_hand, m.StockRow.reserved))).one()
        rows = await session.scalar(select(func.coalesce(func.sum(m.ReservationRow.quantity), 0)))
    return on_hand, reserved, int(rows or 0)


async def _statuses(engine: AsyncEngine, ids: list[int]) -> list[BackorderStatus]:
    async with session_factory(engine)() as session:
        rows = dict((await session.execute(select(m.BackorderRow.id, m.BackorderRow.status))).all())
    return [BackorderStatus(rows[i]) for i in ids]


async def test_a_receipt_of_12_fills_the_12_oldest_of_20_waiting(engine: AsyncEngine, clock: FakeClock) -> None:
    _, ids = await _twenty_waiting(engine, clock)
    uow = SqlUnitOfWork(session_factory(engine))
    await receive_goods(uow, clock, actor="test", sku="PRE-1", quantity=12, warehouse_code="W1")
    statuses = await _statuses(engine, ids)
    assert statuses == [BackorderStatus.FILLED] * 12 + [BackorderStatus.WAITING] * 8
    assert await _counters(engine) == (12, 12, 12)  # counters = rows: every unit allocated to an order
    assert await stock_drift(uow) == []
    async with session_factory(engine)() as session:
        told = await session.scalar(select(func.count()).where(m.OutboxRow.template == "backorder_filled"))
        allocated = await session.scalar(
            select(func.count(func.distinct(m.ReservationRow.order_id))).where(m.ReservationRow.kind == "allocation")
        )
    assert (told, allocated) == (12, 12)


async def test_a_vip_waiting_since_later_is_filled_before_the_oldest(engine: AsyncEngine, clock: FakeClock) -> None:
    _, ids = await _twenty_waiting(engine, clock, vip=15)
    uow = SqlUnitOfWork(session_factory(engine))
    await receive_goods(uow, clock, actor="test", sku="PRE-1", quantity=3, warehouse_code="W1")
    filled = [i for i, s in enumerate(await _statuses(engine, ids)) if s is BackorderStatus.FILLED]
    assert filled == [0, 1, 15]  # the VIP, then the two oldest
    assert await _counters(engine) == (3, 3, 3)


async def test_a_part_cancelled_while_goods_arrive_has_one_outcome_and_stock_stays_exact(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    _, ids = await _twenty_waiting(engine, clock)
    async with session_factory(engine)() as session:
        owners = dict((await session.execute(select(m.BackorderRow.id, m.BackorderRow.customer_id))).all())
    sessions = session_factory(engine)
    start = asyncio.Event()
    racing = ids[:6]  # the oldest: the receipt wants them too

    async def cancel(backorder_id: int) -> bool:
        await start.wait()
        try:
            await cancel_waiting_part(
                SqlUnitOfWork(sessions), clock, customer_id=owners[backorder_id], backorder_id=backorder_id
            )
        except NothingWaiting:
            return False
        return True

    async def receive() -> None:
        await start.wait()
        await receive_goods(SqlUnitOfWork(sessions), clock, actor="test", sku="PRE-1", quantity=12, warehouse_code="W1")

    tasks = [asyncio.create_task(cancel(i)) for i in racing] + [asyncio.create_task(receive())]
    start.set()
    results = await asyncio.gather(*tasks)
    cancelled = [i for i, won in zip(racing, results[:-1], strict=True) if won]
    statuses = dict(zip(ids, await _statuses(engine, ids), strict=True))
    for backorder_id in racing:  # each one either cancelled by its customer or filled, never both
        expected = BackorderStatus.CANCELLED if backorder_id in cancelled else BackorderStatus.FILLED
        assert statuses[backorder_id] is expected
    filled = [i for i in ids if statuses[i] is BackorderStatus.FILLED]
    live = [i for i in ids if i not in cancelled]
    assert filled == live[:12]  # the 12 oldest still waiting got the 12 units
    assert await _counters(engine) == (12, 12, 12)
    assert await stock_drift(SqlUnitOfWork(sessions)) == []
