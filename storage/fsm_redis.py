"""Conversation state in Redis (several processes), each write counted as let out of the update."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.storage.base import StateType, StorageKey
from aiogram.fsm.storage.redis import RedisStorage

from domain.contention import let_out


class CountedRedisStorage(RedisStorage):
    """aiogram's ``RedisStorage``; a write is seen by the update's next read at once, so an update
    whose transaction the database gave up after it is not run again (``domain.contention``)."""

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        let_out()
        await super().set_state(key, state)

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        let_out()
        await super().set_data(key, data)
