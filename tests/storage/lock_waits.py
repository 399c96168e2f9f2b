"""Forcing the worst interleaving of two transactions on PostgreSQL: one stops holding its first
stock counter's lock until the other waits for a lock (no sleeps: each waits on what the other did)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import await_only

T = TypeVar("T")
ROLE: ContextVar[str] = ContextVar("role", default="")  # which task's statement a listener sees


def as_role(role: str, call: Callable[[], Awaitable[T]]) -> asyncio.Task[T]:
    """``call`` in a task of its own whose statements are ``role``'s."""

    async def run() -> T:
        ROLE.set(role)
        return await call()

    return asyncio.create_task(run())


def locks_stock(statement: str) -> bool:
    return "FOR UPDATE" in statement and "FROM stock" in statement


@asynccontextmanager
async def pauses_after_first_stock_lock(
    engine: AsyncEngine, role: str, locks: Callable[[str], bool] = locks_stock
) -> AsyncIterator[tuple[Any, Any]]:
    """``role``'s task stops right after its first statement that locks stock counters
    (``FOR UPDATE``; or whatever ``locks`` tells) until ``go`` is set; ``held`` is set when it
    stops. It waits in SQLAlchemy's greenlet, inside its transaction, holding the lock."""
    held, go = asyncio.Event(), asyncio.Event()

    def after(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        if ROLE.get() == role and locks(statement) and not held.is_set():
            held.set()
            await_only(go.wait())

    event.listen(engine.sync_engine, "after_cursor_execute", after)
    try:
        yield held, go
    finally:
        event.remove(engine.sync_engine, "after_cursor_execute", after)


async def someone_waits_for_a_lock(engine: AsyncEngine) -> None:
    """Until a session of this database waits for a lock (as pg_stat_activity shows it)."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    async with engine.connect() as connection:
        for _ in range(2000):
            if await connection.scalar(query):
                return
            await connection.rollback()
            await asyncio.sleep(0.005)  # looking again at the server's state, not waiting for time to pass
    raise AssertionError("no session came to wait for the held lock")


async def worst_interleaving(
    engine: AsyncEngine,
    first: Callable[[], Awaitable[object]],
    second: Callable[[], Awaitable[object]],
    locks: Callable[[str], bool] = locks_stock,
) -> list[object]:
    """PostgreSQL: ``first`` runs until it holds its first stock counter's lock and stops there;
    ``second`` runs until someone waits for a lock; then ``first`` goes on. Both outcomes (a
    result or what it raised), ``second``'s first. Two that take counters in opposite orders
    deadlock this way every time."""
    async with pauses_after_first_stock_lock(engine, "first", locks) as (held, go):
        one = as_role("first", first)
        await held.wait()
        two = as_role("second", second)
        await someone_waits_for_a_lock(engine)
        go.set()
        return list(await asyncio.gather(two, one, return_exceptions=True))


async def at_once(*calls: Callable[[], Awaitable[object]]) -> list[object]:
    """Each call in a task of its own, all let go at the same moment; their outcomes in order."""
    start = asyncio.Event()

    async def after_start(call: Callable[[], Awaitable[object]]) -> object:
        await start.wait()
        return await call()

    tasks = [asyncio.create_task(after_start(call)) for call in calls]
    start.set()
    return list(await asyncio.gather(*tasks, return_exceptions=True))
