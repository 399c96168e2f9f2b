"""Conversation state in Redis (several processes), each write counted as let out of the update."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.storage.base import StateType, StorageKey
from aiogram.fsm.storage.redis import RedisStorage
from redis.exceptions import WatchError

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

    async def take(self, key: StorageKey, name: str, token: int) -> dict[str, Any] | None:
        """The entry ``name`` of the key's data if its ``token`` is ``token``, set to None in the same step: the data
        is watched from its read to its write (``WATCH``/``MULTI``), so of two processes answering at once one takes
        it and the other, its write refused, reads it gone."""
        redis_key = self.key_builder.build(key, "data")
        async with self.redis.pipeline(transaction=True) as pipe:
            while True:
                try:
                    await pipe.watch(redis_key)
                    raw = await pipe.get(redis_key)
                    data: dict[str, Any] = self.json_loads(raw) if raw else {}
                    entry = data.get(name)
                    if not isinstance(entry, dict) or entry.get("token") != token:
                        return None  # the pipeline's exit unwatches
                    data[name] = None
                    pipe.multi()  # type: ignore[no-untyped-call]  # redis-py leaves it untyped
                    pipe.set(redis_key, self.json_dumps(data), ex=self.data_ttl)
                    await pipe.execute()
                except WatchError:  # written by another since the read: read again
                    continue
                let_out()
                return entry
