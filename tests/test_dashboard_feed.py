"""The dashboard's change feed: a commit wakes this process's pages at once and, through Redis
pub/sub, another process's (nothing else wakes them)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import pytest

from bot.webapp.events import CHANNEL, ChangeFeed
from tests.services import redis_or_skip


async def subscribed(redis: Any) -> int:
    """How many clients listen on the dashboard's channel."""
    return int(dict(await redis.pubsub_numsub(CHANNEL)).get(CHANNEL.encode(), 0))


async def test_a_commit_in_one_process_wakes_the_dashboards_of_another_through_redis() -> None:
    redis_a, redis_b = await redis_or_skip(), await redis_or_skip()
    here, there = ChangeFeed(redis_a), ChangeFeed(redis_b)
    before = await subscribed(redis_a)
    listeners = [asyncio.create_task(feed.listen()) for feed in (here, there)]
    try:
        # Both subscribed, as Redis says (a fixed 0.3 s was too short on a loaded machine: the change was published
        # before the other process listened, and lost).
        for _ in range(2000):
            if await subscribed(redis_a) >= before + 2:
                break
            await asyncio.sleep(0.005)  # looking again at the server's state, not waiting for time to pass
        else:
            raise AssertionError("the feeds never subscribed")
        async with here.subscription() as mine, there.subscription() as theirs:
            wakes = 0
            wake = mine.set

            def counted() -> None:
                nonlocal wakes
                wakes += 1
                wake()

            mine.set = counted  # type: ignore[method-assign]
            here.committed(frozenset({"orders", "order_lines"}))
            assert wakes == 1  # this process: at once, no round trip
            await asyncio.wait_for(theirs.wait(), 30)  # only against a hang: nothing else sets it
            mine.clear()
            # Published after ours reached the other process: Redis sends it to this one after ours.
            await redis_b.publish(CHANNEL, "another process")
            await asyncio.wait_for(mine.wait(), 30)
            assert wakes == 2  # that one: its own message, back from Redis before it, was not a second change
    finally:
        for task in listeners:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await redis_a.aclose()
        await redis_b.aclose()


async def test_a_commit_that_touches_nothing_the_dashboard_shows_wakes_nobody() -> None:
    feed = ChangeFeed()
    async with feed.subscription() as changed:
        feed.committed(frozenset({"fsm_state", "update_inbox"}))
        assert not changed.is_set()
        feed.committed(frozenset({"stock"}))
        assert changed.is_set()
    assert feed.subscribers == 0


async def test_a_refund_owed_or_a_part_given_up_wakes_the_dashboards_net_today() -> None:
    """Today's refunds and net are read from the payments and the parts given up."""
    for table in ("payments", "backorders"):
        feed = ChangeFeed()
        async with feed.subscription() as changed:
            feed.committed(frozenset({table}))
            assert changed.is_set(), table


class _FlakyPubSub:
    """Redis away for the first ``failures`` subscriptions, then a subscription that waits for messages."""

    def __init__(self, owner: _FlakyRedis) -> None:
        self.owner = owner

    async def subscribe(self, channel: str) -> None:
        self.owner.tries += 1
        if self.owner.tries <= self.owner.failures:
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connect call failed.")
        self.owner.subscribed.set()

    async def listen(self) -> Any:
        await asyncio.Event().wait()  # no message: cancelled by the test
        yield {}

    async def aclose(self) -> None:
        return None


class _FlakyRedis:
    def __init__(self, failures: int) -> None:
        self.failures, self.tries, self.subscribed = failures, 0, asyncio.Event()

    def pubsub(self) -> _FlakyPubSub:
        return _FlakyPubSub(self)


async def test_redis_away_is_logged_once_when_the_subscription_goes_and_once_when_it_is_back(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Retried every second, a Redis down for an hour wrote 3,600 warnings: one line when it goes, one when back."""
    redis = _FlakyRedis(failures=5)
    feed = ChangeFeed(redis)
    feed.retry_seconds = 0
    with caplog.at_level(logging.INFO, logger="bot.webapp.events"):
        listener = asyncio.create_task(feed.listen())
        try:
            await asyncio.wait_for(redis.subscribed.wait(), 30)  # only against a hang
        finally:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener
    assert redis.tries == 6
    said = [(record.levelname, record.getMessage()) for record in caplog.records]
    assert said == [
        ("WARNING", "dashboard: Redis subscription lost (ConnectionError); retrying until Redis answers"),
        ("INFO", "dashboard: Redis subscription back (failed tries: 5)"),
    ]
