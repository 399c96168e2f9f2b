"""On PostgreSQL each round trip to the server costs more than most statements: a pooled
connection is pinged only after it sat idle, and read-only work sends no BEGIN or ROLLBACK."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import db
from storage.db import session_factory
from storage.uow import SqlUnitOfWork

pytestmark = pytest.mark.postgres


def _counting_pings(engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    pings: list[Any] = []
    ping = engine.dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        pings.append(dbapi_connection)
        return ping(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return pings


async def _backend(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def test_a_connection_given_back_a_moment_ago_is_used_without_a_ping(
    pg_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings = _counting_pings(pg_engine, monkeypatch)
    first = await _backend(pg_engine)  # a new connection: not pinged either
    for _ in range(5):
        assert await _backend(pg_engine) == first
    assert pings == []


async def test_a_connection_idle_past_the_window_is_pinged_before_use(
    pg_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings = _counting_pings(pg_engine, monkeypatch)
    first = await _backend(pg_engine)
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 0.05)
    await asyncio.sleep(0.1)
    assert await _backend(pg_engine) == first
    assert len(pings) == 1


async def test_a_pooled_connection_the_server_closed_is_replaced_before_it_is_handed_out(
    pg_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database restarted, or an administrator ended the session: the first statement
    after the idle window still runs, on a new connection."""
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 0.05)
    async with pg_engine.connect() as doomed, pg_engine.connect() as other:
        dead = int((await doomed.execute(text("SELECT pg_backend_pid()"))).scalar_one())
        await doomed.close()  # back to the pool, where the server ends it
        await other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": dead})
    await asyncio.sleep(0.1)
    async with pg_engine.connect() as one, pg_engine.connect() as two:  # the pool's two, both handed out
        pids = [int((await c.execute(text("SELECT pg_backend_pid()"))).scalar_one()) for c in (one, two)]
    assert dead not in pids


async def test_read_only_work_runs_each_statement_on_its_own_without_begin_or_rollback(
    pg_engine: AsyncEngine,
) -> None:
    """Inside a transaction ``now()`` is the transaction's start; two reads of it a moment
    apart differ only when no transaction was begun around them."""
    uow = SqlUnitOfWork(session_factory(pg_engine))
    async with uow.read_only():
        first = await uow.session.scalar(text("SELECT clock_timestamp() - now() + now()"))
        assert await uow.session.scalar(text("SELECT pg_current_xact_id_if_assigned()")) is None
        start_1 = await uow.session.scalar(text("SELECT now()"))
        await asyncio.sleep(0.02)
        start_2 = await uow.session.scalar(text("SELECT now()"))
    assert first is not None
    assert start_2 > start_1
    async with uow:  # a writer's unit is one transaction, as always
        start_1 = await uow.session.scalar(text("SELECT now()"))
        await asyncio.sleep(0.02)
        start_2 = await uow.session.scalar(text("SELECT now()"))
    assert start_2 == start_1


async def test_a_connection_the_server_closed_inside_the_window_is_replaced_before_it_is_handed_out(
    pg_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Within ``PING_AFTER_IDLE_S`` no ping is sent, but a connection the driver already saw
    closed (a restart, an administrator ending the session) is not handed out either: its
    first statement failed in front of the user."""
    pings = _counting_pings(pg_engine, monkeypatch)
    async with pg_engine.connect() as doomed, pg_engine.connect() as other:
        dead = int((await doomed.execute(text("SELECT pg_backend_pid()"))).scalar_one())
        driver = (await doomed.get_raw_connection()).driver_connection
        assert driver is not None
        await doomed.close()
        await other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": dead})
    for _ in range(1000):  # until asyncpg has read the server's goodbye
        if driver.is_closed():
            break
        await asyncio.sleep(0.01)
    async with pg_engine.connect() as one, pg_engine.connect() as two:
        pids = [int((await c.execute(text("SELECT pg_backend_pid()"))).scalar_one()) for c in (one, two)]
    assert dead not in pids
    assert pings == []


async def test_a_writer_on_the_connection_read_only_work_used_is_one_transaction_again(pg_engine: AsyncEngine) -> None:
    """Read-only work's autocommit is the connection's only while that work holds it: a writer
    given the same connection next writes in a transaction, and a failure undoes its writes."""
    await pg_engine.dispose()  # one pooled connection, so both units are given the same one
    sessions = session_factory(pg_engine)
    uow = SqlUnitOfWork(sessions)
    async with uow:
        await uow.session.execute(text("CREATE TEMPORARY TABLE IF NOT EXISTS notes (n int)"))
        await uow.commit()
    async with uow.read_only():
        read_only_pid = await uow.session.scalar(text("SELECT pg_backend_pid()"))
    with pytest.raises(RuntimeError, match="after writing"):
        async with uow:
            assert await uow.session.scalar(text("SELECT pg_backend_pid()")) == read_only_pid
            await uow.session.execute(text("INSERT INTO notes VALUES (1)"))
            raise RuntimeError("after writing")
    async with uow.read_only():
        assert await uow.session.scalar(text("SELECT pg_backend_pid()")) == read_only_pid
        assert await uow.session.scalar(text("SELECT count(*) FROM notes")) == 0


async def test_a_connection_made_again_after_it_was_invalidated_is_not_pinged(
    pg_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An invalidated connection's pool entry is checked in with no connection (its idle time
    noted all the same), and SQLAlchemy clears the entry's ``info`` when it connects again: the
    new connection is fresh, as any just made, and pinged only once it has sat idle."""
    pings = _counting_pings(pg_engine, monkeypatch)
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 0.0)  # any idle time at all is past the window
    await pg_engine.dispose()  # one pooled connection, so each checkout is given the same entry
    async with pg_engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
        await connection.invalidate()
    async with pg_engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
    assert pings == []
    await asyncio.sleep(0.01)
    async with pg_engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
    assert len(pings) == 1
