"""The notifier's pass that finds nothing due tells no one of a change: its lease wrote no row."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.notifications import Notification
from storage.db import on_commit, session_factory
from storage.outbox import OutboxStore
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock


async def test_a_lease_that_finds_nothing_due_wakes_no_dashboard(engine: AsyncEngine, clock: FakeClock) -> None:
    """Every process's notifier leases what is due each second: told as an outbox change, each
    empty pass made every open live dashboard of every process read its figures again."""
    sessions = session_factory(engine)
    told: list[frozenset[str]] = []
    on_commit(sessions, told.append)
    store = OutboxStore(sessions)

    assert await store.claim(clock.now()) == []
    assert await store.claim(clock.now(), chat_id=905) == []
    assert told == []

    uow = SqlUnitOfWork(sessions)
    async with uow:
        await uow.outbox.add(Notification(905, "order_status", "en", {"code": "X"}), clock.now())
        await uow.commit()
    assert told == [frozenset({"outbox"})]
    told.clear()
    assert [message.chat_id for message in await store.claim(clock.now())] == [905]
    assert told == [frozenset({"outbox"})]  # a lease that took a message is a change (attempts, its next try)
