"""A status callback removed while a change is telling its channel, on PostgreSQL: the event that change writes is
dropped with the others, never left waiting to be sent to the next URL the channel sets."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.callbacks import EventType, OrderEvent
from domain.usecases.callbacks import remove_callback
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.contracts.conftest import NOW
from tests.contracts.orders import a_channels_order
from tests.storage.lock_waits import someone_waits_for_a_lock

MOVED = OrderEvent(EventType.STATUS_CHANGED, "BCDFGHJK", "PO-1", "picking", "allocated", "", "", NOW)


@pytest.mark.postgres
async def test_an_event_written_while_the_url_is_removed_is_dropped_with_those_waiting(pg_engine: AsyncEngine) -> None:
    sessions = session_factory(pg_engine)
    setup = SqlUnitOfWork(sessions)
    order, _ = await a_channels_order(setup)
    async with setup:
        await setup.callbacks.set_url("market", "https://m.example/hook", "s1", NOW)
        await setup.commit()
    mover = SqlUnitOfWork(sessions)
    async with mover:  # a move telling the channel, not yet committed
        assert await mover.callbacks.record(order.id or 0, MOVED) is not None
        removal = asyncio.create_task(remove_callback(SqlUnitOfWork(sessions), channel="market"))
        waiting = asyncio.create_task(someone_waits_for_a_lock(pg_engine))
        done, _ = await asyncio.wait({removal, waiting}, return_when=asyncio.FIRST_COMPLETED)
        if waiting not in done:
            waiting.cancel()
        assert waiting in done, "the removal went ahead of the change, whose event was then left waiting"
        await mover.commit()
    assert await removal == 1
    after = SqlUnitOfWork(sessions)
    async with after:
        await after.callbacks.set_url("market", "https://m.example/v2", "s2", NOW)
        await after.commit()
    async with after:
        assert await after.callbacks.due(NOW + timedelta(hours=1), 10) == []
