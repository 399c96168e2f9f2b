"""A process starting beside another (a rolling restart) replays only what no live process has
in hand: an update the other is still handling is not handled a second time, and one a
process killed or stopped left is replayed seconds later."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot, Router
from aiogram.types import Message, Update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import polling
from bot.middlewares import DuplicateUpdateMiddleware, SeenUpdates
from bot.polling import DurableDispatcher
from storage.db import create_engine
from storage.inbox import UpdateInbox
from storage.migrate import upgrade_to_head
from tests.services import redis_or_skip


def _update(update_id: int, text: str) -> Update:
    return Update.model_validate(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": 0,
                "chat": {"id": 601, "type": "private"},
                "from": {"id": 601, "is_bot": False, "first_name": "Ann"},
                "text": text,
            },
        }
    )


def _process(
    inbox: UpdateInbox,
    seen: SeenUpdates,
    handled: list[str],
    gate: asyncio.Event,
    arrived: asyncio.Event | None = None,
) -> DurableDispatcher:
    """One bot process: its own dispatcher on the shared inbox and the shared Redis;
    ``arrived`` is set when it begins an update."""
    dp = DurableDispatcher(inbox=inbox, seen=seen)
    dp.update.outer_middleware(DuplicateUpdateMiddleware(seen))
    router = Router()

    @router.message()
    async def count(message: Message) -> None:
        handled.append(message.text or "")
        if arrived is not None:
            arrived.set()
        await gate.wait()

    dp.include_router(router)
    return dp


@asynccontextmanager
async def _shared(tmp_path: Path, run: int) -> AsyncIterator[tuple[Any, AsyncEngine, Bot]]:
    """What processes of one bot share: Redis, a migrated database, and the bot (its id a fresh
    key space in Redis for this run), all closed at the end."""
    redis = await redis_or_skip()
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'shop.sqlite3'}")
    await upgrade_to_head(engine)
    bot = Bot(f"{int(time.time() * 1000) % 10**9 + run}:x")
    try:
        yield redis, engine, bot
    finally:
        await bot.session.close()
        await engine.dispose()
        await redis.aclose()


WAIT_S = 10  # seconds, generous: what is waited on happens in well under one on an idle machine


class _Answering(SeenUpdates):
    """A process's claims in the shared Redis, each answer to taking an update in hand kept in
    order, so a test waits for the next one (a replay's, then each look again's)."""

    def __init__(self, redis: Any, **kwargs: Any) -> None:
        super().__init__(redis, **kwargs)
        self.answers: list[bool] = []
        self._answered = asyncio.Event()

    async def take_in_hand(self, bot_id: int, update_id: int) -> bool:
        taken = await super().take_in_hand(bot_id, update_id)
        self.answers.append(taken)
        self._answered.set()
        return taken

    async def answer(self, n: int) -> bool:
        """The ``n``-th answer, once given."""
        while len(self.answers) < n:
            self._answered.clear()
            await asyncio.wait_for(self._answered.wait(), timeout=WAIT_S)
        return self.answers[n - 1]


async def _began(update: asyncio.Event) -> None:
    """Until a process's handler has begun the update (generous: a loaded machine)."""
    await asyncio.wait_for(update.wait(), timeout=WAIT_S)


async def _looked_again(process: DurableDispatcher) -> None:
    """Until a process has looked again at what it left to another and found nothing left to
    replay (its look-again ends then)."""
    assert process._waiting is not None  # it left something alone
    await asyncio.wait_for(process._waiting, timeout=WAIT_S)


async def test_a_starting_process_leaves_alone_an_update_another_live_process_is_handling(tmp_path: Path) -> None:
    async with _shared(tmp_path, 0) as (redis, engine, bot):
        handled: list[str] = []
        slow, free, began = asyncio.Event(), asyncio.Event(), asyncio.Event()
        free.set()
        try:
            running = _process(UpdateInbox(engine), SeenUpdates(redis), handled, slow, began)
            update = _update(1, "/add 22197 2")
            for fresh in await running.record(bot, [update]):
                running.handle_in_background(bot, fresh)
            await _began(began)
            assert handled == ["/add 22197 2"]  # the running process is in the middle of it

            starting = _process(UpdateInbox(engine), SeenUpdates(redis), handled, free)
            assert await starting.replay(bot) == 0  # left alone: the running process has it in hand
            slow.set()
            await running.settle()
            await _looked_again(starting)  # the starting process looks again at what it left alone
            await starting.settle()

            assert handled == ["/add 22197 2"]
            assert await UpdateInbox(engine).unhandled(bot.id) == []
        finally:
            slow.set()


