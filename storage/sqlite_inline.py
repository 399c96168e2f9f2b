"""aiosqlite without the thread hop, for the embedded SQLite default.

aiosqlite runs every call (execute, fetch, commit…) on a worker thread and hands the
result back through ``call_soon_threadsafe``. For SQLite on local disk the statement
itself takes microseconds; the two thread switches and the GIL hand-over around it
take far longer and dominate a chat bot's latency (measured: ~0.9 ms per statement
under load, see ``bench/bot_throughput.py``). Here the same calls run in the event
loop's thread, so a statement costs what SQLite costs.

What keeps this from stalling the loop:
* WAL readers never wait for writers;
* writers take the write lock with ``BEGIN IMMEDIATE``; when another process holds it,
  ``storage.db`` retries the BEGIN with an *asynchronous* sleep instead of letting
  SQLite's busy timeout block (see ``begin_immediate``), and the busy timeout left on
  the connection is short;
* a transaction's statements do not yield to the loop between each other, so two
  coroutines of this process do not hold the write lock against each other for long.

SQLAlchemy's aiosqlite dialect is used unchanged: we only hand it this connection via
``async_creator``. It relies on aiosqlite's ``Connection`` internals (``_tx``, ``_execute``,
``_connection``), which is why ``pyproject.toml`` pins aiosqlite to a minor range.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable, Generator
from typing import Any

import aiosqlite

INLINE_BUSY_TIMEOUT_S = 0.005


class _InlineQueue:
    """Stands in for aiosqlite's queue to the worker thread: runs the job at once."""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except Exception as error:  # noqa: BLE001 - handed to the awaiting side, as aiosqlite's thread does
            if future is not None and not future.done():
                future.set_exception(error)
            return
        if future is not None and not future.done():
            future.set_result(result)


class InlineConnection(aiosqlite.Connection):
    def __init__(self, connector: Callable[[], sqlite3.Connection]) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._tx = _InlineQueue()  # type: ignore[assignment]

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)

    async def _connect_inline(self) -> InlineConnection:
        if self._connection is None:
            self._connection = self._connector()
        return self

    def __await__(self) -> Generator[Any, None, InlineConnection]:  # type: ignore[override]
        return self._connect_inline().__await__()


def inline_creator(database: str) -> Callable[[], Awaitable[InlineConnection]]:
    """An ``async_creator`` for ``create_async_engine``: a new in-thread connection to
    ``database`` (a path, or ``:memory:``)."""

    def connector() -> sqlite3.Connection:
        # check_same_thread off only because the pool may finalise a connection from the
        # garbage collector's thread; statements always run in the loop's thread.
        return sqlite3.connect(database, timeout=INLINE_BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)

    async def create() -> InlineConnection:
        return await InlineConnection(connector)

    return create
