"""SQLite's write lock: this process's writers take turns at it; a BEGIN IMMEDIATE waits without blocking the loop."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import Pool, QueuePool
from sqlalchemy.util import await_only
from sqlalchemy.util.concurrency import in_greenlet

SQLITE_BUSY_TIMEOUT_MS = 30_000


class WriteTurns:
    """The writers of one process take turns at SQLite's write lock in the order they asked.

    Performance rule: without this, a writer finding the lock held by another coroutine of
    this process retried ``BEGIN IMMEDIATE``, each try blocking the loop for the connection's
    busy timeout, while the holder — in the same loop — could not finish: at 100 updates/s
    a third of the loop's time went there (``bench/latency_scale.py`` under py-spy). Now it
    waits on a future the holder's commit or rollback resolves, and the loop runs meanwhile.
    Another process holding the lock is still waited for by ``begin_immediate``."""

    def __init__(self) -> None:
        # A connection, or a task that reserved the turn before taking one (``reserve``).
        self.holder: sqlite3.Connection | asyncio.Task[Any] | None = None
        self.granted = False  # handed to ``holder``, which has not begun yet
        self.waiting: deque[tuple[sqlite3.Connection | asyncio.Task[Any], asyncio.Future[None]]] = deque()

    async def reserve(self, pool: Pool) -> bool:
        """Wait for the turn holding no connection, for a writer about to send its first
        statement (``storage.repositories.sql``, ``writing``): the connection this task then
        begins takes the turn at once (``take``), and ``unreserve`` hands back one never
        taken. False, the turn passed on, when ``pool`` has no connection to give it now: the
        writers holding them wait for the turn in ``take``, and one holding the turn while it
        waits for their connections would wait for ever (the caller then takes a connection
        first and its turn after, as they do).

        Performance rule: a writer queued in ``take`` holds a pooled connection while it
        waits, and with 40 chats adding to carts most of them queue — past the connections an
        engine keeps, each was opened (three PRAGMAs) and closed again for its one turn: 4 %
        of browsing and 8 % of a checkout's time in the out-of-process bench. The check of the
        pool and the checkout that follows it run in one step of the loop (an idle connection
        or a new one is had without waiting), so nothing takes the room in between."""
        task = _current_task()
        if task is None:
            return False
        if self._busy(task):
            await self._wait(task)
        self.holder, self.granted = task, True
        if _has_room(pool):
            return True
        self.give_back(task)
        return False

    def unreserve(self) -> None:
        """Hand back a turn this task reserved and no connection of its took (its first
        statement failed before its BEGIN)."""
        task = _current_task()
        if task is not None and self.holder is task:
            self.give_back(task)

    def _busy(self, asking: sqlite3.Connection | asyncio.Task[Any]) -> bool:
        holder = self.holder
        if holder is None or holder is asking:
            return False
        if self.granted:
            return True
        # A holder no longer in a transaction ended it without our events (a pool reset).
        return isinstance(holder, sqlite3.Connection) and _in_transaction(holder)

    def release_lost(self) -> None:
        """A connection invalidated mid-transaction (a task cancelled mid-statement) ends with
        no connection to name: if the turn's holder is that closed one, the turn passes on."""
        holder = self.holder
        if isinstance(holder, sqlite3.Connection) and not self.granted and not _in_transaction(holder):
            self.give_back(holder)

    def take(self, sqlite: sqlite3.Connection) -> None:
        if self.holder is not None and self.holder is _current_task():
            self.holder, self.granted = sqlite, False  # reserved by this task: its connection has it
            return
        if self._busy(sqlite):
            if not in_greenlet():
                raise MustWait()
            await_only(self._wait(sqlite))
        self.holder, self.granted = sqlite, False

    async def _wait(self, asking: sqlite3.Connection | asyncio.Task[Any]) -> None:
        """Queue for the turn until ``give_back`` hands it over (``SQLITE_BUSY_TIMEOUT_MS`` at most)."""
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiting.append((asking, turn))
        try:
            await asyncio.wait_for(asyncio.shield(turn), SQLITE_BUSY_TIMEOUT_MS / 1000)
        except BaseException as error:
            if turn.done() and not turn.cancelled():  # handed over meanwhile: pass it on
                self.give_back(asking)
            else:
                turn.cancel()
            if isinstance(error, TimeoutError):
                raise OperationalError("BEGIN IMMEDIATE", None, error) from error
            raise

    def give_back(self, sqlite: sqlite3.Connection | asyncio.Task[Any]) -> None:
        if self.holder is not sqlite:
            return
        self.holder, self.granted = None, False
        while self.waiting:
            connection, turn = self.waiting.popleft()
            if not turn.done():
                self.holder, self.granted = connection, True
                turn.set_result(None)
                return


