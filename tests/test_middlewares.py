"""One person's updates never interleave; different people's still run side by side."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import Chat, Message, TelegramObject, Update, User

from bot.middlewares import PerUserSerialMiddleware
from tests.services import redis_or_skip


async def test_updates_of_one_user_run_one_at_a_time_and_others_in_parallel() -> None:
    middleware = PerUserSerialMiddleware()
    running: dict[int, int] = {}
    peak: dict[int, int] = {}
    overall_peak = 0

    async def handler(event: TelegramObject, data: dict[str, Any]) -> None:
        nonlocal overall_peak
        user_id = data["event_from_user"].id
        running[user_id] = running.get(user_id, 0) + 1
        peak[user_id] = max(peak.get(user_id, 0), running[user_id])
        overall_peak = max(overall_peak, sum(running.values()))
        await asyncio.sleep(0.01)
        running[user_id] -= 1

    def data(user_id: int) -> dict[str, Any]:
        return {"event_from_user": User(id=user_id, is_bot=False, first_name="U")}

    await asyncio.gather(*(middleware(handler, TelegramObject(), data(u)) for u in [1, 1, 1, 2, 2, 3] * 3))
    assert peak == {1: 1, 2: 1, 3: 1}
    assert overall_peak == 3
    assert middleware._locks == {} and middleware._waiting == {}


async def test_an_update_queued_behind_the_same_user_sees_the_state_the_previous_one_left() -> None:
    """aiogram reads the state before the update queues: the second of two quick messages
    (a contact right after /checkout) must be routed by the step the first moved to."""
    middleware = PerUserSerialMiddleware()
    storage = MemoryStorage()
    key = StorageKey(bot_id=1, chat_id=7, user_id=7)
    seen: list[str | None] = []

    async def handler(event: TelegramObject, data: dict[str, Any]) -> None:
        seen.append(data["raw_state"])
        await asyncio.sleep(0.01)
        await data["state"].set_state("checkout:contact")

    def data() -> dict[str, Any]:
        return {
            "event_from_user": User(id=7, is_bot=False, first_name="U"),
            "state": FSMContext(storage, key),
            "raw_state": None,  # what aiogram read when the update arrived
        }

    await asyncio.gather(middleware(handler, TelegramObject(), data()), middleware(handler, TelegramObject(), data()))
    assert seen == [None, "checkout:contact"]


async def test_an_update_seen_before_is_recognised_across_processes_with_redis() -> None:
    from bot.middlewares import SeenUpdates

    redis = await redis_or_skip()
    try:
        bot_id = int(time.time() * 1000)  # a fresh key space for this run
        one, two = SeenUpdates(redis), SeenUpdates(redis)  # two processes sharing one Redis
        results = await asyncio.gather(*(s.first_time(bot_id, 7) for s in (one, two, one, two)))
        assert sorted(results) == [False, False, False, True]
        await one.stop()
        await two.stop()
    finally:
        await redis.aclose()


async def test_an_update_replayed_after_a_crash_is_handled_although_redis_saw_it() -> None:
    """With Redis, an update counts as seen when its handling starts: one recorded in the inbox
    and cut off by a crash must still be handled when it is replayed at start."""
    from bot.middlewares import DuplicateUpdateMiddleware, SeenUpdates

    redis = await redis_or_skip()
    try:
        bot_id = int(time.time() * 1000)
        seen = SeenUpdates(redis)
        middleware = DuplicateUpdateMiddleware(seen)
        handled: list[str] = []

        async def handler(event: TelegramObject, data: dict[str, Any]) -> None:
            handled.append(data["how"])

        bot = type("FakeBot", (), {"id": bot_id})()
        update = Update(update_id=9)
        for how, extra in (("live", {}), ("redelivered", {}), ("replayed", {"replayed": True})):
            await middleware(handler, update, {"bot": bot, "how": how, **extra})
        assert handled == ["live", "replayed"]
        await seen.stop()
    finally:
        await redis.aclose()


def _user(user_id: int) -> dict[str, Any]:
    return {"event_from_user": User(id=user_id, is_bot=False, first_name="U")}


async def test_a_slow_update_keeps_its_users_next_one_waiting_on_another_process_past_the_lock_hold() -> None:
    redis = await redis_or_skip()
    user_id = int(time.time() * 1000) % 10**9  # a fresh lock name for this run
    one, two = PerUserSerialMiddleware(redis, hold_s=0.6), PerUserSerialMiddleware(redis, hold_s=0.6)
    order: list[str] = []

    started = asyncio.Event()

    async def slow(event: TelegramObject, data: dict[str, Any]) -> None:
        order.append("slow starts")
        started.set()
        await asyncio.sleep(1.5)  # more than twice the hold: renewed while it runs
        order.append("slow ends")

    async def next_one(event: TelegramObject, data: dict[str, Any]) -> None:
        order.append("next")

    try:
        first = asyncio.create_task(one(slow, TelegramObject(), _user(user_id)))
        await started.wait()  # the slow one holds the lock (0.1 s of sleep was not always enough to take it)
        await two(next_one, TelegramObject(), _user(user_id))
        await first
        assert order == ["slow starts", "slow ends", "next"]
    finally:
        await redis.aclose()


async def test_a_killed_processs_hold_on_a_user_lapses_and_the_users_next_update_is_handled() -> None:
    redis = await redis_or_skip()
    user_id = int(time.time() * 1000) % 10**9 + 1
    handled: list[float] = []

    async def handler(event: TelegramObject, data: dict[str, Any]) -> None:
        handled.append(time.monotonic())

    try:  # the killed process took the lock and will never renew or release it
        assert await redis.lock(f"ordergram:user:{user_id}", timeout=0.8).acquire()
        started = time.monotonic()
        await PerUserSerialMiddleware(redis, hold_s=0.8)(handler, TelegramObject(), _user(user_id))
        assert len(handled) == 1 and 0.5 < handled[0] - started < 3  # waited for the hold to lapse, not dropped
    finally:
        await redis.aclose()


async def test_a_duplicate_dropped_by_redis_is_counted_and_logged_as_a_duplicate_not_as_handled(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An update another process (or this one, earlier) already took was logged "handled by - in 0.8 ms,
    0 statements" and counted as handled: the dashboard showed work that was never done."""
    from bot.metrics import UPDATES, UpdateMetrics
    from bot.middlewares import DuplicateUpdateMiddleware, SeenUpdates

    redis = await redis_or_skip()
    try:
        bot_id = int(time.time() * 1000)
        seen = SeenUpdates(redis)
        metrics, duplicates = UpdateMetrics(), DuplicateUpdateMiddleware(seen)
        handled: list[int] = []

        async def handler(event: TelegramObject, data: dict[str, Any]) -> str:
            handled.append(data["event_from_user"].id)
            return "done"

        async def chain(event: TelegramObject, data: dict[str, Any]) -> Any:
            return await duplicates(handler, event, data)

        alice = User(id=601, is_bot=False, first_name="Alice")
        chat = Chat(id=601, type="private")
        update = Update(
            update_id=11, message=Message(message_id=1, date=datetime.now(UTC), chat=chat, from_user=alice, text="hi")
        )
        before = {o: UPDATES.labels("message", o)._value.get() for o in ("handled", "duplicate")}
        with caplog.at_level(logging.INFO, logger="ordergram.updates"):
            for _ in range(2):  # delivered, then delivered again
                await metrics(chain, update, {"bot": type("FakeBot", (), {"id": bot_id})(), "event_from_user": alice})
        assert handled == [601]
        moved = {o: UPDATES.labels("message", o)._value.get() - before[o] for o in before}
        assert moved == {"handled": 1, "duplicate": 1}
        lines = [r.getMessage() for r in caplog.records if r.name == "ordergram.updates"]
        assert lines[1].startswith(
            "update 11 (message) from user 601: duplicate, already taken by another process or earlier, "
            "not handled again"
        ), lines
        assert caplog.records[-1].outcome == "duplicate"  # type: ignore[attr-defined]
        await seen.stop()
    finally:
        await redis.aclose()
