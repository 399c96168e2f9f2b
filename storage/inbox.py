"""The update inbox: updates from Telegram recorded before they are acknowledged, marked
once handled, and the durable memory of which update ids each bot already took."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage import models as m
from storage.db import connected, writing
from storage.repositories.sql import _INSERT_FOR, _table

_INBOX = _table(m.UpdateInboxRow)
KEEP_HANDLED = timedelta(hours=24)  # Telegram gives up redelivering an update within a day
PRUNE_EVERY = timedelta(hours=1)
# What rows recorded before the inbox knew bots (revision 0050) say: they are adopted by the
# first bot that opens the inbox, the one the shop ran on when it was upgraded.
BEFORE_BOTS = 0
# Built once: a batch is one IN (...) read and one multi-row insert. Core on the engine's
# connection, not a session: this runs for every getUpdates batch.
# Update ids are a bot's own: another token's (a shop moved to a new bot) start again at 1.
_BOT = _INBOX.c.bot_id == bindparam("of_bot")
_IDS = _INBOX.c.update_id.in_(bindparam("ids", expanding=True))
_KNOWN = select(_INBOX.c.update_id).where(_BOT, _IDS)
_ADD = {dialect: insert_for(_INBOX).on_conflict_do_nothing() for dialect, insert_for in _INSERT_FOR.items()}
MARK_HANDLED = update(_INBOX).where(_BOT, _IDS).values(handled_at=bindparam("at"))
_BEFORE_BOTS = select(_INBOX.c.update_id).where(_INBOX.c.bot_id == BEFORE_BOTS).limit(1)
_ADOPT = update(_INBOX).where(_INBOX.c.bot_id == BEFORE_BOTS).values(bot_id=bindparam("of_bot"))
_PRUNE = delete(_INBOX).where(_INBOX.c.handled_at < bindparam("before"))
_UNHANDLED = (
    select(_INBOX.c.update_id, _INBOX.c.payload).where(_BOT, _INBOX.c.handled_at.is_(None)).order_by(_INBOX.c.update_id)
)


class UpdateInbox:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._add = _ADD[engine.dialect.name]
        self._pruned_at: datetime | None = None
        self._adopted: set[int] = set()  # bots that took the rows from before 0050 (or found none)

    async def _adopt(self, connection: AsyncConnection, bot_id: int) -> None:
        """Rows from before the inbox knew bots become ``bot_id``'s, once a process: the first
        bot after the upgrade still remembers the updates it took and replays what it left."""
        if bot_id not in self._adopted:
            await connection.execute(_ADOPT, {"of_bot": bot_id})
            self._adopted.add(bot_id)

    async def record(self, bot_id: int, updates: Sequence[tuple[int, str]], now: datetime) -> set[int]:
        """Write a batch of bot ``bot_id``'s ``(update id, JSON)`` in one transaction; returns
        the ids seen for the first time (one already recorded was handled, or is replayed at
        start). Handled rows older than ``KEEP_HANDLED`` are removed on the way, at most once
        an hour."""
        if not updates:
            return set()
        async with writing(self.engine) as connection:
            await self._adopt(connection, bot_id)
            ids = {"of_bot": bot_id, "ids": [i for i, _ in updates]}
            known = set((await connection.execute(_KNOWN, ids)).scalars())
            new = [(i, p) for i, p in updates if i not in known]
            if new:  # the conflict clause covers a row another process inserted in between
                await connection.execute(
                    self._add,
                    [{"bot_id": bot_id, "update_id": i, "payload": p, "received_at": now} for i, p in new],
                )
            if self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY:
                await connection.execute(_PRUNE, {"before": now - KEEP_HANDLED})
                self._pruned_at = now
        return {i for i, _ in new}

    async def mark_handled(self, bot_id: int, update_ids: Collection[int], now: datetime) -> None:
        async with writing(self.engine) as connection:
            await connection.execute(MARK_HANDLED, {"of_bot": bot_id, "ids": list(update_ids), "at": now})

    async def unhandled(self, bot_id: int) -> list[tuple[int, str]]:
        """What a stopped process recorded for bot ``bot_id`` and did not finish, oldest first."""
        async with connected(self.engine, read_only=True) as connection:
            if bot_id not in self._adopted and (await connection.execute(_BEFORE_BOTS)).first() is None:
                self._adopted.add(bot_id)  # nothing to adopt: this read need not wait for a writer
        if bot_id not in self._adopted:
            async with writing(self.engine) as connection:
                await self._adopt(connection, bot_id)
        async with connected(self.engine, read_only=True) as connection:
            return [(row.update_id, row.payload) for row in await connection.execute(_UNHANDLED, {"of_bot": bot_id})]
