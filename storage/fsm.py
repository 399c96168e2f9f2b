"""Conversation state (aiogram's FSM) in the database, for the single-process set-up."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, KeyBuilder, StateType, StorageKey
from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.contention import let_out
from storage import models as m
from storage.db import connected, writing
from storage.repositories.sql import _INSERT_FOR, _table

_FSM = _table(m.FsmStateRow)
# The writes of the update being handled (``DatabaseStorage.one_update``), by key.
_PENDING: ContextVar[dict[str, tuple[str | None, dict[str, Any]]] | None] = ContextVar("fsm_pending", default=None)
MAX_REMEMBERED = 100_000  # keys kept in memory; a forgotten one is read again from the database


def _upsert(insert_for: Any) -> Any:
    statement = insert_for(_FSM)
    return statement.on_conflict_do_update(
        index_elements=[_FSM.c.key],
        set_={
            "state": statement.excluded.state,
            "data": statement.excluded.data,
            "updated_at": statement.excluded.updated_at,
        },
    )


_WRITE_BY_DIALECT = {dialect: _upsert(insert_for) for dialect, insert_for in _INSERT_FOR.items()}
_READ = select(_FSM.c.state, _FSM.c.data).where(_FSM.c.key == bindparam("key"))
_FORGET = delete(_FSM).where(_FSM.c.key == bindparam("key"))


class DatabaseStorage(BaseStorage):
    """aiogram FSM storage in the ``fsm_state`` table: a checkout in progress survives a
    restart or a deploy.

    Single-process rule: this process keeps a write-through copy in memory (every write
    reaches the database: at once, or when the update being handled ends, ``one_update``;
    reads come from memory after a key's first load), which is right only while no other
    process writes the same table. Several processes
    share state through Redis instead (``REDIS_URL``, see ``bot.app.make_fsm_storage``)."""

    def __init__(self, engine: AsyncEngine, key_builder: KeyBuilder | None = None) -> None:
        self.engine = engine
        self._write_row = _WRITE_BY_DIALECT[engine.dialect.name]
        # with_destiny: assisted orders keep their own slot (see handlers.context.assist_context)
        self.key_builder = key_builder or DefaultKeyBuilder(with_destiny=True)
        self._memory: dict[str, tuple[str | None, dict[str, Any]]] = {}

    async def _record(self, key: StorageKey) -> tuple[str, str | None, dict[str, Any]]:
        name = self.key_builder.build(key)
        known = self._memory.get(name)
        if known is None:
            async with connected(self.engine, read_only=True) as connection:
                row = (await connection.execute(_READ, {"key": name})).first()
            known = (row.state, json.loads(row.data)) if row is not None else (None, {})
            self._remember(name, known)
        return name, known[0], known[1]

    def _remember(self, name: str, record: tuple[str | None, dict[str, Any]]) -> None:
        if len(self._memory) >= MAX_REMEMBERED:  # forget the oldest half; the database has them all
            for old in list(self._memory)[: MAX_REMEMBERED // 2]:
                del self._memory[old]
        self._memory[name] = record

    @asynccontextmanager
    async def one_update(self) -> AsyncIterator[None]:
        """Writes made while one update is handled reach the database together when it ends,
        in one transaction (a checkout step sets data and state: two commits were most of
        its cost). The update is marked handled only after that (``bot.polling``): a crash
        before it replays the update from the state it started with."""
        token = _PENDING.set({})
        cancelled = False
        try:
            yield
        except asyncio.CancelledError:  # a stop mid-update: not marked, so replayed from the state it began with
            cancelled = True
            raise
        finally:
            pending = _PENDING.get()
            _PENDING.reset(token)
            if pending and not cancelled:
                await self._store(pending)

    async def _write(self, name: str, state: str | None, data: dict[str, Any]) -> None:
        let_out()  # the next read sees it (memory): the update is not run again (``domain.contention``)
        self._remember(name, (state, data))
        pending = _PENDING.get()
        if pending is not None:
            pending[name] = (state, data)
        else:
            await self._store({name: (state, data)})

    async def _store(self, records: dict[str, tuple[str | None, dict[str, Any]]]) -> None:
        now = datetime.now(UTC)
        # Core on the engine's connection, statements built once: this runs for every step
        # of every conversation.
        async with writing(self.engine) as connection:
            for name, (state, data) in records.items():
                if state is None and not data:  # nothing to remember: no row (keeps the table small)
                    await connection.execute(_FORGET, {"key": name})
                else:
                    values = {"key": name, "state": state, "data": json.dumps(data), "updated_at": now}
                    await connection.execute(self._write_row, values)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        name, current, data = await self._record(key)
        new = state.state if isinstance(state, State) else state
        if new != current:
            await self._write(name, new, data)

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._record(key))[1]

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            raise DataNotDictLikeError(f"Data must be a dict or dict-like object, got {type(data).__name__}")
        name, state, current = await self._record(key)
        if data != current:
            await self._write(name, state, dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return dict((await self._record(key))[2])

    async def take(self, key: StorageKey, name: str, token: int) -> dict[str, Any] | None:
        """The entry ``name`` of the key's data if its ``token`` is ``token``, set to None in the same step: read and
        changed in this process's memory with no await between (one process: the single-process rule)."""
        name_of_key = (await self._record(key))[0]
        while (known := self._memory.get(name_of_key)) is None:  # forgotten since (the memory is full): read again
            await self._record(key)
        state, data = known
        entry = data.get(name)
        if not isinstance(entry, dict) or entry.get("token") != token:
            return None
        await self._write(name_of_key, state, {**data, name: None})
        return entry

    async def close(self) -> None:
        self._memory.clear()