async def test_an_update_a_process_killed_mid_update_had_in_hand_is_replayed_once_it_stops_beating(
    tmp_path: Path,
) -> None:
    async with _shared(tmp_path, 1) as (redis, engine, bot):
        handled: list[str] = []
        never, free = asyncio.Event(), asyncio.Event()
        free.set()
        # Claims lapse after 15 minutes: only the killed process's silence lets the update go sooner.
        began = asyncio.Event()
        crashed = _process(UpdateInbox(engine), SeenUpdates(redis, alive_s=0.6), handled, never, began)
        for fresh in await crashed.record(bot, [_update(2, "/cart")]):
            crashed.handle_in_background(bot, fresh)
        await _began(began)
        replayed = asyncio.Event()
        asking = _Answering(redis, alive_s=0.6)
        survivor = _process(UpdateInbox(engine), asking, handled, free, replayed)
        assert await survivor.replay(bot) == 0
        # Looked at again LOOK_AGAIN_S later, well past the 0.6 s its claim lasts unrenewed:
        assert await asking.answer(2) is False
        assert handled == ["/cart"]  # alive (it beats): left alone
        killed = crashed.seen._beating if crashed.seen else None
        assert killed is not None
        killed.cancel()  # kill -9: no more beats, nothing marked, nothing let go
        for task in list(crashed._in_flight):
            task.cancel()
        looked = len(asking.answers)
        await asyncio.wait_for(replayed.wait(), timeout=WAIT_S)  # claims lapse in IN_HAND_S: far longer
        await survivor.settle()

        assert handled == ["/cart", "/cart"]  # the killed attempt, then the replay: not lost
        # Taken at the first look again after the beats stopped, or at the next if that one came
        # while the last beat still lasted (0.6 s; looks are LOOK_AGAIN_S apart): counted, not timed.
        since = asking.answers[looked:]
        assert True in since and since.index(True) <= 1, since
        assert await UpdateInbox(engine).unhandled(bot.id) == []


async def test_an_update_left_by_a_clean_stop_past_its_grace_is_replayed_at_once_by_another_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with _shared(tmp_path, 2) as (redis, engine, bot):
        handled: list[str] = []
        never, free = asyncio.Event(), asyncio.Event()
        free.set()
        monkeypatch.setattr(polling, "SHUTDOWN_GRACE", 0.3)
        began = asyncio.Event()
        stopping = _process(UpdateInbox(engine), SeenUpdates(redis), handled, never, began)
        for fresh in await stopping.record(bot, [_update(3, "/orders")]):
            stopping.handle_in_background(bot, fresh)
        await _began(began)
        await stopping.settle()  # SIGTERM: the update outlasts the grace, is rolled back and let go
        assert not stopping._in_flight

        replaced = _process(UpdateInbox(engine), SeenUpdates(redis), handled, free)
        assert await replaced.replay(bot) == 1  # at once: let go, not left for a look again
        assert replaced._waiting is None
        await replaced.settle()

        assert handled == ["/orders", "/orders"]
        assert await UpdateInbox(engine).unhandled(bot.id) == []


async def _lapsed(redis: Any, key: str) -> None:
    """Until Redis has let ``key`` lapse (it checks expiry when the key is read). Redis says
    nothing when a key lapses unless keyspace events are on, a setting of the whole server."""
    async with asyncio.timeout(WAIT_S):
        while await redis.exists(key):  # noqa: ASYNC110 - no event to wait on (above)
            await asyncio.sleep(0.05)


async def test_a_claim_from_before_claims_named_their_process_keeps_its_lapse() -> None:
    redis = await redis_or_skip()
    bot_id = int(time.time() * 1000) % 10**9 + 3
    try:  # an old process, mid rolling upgrade, has update 4 in hand: its claim says only 1
        await redis.set(f"ordergram:{bot_id}:in-hand:4", 1, ex=1)
        seen, other = SeenUpdates(redis), SeenUpdates(redis)
        assert not await seen.take_in_hand(bot_id, 4)
        await _lapsed(redis, f"ordergram:{bot_id}:in-hand:4")
        assert await seen.take_in_hand(bot_id, 4)  # lapsed: now this process's
        assert not await other.take_in_hand(bot_id, 4)  # and another keeps off it
        await seen.stop()
        assert await other.take_in_hand(bot_id, 4)  # stopped: its claims go at once
        await other.stop()
    finally:
        await redis.aclose()
