"""Claiming and settling outbox rows for the notifier.

A row is claimed by moving its ``next_attempt_at`` forward with a conditional UPDATE (the
row count decides who got it), so two notifier processes never send the same row at once,
on SQLite and PostgreSQL alike, without holding a transaction open while sending.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Update, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import models as m
from storage.db import wrote_no_rows
from storage.repositories.sql import _table, fetch, run

LEASE = timedelta(seconds=60)

# Core statements built once (``storage.repositories.sql.run``): the ORM's UPDATE machinery
# cost three times the statement, and every order placed claims and marks its confirmation.
_O = _table(m.OutboxRow).c
_UNSETTLED = (_O.sent_at.is_(None), _O.failed_at.is_(None), _O.next_attempt_at <= bindparam("now"))


def _lease(*which: Any) -> Update:
    due = select(_O.id).where(*_UNSETTLED, *which).order_by(_O.priority, _O.id).limit(bindparam("limit"))
    return (
        update(_table(m.OutboxRow))
        # The row's state is checked again: another claimer may have leased it since.
        .where(_O.id.in_(due.scalar_subquery()), *_UNSETTLED)
        .values(next_attempt_at=bindparam("until"), attempts=_O.attempts + 1)
        .returning(_O.id, _O.chat_id, _O.template, _O.language, _O.params, _O.attempts, _O.priority)
    )


_LEASE_DUE = _lease()
_LEASE_DUE_FOR_CHAT = _lease(_O.chat_id == bindparam("for_chat"))
_MARK_SENT = update(_table(m.OutboxRow)).where(_O.id == bindparam("message_id")).values(sent_at=bindparam("at"))


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    id: int
    chat_id: int
    template: str
    language: str
    params: dict[str, Any]
    attempts: int


class OutboxStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions
        self._marks: dict[int, datetime] = {}  # sent, not yet written
        self._group: asyncio.Future[None] | None = None  # done when those marks are written
        self._writing = False

    async def claim(self, now: datetime, limit: int = 50, chat_id: int | None = None) -> list[OutboxMessage]:
        """Due messages (only ``chat_id``'s, when given), each leased to this caller; the most
        urgent first (an order's notifications before a campaign's), then in order written.
        One statement: an UPDATE per row kept SQLite's writer (and, inline, the event loop)
        busy for a tenth of a second per batch."""
        params: dict[str, Any] = {"now": now, "until": now + LEASE, "limit": limit}
        lease = _LEASE_DUE if chat_id is None else _LEASE_DUE_FOR_CHAT
        if chat_id is not None:
            params["for_chat"] = chat_id
        async with self.sessions() as session, session.begin():
            rows = sorted(await fetch(session, lease, params), key=lambda row: (row.priority, row.id))
            if not rows:  # each process's notifier looks every second: nothing due is no change to tell
                wrote_no_rows(session, "outbox")
        return [OutboxMessage(r.id, r.chat_id, r.template, r.language, json.loads(r.params), r.attempts) for r in rows]

    async def sent(self, message_id: int, now: datetime) -> None:
        """Marked sent together with the other sends that finish meanwhile (a group commit):
        the first caller writes, and goes on writing what arrives while it writes; the others
        wait for their group's write. A commit per message held SQLite's writer for most of a
        broadcast. Nothing waits to be grouped, so a mark is no later than it was alone."""
        self._marks[message_id] = now
        if self._group is None:
            self._group = asyncio.get_running_loop().create_future()
        if self._writing:
            await asyncio.shield(self._group)
            return
        loop = asyncio.get_running_loop()
        self._writing = True
        try:
            while self._marks:
                marks, self._marks = self._marks, {}
                group, self._group = self._group or loop.create_future(), None
                try:
                    await self._mark_sent(marks)
                except BaseException as error:
                    _fail(group, error)
                    raise
                group.set_result(None)
        finally:
            self._writing = False
            if self._group is not None:  # arrived while a write failed: not written either
                self._marks = {}
                _fail(self._group, RuntimeError("an earlier outbox write failed"))
                self._group = None

    async def retry_at(self, message_id: int, when: datetime, error: str) -> None:
        await self._update(message_id, next_attempt_at=when, last_error=error[:500])

    async def failed(self, message_id: int, now: datetime, error: str) -> None:
        await self._update(message_id, failed_at=now, last_error=error[:500])

    async def mark_unreachable(self, chat_id: int, now: datetime, error: str) -> None:
        """The chat refused the bot (403): its customer is unreachable, and every message
        still queued for it fails now (one refusal is enough; each try would be another)."""
        o = m.OutboxRow
        async with self.sessions() as session, session.begin():
            await session.execute(
                update(m.CustomerRow).where(m.CustomerRow.telegram_id == chat_id).values(unreachable=True)
            )
            await session.execute(
                update(o)
                .where(o.chat_id == chat_id, o.sent_at.is_(None), o.failed_at.is_(None))
                .values(failed_at=now, last_error=error[:500])
            )

    async def _mark_sent(self, marks: dict[int, datetime]) -> None:
        async with self.sessions() as session, session.begin():  # one UPDATE by primary key, many rows
            await run(session, _MARK_SENT, [{"message_id": row, "at": at} for row, at in marks.items()])

    async def _update(self, message_id: int, **values: Any) -> None:
        async with self.sessions() as session, session.begin():
            await session.execute(update(m.OutboxRow).where(m.OutboxRow.id == message_id).values(**values))


def _fail(group: asyncio.Future[None], error: BaseException) -> None:
    """The waiters of a group that was not written raise too (the writer raises it itself)."""
    if isinstance(error, asyncio.CancelledError):
        group.cancel()
    else:
        group.set_exception(error)
        group.exception()  # retrieved: no "never retrieved" log when no one else waits
