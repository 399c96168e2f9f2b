"""Concurrency: real concurrent tasks against real SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.errors import InsufficientStock
from domain.usecases.cart import add_to_cart, set_cart_quantity
from domain.usecases.stock import stock_drift
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.stock_race import LAST_UNITS, _counters, _shop_with_last_units


async def _try_to_hold_one(
    sessions: async_sessionmaker[AsyncSession], clock: FakeClock, customer_id: int, product_id: int
) -> bool:
    """One customer puts one unit in their cart; False when the stock is gone."""
    try:
        await add_to_cart(
            SqlUnitOfWork(sessions), clock, customer_id=customer_id, product_id=product_id, quantity=1, hold_minutes=30
        )
    except InsufficientStock:
        return False
    return True


async def test_last_ten_units_go_to_exactly_ten_of_two_hundred_buyers(engine: AsyncEngine, clock: FakeClock) -> None:
    product_id, customers = await _shop_with_last_units(engine, clock)
    sessions = session_factory(engine)
    start = asyncio.Event()
    observed_available: list[int] = []

    async def buyer(customer_id: int) -> bool:
        await start.wait()
        if not await _try_to_hold_one(sessions, clock, customer_id, product_id):
            return False
        on_hand, reserved, _ = await _counters(engine)
        observed_available.append(on_hand - reserved)
        return True

    tasks = [asyncio.create_task(buyer(c)) for c in customers]
    start.set()
    results = await asyncio.gather(*tasks)

    assert sum(results) == LAST_UNITS
    assert all(available >= 0 for available in observed_available)
    on_hand, reserved, held = await _counters(engine)
    assert (on_hand, reserved, held) == (LAST_UNITS, LAST_UNITS, LAST_UNITS)
    assert await stock_drift(SqlUnitOfWork(sessions)) == []


async def test_concurrent_release_and_hold_keep_counters_equal_to_rows(engine: AsyncEngine, clock: FakeClock) -> None:
    product_id, customers = await _shop_with_last_units(engine, clock)
    sessions = session_factory(engine)
    for c in customers[:LAST_UNITS]:
        await add_to_cart(
            SqlUnitOfWork(sessions), clock, customer_id=c, product_id=product_id, quantity=1, hold_minutes=30
        )

    async def release(customer_id: int) -> None:
        await set_cart_quantity(
            SqlUnitOfWork(sessions), clock, customer_id=customer_id, product_id=product_id, quantity=0, hold_minutes=30
        )

    async def try_hold(customer_id: int) -> bool:
        return await _try_to_hold_one(sessions, clock, customer_id, product_id)

    outcome = await asyncio.gather(
        *(release(c) for c in customers[:5]), *(try_hold(c) for c in customers[LAST_UNITS : LAST_UNITS + 40])
    )
    won = sum(1 for r in outcome if r is True)
    on_hand, reserved, held = await _counters(engine)
    assert reserved == held == LAST_UNITS - 5 + won
    assert on_hand - reserved >= 0 and won <= 5
    assert await stock_drift(SqlUnitOfWork(sessions)) == []
