""" "Unsubscribe" tapped twice at once (a double tap, or two devices), on SQLite and
PostgreSQL: the customer is opted out once and the second tap is told so, not an error."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.campaigns import NotSubscribed
from domain.customers import Customer
from domain.usecases.campaigns import unsubscribe
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock


async def test_unsubscribe_tapped_twice_at_once_opts_out_once_and_tells_the_second_tap(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    sessions = session_factory(engine)
    async with (uow := SqlUnitOfWork(sessions)):
        customer = await uow.customers.add(Customer(telegram_id=901, first_name="Una", created_at=clock.now()))
        await uow.commit()
    start = asyncio.Event()

    async def tap() -> str:
        await start.wait()
        try:
            await unsubscribe(SqlUnitOfWork(sessions), clock, customer=customer)
        except NotSubscribed:
            return "told: not subscribed"
        return "opted out"

    tasks = [asyncio.create_task(tap()) for _ in range(3)]
    start.set()
    assert sorted(await asyncio.gather(*tasks)) == ["opted out", "told: not subscribed", "told: not subscribed"]
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(m.MarketingOptOutRow)) == 1
