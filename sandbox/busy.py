"""The sandbox's own work, timed without its waits: what in-process benches take out as Telegram's side."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from contextvars import ContextVar
from typing import Protocol


class Busy(Protocol):
    busy_s: float


# Seconds the current request or pushed update spent waiting for one of the server's locks
# (``_notify``, ``_wake_pollers``): other tasks, the bot's among them, run meanwhile, so that
# time is not the server's own work (``SandboxServer.busy_s``). A wait behind a poller holding
# the lock once charged a whole turn of the bot's work to the echo bot's sandbox (echo "2,500 µs
# an update, 556 % of its time" in bench/bot_throughput.py).
_WAITED: ContextVar[list[float] | None] = ContextVar("sandbox_waited", default=None)


@contextlib.asynccontextmanager
async def own_work(server: Busy) -> AsyncIterator[None]:
    """Adds the block's time to ``server.busy_s``, less what it waited for locks."""
    waited = [0.0]
    token = _WAITED.set(waited)
    started = time.perf_counter()
    try:
        yield
    finally:
        _WAITED.reset(token)
        server.busy_s += time.perf_counter() - started - waited[0]


@contextlib.asynccontextmanager
async def waiting() -> AsyncIterator[None]:
    """Marks a wait inside ``own_work``: its time is left out."""
    started = time.perf_counter()
    try:
        yield
    finally:
        waited = _WAITED.get()
        if waited is not None:
            waited[0] += time.perf_counter() - started
