"""A process starting beside another (a rolling restart) replays only what no live process has
in hand: an update the other is still handling is not handled a second time, and one a
crashed process left is replayed once its claim lapses."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from aiogram import Bot, Router
from aiogram.types import Message, Update

from bot.middlewares import DuplicateUpdateMiddleware, SeenUpdates
from bot.polling import DurableDispatcher
from storage.db import create_engine
from storage.inbox import UpdateInbox
from storage.migrate import upgrade_to_head
from tests.test_middlewares import _redis_or_skip


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


def _process(inbox: UpdateInbox, seen: SeenUpdates, handled: list[str], gate: asyncio.Event) -> DurableDispatcher:
    """One bot process: its own dispatcher on the shared inbox and the shared Redis."""
    dp = DurableDispatcher(inbox=inbox, seen=seen)
    dp.update.outer_middleware(DuplicateUpdateMiddleware(seen))
    router = Router()

    @router.message()
    async def count(message: Message) -> None:
        handled.append(message.text or "")
        await gate.wait()

    dp.include_router(router)
    return dp


async def test_a_starting_process_leaves_alone_an_update_another_live_process_is_handling(tmp_path: Path) -> None:
    redis = await _redis_or_skip()
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'shop.sqlite3'}")
    await upgrade_to_head(engine)
    bot = Bot(f"{int(time.time() * 1000) % 10**9}:x")  # a fresh key space in Redis for this run
    handled: list[str] = []
    slow, free = asyncio.Event(), asyncio.Event()
    free.set()
    try:
        running = _process(UpdateInbox(engine), SeenUpdates(redis), handled, slow)
        update = _update(1, "/add 22197 2")
        for fresh in await running.record(bot, [update]):
            running.handle_in_background(bot, fresh)
        await asyncio.sleep(0.2)
        assert handled == ["/add 22197 2"]  # the running process is in the middle of it

        starting = _process(UpdateInbox(engine), SeenUpdates(redis), handled, free)
        await starting.replay(bot)
        await asyncio.sleep(0.2)
        slow.set()
        await running.settle()
        await asyncio.sleep(2.5)  # the starting process looks again at what it left alone
        await starting.settle()

        assert handled == ["/add 22197 2"]
        assert await UpdateInbox(engine).unhandled() == []
    finally:
        slow.set()
        await bot.session.close()
        await engine.dispose()
        await redis.aclose()


async def test_an_update_a_crashed_process_had_in_hand_is_replayed_once_its_claim_lapses(tmp_path: Path) -> None:
    redis = await _redis_or_skip()
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'shop.sqlite3'}")
    await upgrade_to_head(engine)
    bot = Bot(f"{int(time.time() * 1000) % 10**9 + 1}:x")
    handled: list[str] = []
    never, free = asyncio.Event(), asyncio.Event()
    free.set()
    try:
        crashed = _process(UpdateInbox(engine), SeenUpdates(redis, in_hand_s=1), handled, never)
        for fresh in await crashed.record(bot, [_update(2, "/cart")]):
            crashed.handle_in_background(bot, fresh)
        await asyncio.sleep(0.2)
        for task in list(crashed._in_flight):  # killed mid-update: nothing marked, nothing let go
            task.cancel()

        survivor = _process(UpdateInbox(engine), SeenUpdates(redis, in_hand_s=1), handled, free)
        await survivor.replay(bot)
        await asyncio.sleep(4)
        await survivor.settle()

        assert handled == ["/cart", "/cart"]  # the crashed attempt, then the replay: not lost
        assert await UpdateInbox(engine).unhandled() == []
    finally:
        await bot.session.close()
        await engine.dispose()
        await redis.aclose()
