"""Two taps on one new-bin question at once, in two processes sharing Redis (or in one process on the database's
conversation state): the request it asked about is taken by one of them only, so stock is received or moved once."""

from __future__ import annotations

import asyncio

from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import BaseStorage, StorageKey
from sqlalchemy.ext.asyncio import AsyncEngine

from handlers.views.new_bin_question import NEW_BIN_DATA, taken_once
from storage.fsm import DatabaseStorage
from storage.fsm_redis import CountedRedisStorage
from tests.services import redis_or_skip

KEY = StorageKey(bot_id=1, chat_id=50, user_id=50)
ASKED = {"kind": "receive", "sku": "85123A", "quantity": 5, "token": 77, "near": []}
ROUNDS = 20


async def _taken_by_each(first: BaseStorage, second: BaseStorage) -> list[list[bool]]:
    """Each round: the question asked afresh, then both taps at the same moment; what each tap took."""
    rounds = []
    for _ in range(ROUNDS):
        await first.set_data(KEY, {NEW_BIN_DATA: ASKED, "kept": "other steps' data"})
        taps = [taken_once(FSMContext(storage, KEY), 77) for storage in (first, second)]
        rounds.append([taken is not None for taken in await asyncio.gather(*taps)])
    return rounds


async def test_two_processes_tapping_one_new_bin_question_on_redis_take_it_once() -> None:
    redis = await redis_or_skip()
    one, other = CountedRedisStorage(redis=redis), CountedRedisStorage(redis=redis)  # two processes' storages
    try:
        rounds = await _taken_by_each(one, other)
        assert all(sum(taps) == 1 for taps in rounds), rounds
        assert await other.get_data(KEY) == {NEW_BIN_DATA: None, "kept": "other steps' data"}
        assert await taken_once(FSMContext(one, KEY), 77) is None  # taken: a later tap is out of date
    finally:
        await one.set_data(KEY, {})
        await redis.aclose()


async def test_two_taps_on_one_new_bin_question_in_one_process_take_it_once(engine: AsyncEngine) -> None:
    storage = DatabaseStorage(engine)
    rounds = await _taken_by_each(storage, storage)
    assert all(sum(taps) == 1 for taps in rounds), rounds
    assert await DatabaseStorage(engine).get_data(KEY) == {NEW_BIN_DATA: None, "kept": "other steps' data"}
