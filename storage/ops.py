"""What an operator's probes read from the database: schema revision, scheduler lease, outbox, holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import case, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.campaigns import CAMPAIGN_PRIORITY
from domain.stock import ReservationKind
from domain.usecases.jobs import SCHEDULER_LOCK
from storage import models as m
from storage.migrate import alembic_config, script_heads


@dataclass(frozen=True, slots=True)
class OpsFigures:
    revision: str | None  # the schema the database is at (alembic_version)
    scheduler_holder: str | None  # who holds the scheduler's lease, if anyone does now
    scheduler_lease_until: datetime | None  # when the last lease ends or ended, whoever took it
    outbox_backlog: int  # messages neither sent nor given up
    # When the oldest of them was written, a campaign's aside: paced behind every order's message at
    # Telegram's rate, a big one's last messages wait their turn for longer than a readiness limit.
    outbox_oldest: datetime | None
    holds_active: int  # cart holds not yet expired


@cache
def head_revision() -> str | None:
    """The newest migration this code ships (read once: the files do not change under a process).
    Read from the scripts' plain lines when they state them: importing Alembic for this costs
    every bot process ~11 MB it never gives back (bench/memory_at_start.py)."""
    heads = script_heads()
    if len(heads) == 1:
        return next(iter(heads))
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


async def ops_figures(sessions: async_sessionmaker[AsyncSession], now: datetime) -> OpsFigures:
    """One short read-only transaction; raises what the database raises when it cannot answer."""
    o, r, lock = m.OutboxRow, m.ReservationRow, m.JobLockRow
    async with sessions() as session, session.begin():
        revision = (await session.execute(text("SELECT version_num FROM alembic_version"))).scalar()
        lease = (await session.execute(select(lock.holder, lock.expires_at).where(lock.name == SCHEDULER_LOCK))).first()
        holder = lease.holder if lease is not None and lease.expires_at > now else None
        not_campaign = case((o.priority < CAMPAIGN_PRIORITY, o.created_at))
        backlog, oldest = (
            await session.execute(
                select(func.count(), func.min(not_campaign)).where(o.sent_at.is_(None), o.failed_at.is_(None))
            )
        ).one()
        holds = await session.scalar(
            select(func.count()).where(r.kind == ReservationKind.HOLD.value, r.expires_at > now)
        )
    until = lease.expires_at if lease is not None else None
    return OpsFigures(revision, holder, until, int(backlog or 0), oldest, int(holds or 0))


@dataclass(frozen=True, slots=True)
class UnsentMessage:
    template: str
    created_at: datetime
    next_attempt_at: datetime
    attempts: int
    last_error: str


async def unsent_messages(sessions: async_sessionmaker[AsyncSession], limit: int) -> list[UnsentMessage]:
    """The oldest messages neither sent nor given up (what the "unsent" figure counts), without
    whom they are for or what they say."""
    o = m.OutboxRow
    async with sessions() as session, session.begin():
        rows = await session.execute(
            select(o.template, o.created_at, o.next_attempt_at, o.attempts, o.last_error)
            .where(o.sent_at.is_(None), o.failed_at.is_(None))
            .order_by(o.created_at, o.id)
            .limit(limit)
        )
        return [UnsentMessage(*row) for row in rows]
