"""The embedded SQLite engine (statements in the loop's thread) and the read cache."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.usecases.catalog import product_card_by_sku
from domain.usecases.imports import import_products, import_stock, import_warehouses
from storage import models as m
from storage.db import create_engine, session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock

PRODUCTS = (
    "sku,name,category,price,currency,barcode,weight_g,length_mm,width_mm,height_mm,description\n"
    "A1,Mug,Kitchen,4.50,GBP,,300,,,,A mug\n"
)
WAREHOUSES = "code,name,address,latitude,longitude,pickup_point\nLON,London,1 Road,51.5,-0.1,false\n"


async def test_sqlite_runs_with_wal_foreign_keys_and_a_short_busy_timeout(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'p.sqlite3'}")
    try:
        async with engine.connect() as connection:
            assert (await connection.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 1
            # Short: waiting for another process's write lock is done by asynchronous retries.
            assert (await connection.execute(text("PRAGMA busy_timeout"))).scalar() == 5
    finally:
        await engine.dispose()


async def test_a_writer_waits_for_another_process_without_stopping_the_loop(tmp_path: Path) -> None:
    """Another process (here: a plain sqlite3 connection) holds the write lock for 0.4 s.
    Our write waits for it and then succeeds, and meanwhile the event loop keeps ticking."""
    path = tmp_path / "lock.sqlite3"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (x INTEGER)"))
        other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO t VALUES (1)")
        threading.Timer(0.4, other.commit).start()
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticking = asyncio.create_task(ticker())
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO t VALUES (2)"))
        ticking.cancel()
        other.close()
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT count(*) FROM t"))).scalar() == 2
        assert ticks >= 20  # ~40 expected in 0.4 s; a blocking busy wait would give 0
    finally:
        await engine.dispose()


async def _shop(engine: AsyncEngine) -> SqlUnitOfWork:
    uow = SqlUnitOfWork(session_factory(engine))
    await import_warehouses(uow, WAREHOUSES)
    await import_products(uow, PRODUCTS)
    await import_stock(uow, FakeClock(), "sku,warehouse,bin,quantity\nA1,LON,A-01-01-1,7\n")
    return uow


async def _card(uow: SqlUnitOfWork) -> tuple[str, int, bool]:
    card = await product_card_by_sku(uow, sku="A1", currency="GBP", fallback_currency="GBP")
    return card.product.name, card.available, card.product.active


async def test_read_only_work_is_served_from_the_cache_and_sees_committed_writes(engine: AsyncEngine) -> None:
    uow = await _shop(engine)
    statements: list[str] = []
    from sqlalchemy import event

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        assert await _card(uow) == ("Mug", 7, True)
        first = len(statements)
        assert first > 0
        assert await _card(uow) == ("Mug", 7, True)
        assert len(statements) == first  # the second card came from the cache: no SQL at all

        # Any committed write clears what it feeds, whoever wrote it (here: a bare session).
        async with uow._sessions() as session, session.begin():
            await session.execute(update(m.StockRow).values(on_hand=3))
            await session.execute(update(m.ProductRow).values(name="Big mug"))
        assert await _card(uow) == ("Big mug", 3, True)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


async def test_a_rolled_back_write_clears_nothing_and_a_reader_from_before_a_commit_keeps_nothing(
    engine: AsyncEngine,
) -> None:
    uow = await _shop(engine)
    cache = uow._cache
    assert cache is not None
    assert await _card(uow) == ("Mug", 7, True)
    generation = cache.generation
    async with uow._sessions() as session:
        await session.execute(update(m.StockRow).values(on_hand=1))
        await session.rollback()
    assert cache.generation == generation
    assert await _card(uow) == ("Mug", 7, True)

    # A reader that began before a commit must not store what it read: it may be older.
    cache.put("levels", 999, ["stale"], read_at_generation=generation)
    cache.written({"stock"})
    cache.put("levels", 998, ["stale"], read_at_generation=generation)
    assert cache.get("levels", 999) is None and cache.get("levels", 998) is None


async def test_cached_entries_expire(engine: AsyncEngine) -> None:
    uow = await _shop(engine)
    cache = uow._cache
    assert cache is not None
    now = [1000.0]
    cache.clock = lambda: now[0]
    cache.put("levels", 1, ["x"], read_at_generation=cache.generation)
    assert cache.get("levels", 1) == ["x"]
    now[0] += 3  # stock entries live two seconds
    assert cache.get("levels", 1) is None
