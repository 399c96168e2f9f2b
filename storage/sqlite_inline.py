"""SQLite in the event loop's thread, without aiosqlite, for the embedded default.

aiosqlite runs every DBAPI call (cursor, execute, fetch, commit…) on a worker thread
and hands the result back through ``call_soon_threadsafe``; SQLAlchemy's async adapter
then adds a greenlet switch per call on top. For SQLite on local disk the statement
itself takes microseconds: measured on one read, 3 µs in ``sqlite3`` against ~50 µs
through the adapted driver even without the thread (``bench/bot_throughput.py`` is where
it shows: a checkout runs ~50 statements).

So the SQLite URL is served by this dialect: SQLAlchemy's own ``pysqlite`` dialect
(the same type handling the aiosqlite dialect inherits), declared asynchronous so an
``AsyncEngine`` accepts it. ``AsyncSession`` still runs the ORM inside a greenlet; the
DBAPI calls under it are plain ``sqlite3`` calls, made right there in the loop's thread.

What keeps this from stalling the loop:
* WAL readers never wait for writers;
* writers take the write lock with ``BEGIN IMMEDIATE``; when another process holds it,
  ``storage.write_turns`` retries the BEGIN with an *asynchronous* sleep instead of letting
  SQLite's busy timeout block (see ``begin_immediate``), and the busy timeout left on
  the connection is short;
* a transaction's statements do not yield to the loop between each other, so two
  coroutines of this process do not hold the write lock against each other for long.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from sqlalchemy import pool
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import URL
from sqlalchemy.util import await_only
from sqlalchemy.util.concurrency import in_greenlet

INLINE_BUSY_TIMEOUT_S = 0.005
DRIVER = "ordergram_inline"


class SQLiteDialect_inline(SQLiteDialect_pysqlite):  # noqa: N801 - SQLAlchemy's dialect naming
    driver = DRIVER
    is_async = True  # the engine is used through AsyncEngine; its calls never block for long
    supports_statement_cache = True

    # ``AsyncConnection.execute`` checks that the driver awaited something (to catch a
    # blocking driver by mistake): inside SQLAlchemy's greenlet each statement hands the
    # loop one finished awaitable. Called straight from a coroutine (``storage.repositories``
    # does, once a transaction has its connection) there is nothing to await.
    def do_execute(self, cursor: Any, statement: Any, parameters: Any, context: Any = None) -> None:
        if in_greenlet():
            await_only(_done())
        super().do_execute(cursor, statement, parameters, context)  # type: ignore[no-untyped-call]

    def do_execute_no_params(self, cursor: Any, statement: Any, context: Any = None) -> None:
        if in_greenlet():
            await_only(_done())
        super().do_execute_no_params(cursor, statement, context)  # type: ignore[no-untyped-call]

    def do_executemany(self, cursor: Any, statement: Any, parameters: Any, context: Any = None) -> None:
        if in_greenlet():
            await_only(_done())
        super().do_executemany(cursor, statement, parameters, context)  # type: ignore[no-untyped-call]

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        # The asyncio-aware queue: a coroutine waiting for a connection must not block the loop.
        return pool.AsyncAdaptedQueuePool if cls._is_url_file_db(url) else pool.StaticPool


async def _done() -> None:
    return None


registry.register(f"sqlite.{DRIVER}", __name__, "SQLiteDialect_inline")


def inline_url(url: URL) -> URL:
    return url.set(drivername=f"sqlite+{DRIVER}")


class _Cursor(sqlite3.Cursor):
    async def _async_soft_close(self) -> None:
        """``AsyncConnection.execute`` asks an async driver's cursor to buffer its rows
        before handing the result over; a ``sqlite3`` cursor can be read later as it is."""


class _Connection(sqlite3.Connection):
    def cursor(self, factory: Any = _Cursor) -> Any:
        return super().cursor(factory)


def inline_creator(database: str) -> Callable[[], sqlite3.Connection]:
    """A ``creator`` for the engine: a new connection to ``database`` (a path, or ``:memory:``)."""

    def connect() -> Any:
        # check_same_thread off only because the pool may finalise a connection from the
        # garbage collector's thread; statements always run in the loop's thread.
        return sqlite3.connect(
            database,
            timeout=INLINE_BUSY_TIMEOUT_S,
            isolation_level=None,
            check_same_thread=False,
            factory=_Connection,
        )

    return connect
