"""The update inbox: updates from Telegram recorded before they are acknowledged, marked
once handled, and the durable memory of which update ids were already taken."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import models as m
from storage.db import DIALECT
from storage.repositories import _INSERT_FOR, _table, fetch, run

_INBOX = _table(m.UpdateInboxRow)
KEEP_HANDLED = timedelta(hours=24)  # Telegram gives up redelivering an update within a day
PRUNE_EVERY = timedelta(hours=1)


class UpdateInbox:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions
        self._pruned_at: datetime | None = None

    async def record(self, updates: Sequence[tuple[int, str]], now: datetime) -> set[int]:
        """Write a batch of ``(update id, JSON)`` in one transaction; returns the ids seen for
        the first time (one already recorded was handled, or is replayed at start). Handled
        rows older than ``KEEP_HANDLED`` are removed on the way, at most once an hour."""
        if not updates:
            return set()
        rows = [{"update_id": i, "payload": payload, "received_at": now} for i, payload in updates]
        async with self.sessions() as session, session.begin():
            statement = _INSERT_FOR[session.info[DIALECT]](_INBOX).values(rows).on_conflict_do_nothing()
            fresh = {row[0] for row in await fetch(session, statement.returning(_INBOX.c.update_id))}
            if self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY:
                await run(session, delete(_INBOX).where(_INBOX.c.handled_at < now - KEEP_HANDLED))
                self._pruned_at = now
        return fresh

    async def mark_handled(self, update_ids: Collection[int], now: datetime) -> None:
        async with self.sessions() as session, session.begin():
            await run(session, update(_INBOX).where(_INBOX.c.update_id.in_(list(update_ids))).values(handled_at=now))

    async def unhandled(self) -> list[tuple[int, str]]:
        """What a stopped process recorded and did not finish, oldest first."""
        async with self.sessions() as session:
            rows = await fetch(
                session,
                select(_INBOX.c.update_id, _INBOX.c.payload)
                .where(_INBOX.c.handled_at.is_(None))
                .order_by(_INBOX.c.update_id),
            )
        return [(row.update_id, row.payload) for row in rows]
