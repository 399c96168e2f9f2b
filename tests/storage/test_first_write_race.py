"""Rows made on a first write, written twice at once on SQLite and PostgreSQL: a customer's
“Notify me” tapped twice, two managers setting a reorder point for a product the warehouse never
stocked. Each is made once; neither writer gets an error (PostgreSQL refused the second insert
as a duplicate key, and the customer or manager saw “something went wrong”)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.usecases.cart import subscribe_back_in_stock
from domain.usecases.low_stock import set_reorder_point
from storage import models as m
from storage.db import session_factory
from storage.repositories.inventory import SqlInventory
from storage.repositories.notifications import SqlSubscriptions
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.back_in_stock_race import STAFF, _sold_out


def _met_there(monkeypatch: pytest.MonkeyPatch, engine: AsyncEngine, repository: type, method: str, n: int) -> None:
    """On PostgreSQL the ``n`` writers wait for each other at the repository's ``method``, so all
    read before any writes (they interleave so in production; left to the scheduler, one
    often finished first). SQLite's write transactions are serial: nothing to meet there."""
    if engine.dialect.name != "postgresql":
        return
    original, met = getattr(repository, method), asyncio.Barrier(n)

    async def meeting(self: Any, *args: Any) -> Any:
        await met.wait()
        return await original(self, *args)

    monkeypatch.setattr(repository, method, meeting)


async def test_notify_me_tapped_twice_at_once_subscribes_once_and_neither_tap_fails(
    engine: AsyncEngine, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    _met_there(monkeypatch, engine, SqlSubscriptions, "subscribe", 3)
    product_id, (customer_id, *_) = await _sold_out(engine, clock)
    sessions = session_factory(engine)
    start = asyncio.Event()

    async def tap() -> bool:
        await start.wait()
        return await subscribe_back_in_stock(
            SqlUnitOfWork(sessions), clock, customer_id=customer_id, product_id=product_id
        )

    tasks = [asyncio.create_task(tap()) for _ in range(3)]
    start.set()
    assert sorted(await asyncio.gather(*tasks)) == [False, False, True]  # the others are told they wait already
    async with sessions() as session:
        rows = await session.scalar(select(func.count()).select_from(m.StockSubscriptionRow))
    assert rows == 1


async def test_two_managers_setting_a_new_positions_reorder_point_at_once_both_succeed_and_one_row_stays(
    engine: AsyncEngine, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    _met_there(monkeypatch, engine, SqlInventory, "set_reorder", 2)
    await _sold_out(engine, clock)  # the mug has no stock row in W1 yet
    sessions = session_factory(engine)
    start = asyncio.Event()

    async def set_point(staff_id: int, point: int) -> None:
        await start.wait()
        await set_reorder_point(
            SqlUnitOfWork(sessions), staff_id=staff_id, sku="MUG", warehouse_code="W1", point=point, max_level=20
        )

    tasks = [asyncio.create_task(set_point(s, p)) for s, p in zip(STAFF, (4, 6), strict=True)]
    start.set()
    await asyncio.gather(*tasks)
    async with sessions() as session:
        rows = (await session.execute(select(m.StockRow.reorder_point, m.StockRow.max_level, m.StockRow.on_hand))).all()
    assert len(rows) == 1 and rows[0][0] in (4, 6) and tuple(rows[0][1:]) == (20, 0)
