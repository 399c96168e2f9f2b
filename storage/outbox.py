"""Claiming and settling outbox rows for the notifier.

A row is claimed by moving its ``next_attempt_at`` forward with a conditional UPDATE (the
row count decides who got it), so two notifier processes never send the same row at once,
on SQLite and PostgreSQL alike, without holding a transaction open while sending.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import models as m

LEASE = timedelta(seconds=60)


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

    async def claim(self, now: datetime, limit: int = 50, chat_id: int | None = None) -> list[OutboxMessage]:
        """Due messages (only ``chat_id``'s, when given), each leased to this caller; the most
        urgent first (an order's notifications before a campaign's), then in order written."""
        o = m.OutboxRow
        due = select(o).where(o.sent_at.is_(None), o.failed_at.is_(None), o.next_attempt_at <= now)
        if chat_id is not None:
            due = due.where(o.chat_id == chat_id)
        async with self.sessions() as session, session.begin():
            rows = (await session.scalars(due.order_by(o.priority, o.id).limit(limit))).all()
            claimed = []
            for row in rows:
                result = await session.execute(
                    update(o)
                    .where(o.id == row.id, o.next_attempt_at == row.next_attempt_at, o.sent_at.is_(None))
                    .values(next_attempt_at=now + LEASE, attempts=o.attempts + 1)
                    .execution_options(synchronize_session=False)  # keep row.attempts as read
                )
                if result.rowcount:  # type: ignore[attr-defined]
                    claimed.append(
                        OutboxMessage(
                            row.id, row.chat_id, row.template, row.language, json.loads(row.params), row.attempts + 1
                        )
                    )
        return claimed

    async def sent(self, message_id: int, now: datetime) -> None:
        await self._update(message_id, sent_at=now)

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

    async def _update(self, message_id: int, **values: Any) -> None:
        async with self.sessions() as session, session.begin():
            await session.execute(update(m.OutboxRow).where(m.OutboxRow.id == message_id).values(**values))
