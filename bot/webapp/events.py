"""Changes for the live dashboard: commits publish here; across processes through Redis pub/sub."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
from collections.abc import AsyncIterator
from typing import Any

log = logging.getLogger(__name__)

# What the dashboard's tiles read: a commit writing none of these cannot change them.
WATCHED = frozenset(
    {"orders", "order_history", "stock", "reservations", "returns", "outbox", "staff", "payments", "backorders"}
)
CHANNEL = "ordergram:dashboard"


class ChangeFeed:
    """Every subscriber hears that something changed (not what: it reads the snapshot again).

    ``committed`` is called inside the committing coroutine, so it only sets events; with a
    Redis client it also publishes once per burst, and ``listen`` relays other processes'
    messages to this process's subscribers."""

    def __init__(self, redis: Any | None = None) -> None:
        self.redis = redis
        self.origin = f"{os.getpid()}:{secrets.token_hex(4)}"  # our own messages come back: skipped
        self._subscribers: set[asyncio.Event] = set()
        self._publishing = False
        self._tasks: set[asyncio.Task[None]] = set()
        self.retry_seconds = 1.0

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)

    def committed(self, tables: frozenset[str]) -> None:
        if tables.isdisjoint(WATCHED):
            return
        self._wake()
        if self.redis is not None and not self._publishing:
            self._publishing = True
            task = asyncio.get_running_loop().create_task(self._publish())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _publish(self) -> None:
        await asyncio.sleep(0)  # a burst of commits in this turn of the loop: one message
        self._publishing = False
        try:
            await self.redis.publish(CHANNEL, self.origin)  # type: ignore[union-attr]
        except Exception as error:  # noqa: BLE001 - the page still refreshes on its timer
            log.warning("dashboard: could not publish a change to Redis (%s)", type(error).__name__)

    def _wake(self) -> None:
        for event in self._subscribers:
            event.set()

    @contextlib.asynccontextmanager
    async def subscription(self) -> AsyncIterator[asyncio.Event]:
        event = asyncio.Event()
        self._subscribers.add(event)
        try:
            yield event
        finally:
            self._subscribers.discard(event)

    async def listen(self) -> None:
        """Relay other processes' changes until cancelled (only with Redis)."""
        if self.redis is None:
            return
        failed = 0  # tries since the subscription was lost: said when it goes and when it is back, not each try
        while True:
            pubsub = self.redis.pubsub()
            try:
                await pubsub.subscribe(CHANNEL)
                if failed:
                    log.info("dashboard: Redis subscription back (failed tries: %d)", failed)
                    failed = 0
                async for message in pubsub.listen():
                    if message.get("type") != "message":
                        continue
                    data = message.get("data")
                    origin = data.decode() if isinstance(data, bytes) else str(data)
                    if origin != self.origin:
                        self._wake()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - Redis restarted: subscribe again
                if not failed:
                    log.warning(
                        "dashboard: Redis subscription lost (%s); retrying until Redis answers", type(error).__name__
                    )
                failed += 1
                await asyncio.sleep(self.retry_seconds)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