@asynccontextmanager
async def turn_first(turns: WriteTurns | None, pool: Pool) -> AsyncIterator[bool]:
    """Around a writer's first statement: its turn reserved before it takes a connection
    (``WriteTurns.reserve``), and handed back on the way out if no BEGIN took it. Without
    turns (PostgreSQL), or with no connection to be had, the writer goes on as before: a
    connection first, then the turn (``take``). Yields whether the turn is this task's and a
    connection can be had, so the BEGIN waits for nothing in this process."""
    if turns is None:
        yield False
        return
    reserved = await turns.reserve(pool)
    try:
        yield reserved
    finally:
        turns.unreserve()  # a no-op once a BEGIN took the turn, or when reserve passed it on


def has_idle(pool: Pool) -> bool:
    """Whether ``pool`` keeps an idle connection to hand out now: one checked out then needs
    nothing awaited (a new one may: its pool's first connect waits on an asyncio lock)."""
    return isinstance(pool, QueuePool) and pool.checkedin() > 0


def _has_room(pool: Pool) -> bool:
    """Whether a checkout from ``pool`` would be had without waiting."""
    if not isinstance(pool, QueuePool):
        return True  # one shared connection (an in-memory database): never waited for
    limit = pool.size() + pool._max_overflow
    return pool._max_overflow < 0 or pool.checkedout() < limit


def _current_task() -> asyncio.Task[Any] | None:
    try:
        return asyncio.current_task()
    except RuntimeError:  # no loop running: a synchronous caller, never a reserving one
        return None


def _in_transaction(sqlite: sqlite3.Connection) -> bool:
    try:
        return sqlite.in_transaction
    except sqlite3.ProgrammingError:  # closed: invalidated by SQLAlchemy
        return False


class MustWait(Exception):
    """A unit's first statement, begun straight from its coroutine (``storage.repositories.sql``),
    found it has to wait (for the write lock another process holds): it is begun again in
    SQLAlchemy's greenlet, where waiting is possible, after ``LOCKED_RETRY_S`` (its refused
    try already blocked the loop for the busy timeout). Raised before anything was begun."""


# The first pause after a try at the write lock that another process holds; the pauses double
# from there (``begin_immediate``). Every try blocks the loop for the connection's busy timeout
# (``storage.sqlite_inline.INLINE_BUSY_TIMEOUT_S``), so the loop runs between any two tries.
LOCKED_RETRY_S = 0.001


def begin_immediate(sqlite: sqlite3.Connection) -> None:
    """Take SQLite's write lock, waiting for another process that holds it with an
    asynchronous sleep: statements run in the loop's thread (``storage.sqlite_inline``),
    so SQLite's own busy wait would stop every other chat for as long as it lasts."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    delay = LOCKED_RETRY_S
    while True:
        try:
            sqlite.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise OperationalError("BEGIN IMMEDIATE", None, error) from error
        if not in_greenlet():
            raise MustWait()
        await_only(asyncio.sleep(delay))
        delay = min(delay * 2, 0.05)
