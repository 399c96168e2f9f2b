"""The embedded SQLite engine (statements in the loop's thread) and the read cache."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast

import pytest
from sqlalchemy import NullPool, QueuePool, event, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import session as async_session_module
from sqlalchemy.util.concurrency import greenlet_spawn

from domain.backorders import BackorderTerms
from domain.catalog import ProductStatus
from domain.customers import Customer
from domain.errors import NotFound
from domain.money import Money
from domain.ports import SystemClock
from domain.usecases.cart import set_cart_quantity
from domain.usecases.customers import ensure_customer, remember_choice
from domain.usecases.imports.lists import import_warehouses
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from domain.usecases.product_cards import product_card_by_sku
from storage import db as storage_db
from storage import models as m
from storage import sqlite_inline, write_turns
from storage.cache import ABSENT, ALL_ROWS, ReadCache
from storage.db import (
    IN_LOOP_SQL,
    SQLITE_PAGE_CACHE_KIB,
    SQLITE_POOL,
    WRITE_TURNS_OF,
    _rows_named,
    connected,
    create_engine,
    session_factory,
    writing,
)
from storage.repositories import catalog
from storage.repositories import sql as sql_module
from storage.repositories.sql import run
from storage.uow import SqlUnitOfWork
from storage.write_turns import WriteTurns
from tests.conftest import empty_database
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


async def test_an_in_memory_sqlite_database_opens_takes_writes_and_reads_them_back() -> None:
    # Its one connection is SQLAlchemy's StaticPool, which refuses a file pool's settings.
    engine = await empty_database("sqlite+aiosqlite:///:memory:")
    try:
        sessions = session_factory(engine, base_currency="GBP")
        await import_warehouses(SqlUnitOfWork(sessions), WAREHOUSES)
        await import_products(SqlUnitOfWork(sessions), SystemClock(), PRODUCTS)
        await import_stock(SqlUnitOfWork(sessions), FakeClock(), "sku,warehouse,bin,quantity\nA1,LON,A-01-01-1,7\n")
        card = await product_card_by_sku(SqlUnitOfWork(sessions), sku="A1", currency="GBP", fallback_currency="GBP")
        assert (card.product.name, card.available) == ("Mug", 7)
    finally:
        await engine.dispose()


async def test_many_chats_at_once_reuse_the_kept_sqlite_connections(tmp_path: Path) -> None:
    """Each update that misses the read cache holds a connection over a turn of the loop;
    with many chats at once, the engine keeps enough of them that none is opened and closed
    again for a single statement, each with a small page cache."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'p.sqlite3'}")
    opened = 0

    def count(*_: object) -> None:
        nonlocal opened
        opened += 1

    event.listen(engine.sync_engine, "connect", count)

    async def one() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    try:
        await asyncio.gather(*(one() for _ in range(SQLITE_POOL["pool_size"])))
        first = opened
        for _ in range(3):
            await asyncio.gather(*(one() for _ in range(SQLITE_POOL["pool_size"])))
        assert opened == first  # the same connections again
        async with engine.connect() as connection:
            assert (await connection.execute(text("PRAGMA cache_size"))).scalar() == -SQLITE_PAGE_CACHE_KIB
    finally:
        await engine.dispose()


async def _until(state: Callable[[], bool]) -> None:
    """Until ``state`` holds, looked at after each step of the others (30 s only against a hang)."""
    async with asyncio.timeout(30):
        while not state():  # noqa: ASYNC110 - a queue of this process's writers tells no one
            await asyncio.sleep(0)


@contextlib.asynccontextmanager
async def _write_locked_elsewhere(
    engine: AsyncEngine, path: Path, *statements: str, refusals: int = 1
) -> AsyncIterator[list[str]]:
    """Another process (here: a plain sqlite3 connection) holds the write lock from now until
    ``refusals`` of our tries at it have been refused; it is let go by a task of this loop, so a
    writer that stopped the loop to wait would never see it go (and fail at its busy timeout).
    Yields our tries (``BEGIN IMMEDIATE``), counted until the block ends."""
    tries: list[str] = []

    def trace(dbapi_connection: Any, *_: object) -> None:
        dbapi_connection.set_trace_callback(lambda sql: tries.append(sql) if sql == "BEGIN IMMEDIATE" else None)

    event.listen(engine.sync_engine, "checkout", trace)
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    for statement in statements:
        other.execute(statement)

    async def let_go_once_refused() -> None:
        while len(tries) < refusals:  # noqa: ASYNC110 - SQLite tells no one of a refusal: looked at each turn
            await asyncio.sleep(0)
        other.commit()

    letting_go = asyncio.create_task(let_go_once_refused())
    try:
        yield tries
    finally:
        letting_go.cancel()
        other.close()
        event.remove(engine.sync_engine, "checkout", trace)


async def test_a_writer_waits_for_another_process_without_stopping_the_loop(tmp_path: Path) -> None:
    """Another process (here: a plain sqlite3 connection) holds the write lock until our write
    has been refused it. Our write waits for it and then succeeds, and meanwhile the event loop
    runs on (a task of it lets the lock go)."""
    path = tmp_path / "lock.sqlite3"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (x INTEGER)"))
        locked = _write_locked_elsewhere(engine, path, "INSERT INTO t VALUES (1)")
        async with locked as tries, engine.begin() as connection:
            await connection.execute(text("INSERT INTO t VALUES (2)"))
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT count(*) FROM t"))).scalar() == 2
        assert len(tries) >= 2  # refused while the other held it, then taken
    finally:
        await engine.dispose()


async def test_writers_of_one_process_take_turns_in_the_order_they_asked(tmp_path: Path) -> None:
    """One writer holds the write lock across an await; two more ask for it. They wait for
    their turn without trying the lock (each ``BEGIN IMMEDIATE`` is issued once), the first
    one's rollback hands the turn on, and the writes land in the order asked."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'turns.sqlite3'}")
    begins: list[str] = []

    @event.listens_for(engine.sync_engine, "connect")
    def _trace(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.set_trace_callback(lambda sql: begins.append(sql) if sql == "BEGIN IMMEDIATE" else None)

    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (x INTEGER)"))
        begins.clear()
        release = asyncio.Event()

        async def holder() -> None:
            async with engine.begin() as connection:
                await connection.execute(text("INSERT INTO t VALUES (1)"))
                await release.wait()

        async def writer(x: int) -> None:
            with contextlib.suppress(LookupError):
                async with engine.begin() as connection:
                    await connection.execute(text("INSERT INTO t VALUES (:x)"), {"x": x})
                    if x == 2:
                        raise LookupError  # rolled back: the turn passes on all the same

        turns = WRITE_TURNS_OF[engine.sync_engine]
        tasks = [asyncio.create_task(holder())]
        await _until(lambda: turns.holder is not None)
        for x in (2, 3):
            tasks.append(asyncio.create_task(writer(x)))
            await _until(lambda: len(turns.waiting) == x - 1)  # noqa: B023 - looked at before x moves on
        assert len(begins) == 1  # the two others wait for their turn, not for SQLite's lock
        release.set()
        await asyncio.gather(*tasks)
        assert len(begins) == 3
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT x FROM t ORDER BY rowid"))).scalars().all() == [1, 3]
    finally:
        await engine.dispose()


async def test_a_writer_cut_off_mid_transaction_leaves_the_turn_to_the_next(tmp_path: Path) -> None:
    """A task cancelled mid-statement leaves its connection invalidated (closed): its
    rollback cannot name it, and the next writer of the process still gets the lock, with
    one waiting meanwhile handed the turn rather than left to time out."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'lost.sqlite3'}")
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (x INTEGER)"))
        lost = await engine.connect()
        await lost.begin()
        await lost.execute(text("INSERT INTO t VALUES (1)"))

        async def writer(x: int) -> None:
            async with engine.begin() as connection:
                await connection.execute(text("INSERT INTO t VALUES (:x)"), {"x": x})

        waiting = asyncio.create_task(writer(2))
        await asyncio.sleep(0.05)
        assert not waiting.done()  # its turn comes after the holder's
        await lost.invalidate()
        await lost.close()
        await asyncio.wait_for(waiting, 2)  # well within the busy timeout
        await asyncio.wait_for(writer(3), 2)
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT x FROM t ORDER BY rowid"))).scalars().all() == [2, 3]
    finally:
        await engine.dispose()


@asynccontextmanager
async def _table_t(tmp_path: Path) -> AsyncIterator[tuple[AsyncEngine, async_sessionmaker[AsyncSession]]]:
    """An embedded SQLite database with one table to write to, ``t (x)``: its engine and sessions."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'turns.sqlite3'}")
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (x INTEGER)"))
        yield engine, session_factory(engine)
    finally:
        await engine.dispose()


async def test_units_of_work_wait_for_their_turn_holding_no_connection(tmp_path: Path) -> None:
    """Fifteen writers (units of work, sessions, the engine's own) ask to write while another
    holds the lock: they queue without a pooled connection each (past the ten kept, each
    would be opened for its turn and closed again), then write in the order they asked."""
    async with _table_t(tmp_path) as (engine, sessions):
        release = asyncio.Event()

        async def holder() -> None:
            async with engine.begin() as connection:
                await connection.execute(text("INSERT INTO t VALUES (0)"))
                await release.wait()

        async def writer(x: int) -> None:
            insert = text("INSERT INTO t VALUES (:x)")
            if x % 3 == 0:  # the inbox, the conversation state
                async with writing(engine) as connection:
                    await connection.execute(insert, {"x": x})
            elif x % 3 == 1:  # a use case
                uow = SqlUnitOfWork(sessions)
                async with uow:
                    await run(uow.session, insert, {"x": x})
                    await uow.commit()
            else:  # the outbox
                async with sessions() as session, session.begin():
                    await run(session, insert, {"x": x})

        turns = WRITE_TURNS_OF[engine.sync_engine]
        tasks = [asyncio.create_task(holder())]
        await _until(lambda: turns.holder is not None)
        for x in range(1, 16):
            tasks.append(asyncio.create_task(writer(x)))
            await _until(lambda: len(turns.waiting) == x)  # noqa: B023 - looked at before x moves on
        assert cast(QueuePool, engine.sync_engine.pool).checkedout() == 1  # the holder's
        release.set()
        await asyncio.gather(*tasks)
        async with engine.connect() as connection:
            rows = (await connection.execute(text("SELECT x FROM t ORDER BY rowid"))).scalars().all()
        assert rows == list(range(16))


async def test_a_turn_reserved_and_never_taken_passes_on() -> None:
    """A unit of work whose first statement fails before its BEGIN hands its reserved turn
    to the next in line."""
    turns = WriteTurns()
    pool = NullPool(lambda: cast(Any, sqlite3.connect(":memory:")))  # never asked for one: it has room
    order: list[str] = []
    reserved = asyncio.Event()

    async def first() -> None:
        assert await turns.reserve(pool)
        order.append("first")
        reserved.set()
        await asyncio.sleep(0.05)
        turns.unreserve()

    async def second() -> None:
        await reserved.wait()
        assert await turns.reserve(pool)
        order.append("second")
        turns.unreserve()

    await asyncio.wait_for(asyncio.gather(first(), second()), 5)
    assert order == ["first", "second"]
    assert turns.holder is None


async def _reserved_turn_behind_connection_holders(tmp_path: Path, orm_first_writers: int) -> list[BaseException]:
    """One writer holds the lock; a unit of work whose first statement is ``run`` queues for
    the turn holding no connection; then ``orm_first_writers`` units whose first statement
    goes through the session (a connection first, then the turn) queue holding one each.
    Handed the turn when the holder commits, the first finds no connection to be had: it
    passes the turn on and queues as they do, instead of holding it while it waits for their
    connections (each side would wait for the other until the busy timeout failed them)."""
    async with _table_t(tmp_path) as (engine, sessions):
        release = asyncio.Event()

        async def holder() -> None:
            uow = SqlUnitOfWork(sessions)
            async with uow:
                await run(uow.session, text("INSERT INTO t VALUES (0)"))
                await release.wait()
                await uow.commit()

        async def reserving_unit() -> None:
            uow = SqlUnitOfWork(sessions)
            async with uow:
                await run(uow.session, text("INSERT INTO t VALUES (1)"))
                await uow.commit()

        async def orm_first_unit(x: int) -> None:
            uow = SqlUnitOfWork(sessions)
            async with uow:
                await uow.session.execute(text("INSERT INTO t VALUES (:x)"), {"x": x})
                await uow.commit()

        tasks = [asyncio.create_task(holder())]
        await asyncio.sleep(0.05)
        tasks.append(asyncio.create_task(reserving_unit()))
        await asyncio.sleep(0.05)
        for x in range(2, 2 + orm_first_writers):
            tasks.append(asyncio.create_task(orm_first_unit(x)))
        await asyncio.sleep(0.1)
        release.set()
        results = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 30)
        async with engine.connect() as connection:
            written = (await connection.execute(text("SELECT count(*) FROM t"))).scalar_one()
        assert written == 2 + orm_first_writers - sum(isinstance(r, BaseException) for r in results)
        return [r for r in results if isinstance(r, BaseException)]


async def test_a_reserved_turn_with_no_connection_to_be_had_goes_to_the_writers_holding_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The smallest case: a pool of one connection."""
    monkeypatch.setattr(storage_db, "SQLITE_POOL", {"pool_size": 1, "max_overflow": 0})
    monkeypatch.setattr(write_turns, "SQLITE_BUSY_TIMEOUT_MS", 2_000)  # 30 s in production: fail fast here
    assert await _reserved_turn_behind_connection_holders(tmp_path, orm_first_writers=1) == []


async def test_forty_writers_holding_connections_and_one_reserved_turn_all_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pool as shipped (10 kept + 30) and forty such writers: one update each, 40 chats."""
    monkeypatch.setattr(write_turns, "SQLITE_BUSY_TIMEOUT_MS", 2_000)
    assert await _reserved_turn_behind_connection_holders(tmp_path, orm_first_writers=40) == []


async def _shop(engine: AsyncEngine) -> SqlUnitOfWork:
    uow = SqlUnitOfWork(session_factory(engine, base_currency="GBP"))  # the shop of PRODUCTS, priced in GBP
    await import_warehouses(uow, WAREHOUSES)
    await import_products(uow, SystemClock(), PRODUCTS)
    await import_stock(uow, FakeClock(), "sku,warehouse,bin,quantity\nA1,LON,A-01-01-1,7\n")
    return uow


async def _shop_and_mug(engine: AsyncEngine) -> tuple[SqlUnitOfWork, int]:
    """``_shop``'s unit of work on ``engine`` and the id of its mug (A1), read once."""
    uow = await _shop(engine)
    async with uow.read_only():
        product = await uow.products.get_by_sku("A1")
    assert product is not None and product.id is not None
    return uow, product.id


async def _card(uow: SqlUnitOfWork) -> tuple[str, int, bool]:
    card = await product_card_by_sku(uow, sku="A1", currency="GBP", fallback_currency="GBP")
    return card.product.name, card.available, card.product.listed


async def test_read_only_work_is_served_from_the_cache_and_sees_committed_writes(engine: AsyncEngine) -> None:
    uow = await _shop(engine)
    statements: list[str] = []

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


async def test_a_warm_card_in_stock_sends_no_sql_for_preorders_and_a_new_preorder_is_seen_at_once(
    engine: AsyncEngine,
) -> None:
    """The card asks whether an in-stock product is on preorder (stock that came early is not
    sold before the release): the answer comes from the read cache, not a query a view."""
    uow, mug = await _shop_and_mug(engine)
    today = date(2026, 12, 1)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    async def card() -> tuple[bool, bool]:
        shown = await product_card_by_sku(uow, sku="A1", currency="GBP", fallback_currency="GBP", today=today)
        return shown.in_stock, shown.backorder is not None and shown.backorder.preorder

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        assert await card() == (True, False)
        first = len(statements)
        assert await card() == (True, False)
        assert len(statements) == first  # warm: no SQL at all, the preorder dates included
        async with uow:
            await uow.backorders.set_terms(mug, BackorderTerms(mug, False, None, date(2026, 12, 20)))
            await uow.commit()
        assert await card() == (False, True)  # 7 on the shelf, but a preorder until the 20th
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


async def test_a_write_in_a_transaction_with_a_savepoint_clears_the_cache_when_it_commits(
    engine: AsyncEngine,
) -> None:
    """A released SAVEPOINT (the API's Idempotency-Key claim) is not the commit: the writes
    before and after it are cleared when the transaction itself commits, and a savepoint
    rolled back keeps the notes of what the transaction wrote before it."""
    uow = await _shop(engine)
    assert await _card(uow) == ("Mug", 7, True)
    async with uow:
        async with uow.session.begin_nested():
            await uow.session.execute(update(m.ProductRow).values(name="Big mug"))
        assert await uow.stock.try_reserve(1, 1, 2)
        await uow.commit()
    assert await _card(uow) == ("Big mug", 5, True)

    async with uow:
        assert await uow.stock.try_reserve(1, 1, 1)
        with pytest.raises(RuntimeError):
            async with uow.session.begin_nested():
                await uow.session.execute(update(m.ProductRow).values(name="Lost mug"))
                raise RuntimeError("the savepoint is rolled back")
        await uow.commit()
    assert await _card(uow) == ("Big mug", 4, True)


async def test_a_unit_of_work_left_without_commit_writes_nothing_and_its_connection_serves_the_next(
    engine: AsyncEngine,
) -> None:
    uow = await _shop(engine)
    cache = uow._cache
    assert cache is not None and await _card(uow) == ("Mug", 7, True)
    generation = cache.generation
    async with uow.read_only():
        product = await uow.products.get_by_sku("A1")
    assert product is not None and product.id is not None
    for _ in range(3):  # more times than the pool has idle connections to hide a leftover transaction
        with pytest.raises(RuntimeError):
            async with uow:
                assert await uow.stock.try_reserve(product.id, 1, 5)
                raise RuntimeError("the use case failed after its write")
    assert cache.generation == generation  # nothing committed: nothing cleared
    async with uow._sessions() as session:
        assert await session.scalar(select(m.StockRow.reserved)) == 0
    async with uow:  # the same pooled connections begin and commit cleanly
        assert await uow.stock.try_reserve(product.id, 1, 5)
        await uow.commit()
    assert cache.generation > generation
    assert await _card(uow) == ("Mug", 2, True)


async def test_sqlite_units_begin_run_and_commit_without_the_greenlet_when_nothing_waits(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On embedded SQLite, with an idle pooled connection and the write turn free, a unit's
    first statement (its BEGIN), the rest and its commit all run straight from the coroutine,
    two transactions in one unit too. PostgreSQL always goes through the greenlet."""
    uow = await _shop(engine)
    async with uow.read_only():
        product = await uow.products.get_by_sku("A1")
    assert product is not None and product.id is not None
    hops = _count_greenlet_hops(monkeypatch)
    inline = engine.dialect.name == "sqlite"
    async with uow:
        for _ in range(3):
            assert await uow.stock.try_reserve(product.id, 1, 1)
        assert (IN_LOOP_SQL in uow.session.info) is inline
        await uow.commit()
        assert IN_LOOP_SQL not in uow.session.info  # the transaction is over: the next one begins in the greenlet
        assert await uow.stock.try_reserve(product.id, 1, 1)  # a new transaction in the same unit
        await uow.commit()
    assert hops == ([] if inline else ["_execute"] * 3 + ["commit", "_execute", "commit"])
    async with uow._sessions() as session:
        assert await session.scalar(select(m.StockRow.reserved)) == 4


@pytest.mark.parametrize("committed", [True, False])
async def test_a_session_built_mid_unit_joins_the_transaction_its_core_statements_began(
    engine: AsyncEngine, committed: bool
) -> None:
    """A hold taken with Core statements (on embedded SQLite without a session), then a
    customer added through the ORM (the session is built then): one transaction. A commit keeps
    both and the read cache sees the hold at once; leaving without one keeps neither."""
    uow = await _shop(engine)
    async with uow.read_only():
        product = await uow.products.get_by_sku("A1")
        assert product is not None and product.id is not None
        assert sum(level.available for level in await uow.stock.levels([product.id])) == 7  # now cached
    async with uow:
        assert await uow.stock.try_reserve(product.id, 1, 3)
        added = await uow.customers.add(
            Customer(telegram_id=4242, first_name="Ann", created_at=datetime(2026, 12, 5, tzinfo=UTC))
        )
        if committed:
            await uow.commit()
    async with uow.read_only():
        assert sum(level.available for level in await uow.stock.levels([product.id])) == (4 if committed else 7)
    async with uow._sessions() as session:
        assert await session.scalar(select(m.StockRow.reserved)) == (3 if committed else 0)
        stored = await session.scalars(select(m.CustomerRow.id).where(m.CustomerRow.telegram_id == 4242))
        assert list(stored) == ([added.id] if committed else [])
    assert cast(QueuePool, engine.sync_engine.pool).checkedout() == 0


def _count_greenlet_hops(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What units of work run in SQLAlchemy's greenlet from now on, by name."""
    hops: list[str] = []
    real = greenlet_spawn  # what the module calls, patched there by name

    async def counted(fn: Any, *args: Any, **kwargs: Any) -> Any:
        hops.append(fn.__name__)
        return await real(fn, *args, **kwargs)

    monkeypatch.setattr(async_session_module, "greenlet_spawn", counted)
    monkeypatch.setattr(sql_module, "greenlet_spawn", counted)  # a transaction begun without a session
    return hops


async def test_a_unit_begun_outside_the_greenlet_waits_for_another_process_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer begun straight from its coroutine finds another process (a plain sqlite3
    connection) holding the write lock until it is refused: it is begun again in SQLAlchemy's greenlet,
    waits there without stopping the loop, and its write lands once; its next unit, the lock
    free, begins outside the greenlet again."""
    path = tmp_path / "shop.sqlite3"
    engine = await empty_database(f"sqlite+aiosqlite:///{path}")
    try:
        uow, product_id = await _shop_and_mug(engine)
        hops = _count_greenlet_hops(monkeypatch)
        async with _write_locked_elsewhere(engine, path) as tries, uow:
            assert await uow.stock.try_reserve(product_id, 1, 1)
            await uow.commit()
        assert len(tries) >= 2  # refused while the other held it, then taken
        assert hops == ["_connect_and_begin"]  # begun again in the greenlet, committed outside it
        async with uow:
            assert await uow.stock.try_reserve(product_id, 1, 1)
            await uow.commit()
        assert hops == ["_connect_and_begin"]
        async with uow._sessions() as session:
            assert await session.scalar(select(m.StockRow.reserved)) == 2
    finally:
        await engine.dispose()


async def test_a_unit_begun_outside_the_greenlet_tries_the_lock_once_per_turn_of_the_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each try at another process's write lock blocks the loop for the connection's busy
    timeout (``INLINE_BUSY_TIMEOUT_S``), so tries must have the loop run between them: the try
    made straight from the coroutine (``MustWait``) and the first one made again in the
    greenlet were back to back, one stall of twice the timeout."""
    path = tmp_path / "shop.sqlite3"
    engine = await empty_database(f"sqlite+aiosqlite:///{path}")
    try:
        uow, product_id = await _shop_and_mug(engine)
        turns = [0]
        tried: list[int] = []  # the loop's turn at each try of BEGIN IMMEDIATE
        real = sqlite_inline._Connection.execute

        def execute(self: sqlite3.Connection, sql: str, *args: Any) -> Any:
            if sql == "BEGIN IMMEDIATE":
                tried.append(turns[0])
            return real(self, sql, *args)

        async def count_turns() -> None:
            while True:
                await asyncio.sleep(0)
                turns[0] += 1

        monkeypatch.setattr(sqlite_inline._Connection, "execute", execute)
        counting = asyncio.create_task(count_turns())
        await asyncio.sleep(0)
        try:
            async with _write_locked_elsewhere(engine, path, refusals=2), uow:
                assert await uow.stock.try_reserve(product_id, 1, 1)
                await uow.commit()
        finally:
            counting.cancel()
        assert len(tried) >= 3  # refused at least twice while the lock was held elsewhere
        assert len(set(tried)) == len(tried), tried
    finally:
        await engine.dispose()


async def test_a_cached_stock_entry_expires_after_its_time_to_live(engine: AsyncEngine) -> None:
    uow = await _shop(engine)
    cache = uow._cache
    assert cache is not None
    now = [1000.0]
    cache.clock = lambda: now[0]
    cache.put("levels", 1, ["x"], read_at_generation=cache.generation)
    assert cache.get("levels", 1) == ["x"]
    now[0] += 3  # stock entries live two seconds
    assert cache.get("levels", 1) is None


TWO_PRODUCTS = PRODUCTS + "B2,Bowl,Kitchen,6.00,GBP,,400,,,,A bowl\n"


async def test_browsing_reads_the_catalog_whole_and_a_write_clears_only_the_rows_it_wrote(
    engine: AsyncEngine,
) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    await import_warehouses(uow, WAREHOUSES)
    await import_products(uow, SystemClock(), TWO_PRODUCTS)
    await import_stock(uow, FakeClock(), "sku,warehouse,bin,quantity\nA1,LON,A-01-01-1,7\nB2,LON,A-01-01-2,4\n")
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    async def card(sku: str) -> tuple[str, int]:
        found = await product_card_by_sku(uow, sku=sku, currency="GBP", fallback_currency="GBP")
        return found.product.name, found.available

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        assert await card("A1") == ("Mug", 7)  # loads the catalog and the stock levels whole
        statements.clear()
        assert await card("B2") == ("Bowl", 4)
        with pytest.raises(NotFound):
            await card("ZZ9")  # a complete snapshot knows it has no such product
        assert statements == []

        async with uow._sessions() as session, session.begin():  # a hold on A1 only
            a1 = await session.scalar(select(m.ProductRow.id).where(m.ProductRow.sku == "A1"))
            await session.execute(update(m.StockRow).where(m.StockRow.product_id == a1).values(reserved=2))
        statements.clear()
        assert await card("B2") == ("Bowl", 4)
        assert statements == []  # B2's level survived the write: not even a BEGIN
        assert await card("A1") == ("Mug", 5)
        reads = [s for s in statements if s.startswith("SELECT")]
        assert len(reads) == 1 and "FROM stock" in reads[0]  # one row read back, nothing reloaded

        await import_products(
            uow, SystemClock(), PRODUCTS.splitlines()[0] + "\nC3,Cup,Kitchen,3.00,GBP,,200,,,,A cup\n"
        )
        assert await card("C3") == ("Cup", 0)  # an insert names no row: the catalog is read again
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


async def test_products_changed_since_the_catalog_was_loaded_are_read_back_in_one_query(engine: AsyncEngine) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    await import_products(uow, SystemClock(), TWO_PRODUCTS)
    async with uow.read_only():
        ids = {p.sku: p.id or 0 for p in await uow.products.get_many([1, 2])}  # loads the catalog whole
    async with uow._sessions() as session, session.begin():  # both rows change, by id: two holes
        for product_id in ids.values():
            p = m.ProductRow
            await session.execute(update(p).where(p.id == product_id).values(name=p.name + "!"))
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        async with uow.read_only():
            found = await uow.products.get_many([ids["A1"], ids["B2"], 999])
        assert sorted(p.name for p in found) == ["Bowl!", "Mug!"]  # 999: known absent, skipped
        assert len([s for s in statements if "FROM products" in s]) == 1  # not one query per product
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


def test_a_reader_older_than_a_write_to_its_row_keeps_nothing_of_that_row() -> None:
    cache = ReadCache()
    before = cache.generation
    assert cache.wants_snapshot("levels") and not cache.wants_snapshot("levels")  # one loader at a time
    cache.written({"stock": {1}})  # row 1 changes while the snapshot is being read
    cache.snapshot_done("levels", {1: ["old 1"], 2: ["level 2"]}, read_at_generation=before)
    assert cache.get("levels", 2) == ["level 2"]
    assert cache.get("levels", 1) is None  # a hole: the next reader asks the database
    assert cache.get("levels", 3) is ABSENT  # not in a complete snapshot: no such row
    cache.put("levels", 1, ["old 1"], read_at_generation=before)
    assert cache.get("levels", 1) is None
    cache.put("levels", 1, ["new 1"], read_at_generation=cache.generation)
    assert cache.get("levels", 1) == ["new 1"]
    cache.written({"stock": ALL_ROWS})  # a write that named no rows clears everything
    assert cache.get("levels", 2) is None and cache.wants_snapshot("levels")
    cache.snapshot_abandoned("levels")  # a failed load lets the next reader try
    assert cache.wants_snapshot("levels")
    cache.snapshot_done("levels", None, read_at_generation=cache.generation)  # too big to hold
    assert not cache.wants_snapshot("levels") and cache.get("levels", 5) is None


def test_many_keys_read_at_once_are_answered_as_each_alone() -> None:
    now = [100.0]
    cache = ReadCache(clock=lambda: now[0])

    def each_alone(keys: list[int]) -> list[object]:
        return [cache.get("levels", key) for key in keys]

    keys = [1, 2, 3, 4]
    assert cache.get_many("levels", keys) == each_alone(keys) == [None] * 4  # nothing loaded yet
    assert cache.wants_snapshot("levels")
    cache.snapshot_done("levels", {1: ["level 1"], 2: ["level 2"]}, read_at_generation=cache.generation)
    # nothing written or kept beside the snapshot yet: its rows as they are, a key it lacks absent
    assert cache.get_many("levels", keys) == each_alone(keys) == [["level 1"], ["level 2"], ABSENT, ABSENT]
    cache.written({"stock": {2}})  # a hole
    cache.put("levels", 4, ["level 4"], read_at_generation=cache.generation)  # no entry for 4: hole-free put
    assert cache.get_many("levels", keys) == each_alone(keys) == [["level 1"], None, ABSENT, ["level 4"]]
    hits, misses = cache.hits, cache.misses
    cache.get_many("levels", keys)
    assert (cache.hits - hits, cache.misses - misses) == (3, 1)
    now[0] += 10_000  # the snapshot and the entry ran out
    assert cache.get_many("levels", keys) == each_alone(keys) == [None] * 4


def test_writes_name_their_rows_by_the_tables_key_column() -> None:
    assert _rows_named("stock", [{"product_id_1": 5, "warehouse_id_1": 1, "reserved": 2}]) == {5}
    assert _rows_named("stock", [{"stock_product_id": 5}, {"product_id": 6}]) == {5, 6}
    assert _rows_named("stock", [{"product_id_1": [7, 8]}]) == {7, 8}
    assert _rows_named("products", [{"id_1": 3}]) == {3}
    assert _rows_named("products", [{"sku": "C3", "name": "Cup", "category_id": 1}]) is ALL_ROWS
    assert _rows_named("stock", [{"warehouse_id_1": 1}]) is ALL_ROWS
    assert _rows_named("customers", [{"customers_id": 1, "phone": "+44"}]) == {1}
    assert _rows_named("reservations", [{"id_1": 1}]) is ALL_ROWS  # not a keyed table


async def test_a_cached_read_builds_no_session_and_leaves_nothing_for_the_garbage_collector(
    engine: AsyncEngine,
) -> None:
    uow = await _shop(engine)
    await _card(uow)
    gc.collect()
    gc.disable()
    try:
        for _ in range(20):
            async with uow.read_only():
                assert await uow.products.get_by_sku("A1") is not None
                assert uow._session is not None and uow._session.built is None
        assert gc.collect() == 0  # every finished unit of work was freed by reference counting
    finally:
        gc.enable()


TEES = (
    "sku,name,category,price,currency,barcode,weight_g,length_mm,width_mm,height_mm,description,parent,options,options_ru\n"
    "TEE-S,Tee,Clothes,10.00,GBP,,200,,,,,TEE,Size=S,Размер=S\n"  # a value in Russian: the family entry holds it too
    "TEE-M,Tee,Clothes,10.00,GBP,,200,,,,,TEE,Size=M,\n"
    "TEE-L,Tee,Clothes,10.00,GBP,,200,,,,,TEE,Size=L,\n"
)


async def test_the_catalog_snapshot_keeps_each_repeated_value_once(engine: AsyncEngine) -> None:
    uow = SqlUnitOfWork(session_factory(engine, base_currency="GBP"))
    await import_products(uow, SystemClock(), TEES.replace("TEE-L,Tee,Clothes,10.00", "TEE-L,Tee,Clothes,12.00"))
    async with uow.read_only():
        ids = await uow.products.ids_by_sku(["TEE-S", "TEE-M", "TEE-L"])
        small, medium, large = [await uow.products.get(ids[sku]) for sku in ("TEE-S", "TEE-M", "TEE-L")]
    assert small and medium and large
    assert (medium.name, medium.category, medium.parent, medium.option_names) == ("Tee", "Clothes", "TEE", ("Size",))
    assert medium.prices["GBP"] == Money(1000, "GBP") and large.prices["GBP"] == Money(1200, "GBP")
    # handed-out copies share the snapshot's immutable values: one object for each repeated one
    assert small.name is medium.name and small.category is medium.category and small.parent is medium.parent
    assert small.option_names is medium.option_names is large.option_names
    assert small.prices["GBP"] is medium.prices["GBP"] and small.prices is not medium.prices
    assert small.options is not medium.options


async def test_a_loaded_snapshot_answers_from_its_rows_with_no_entry_copied_per_row(engine: AsyncEngine) -> None:
    uow = SqlUnitOfWork(session_factory(engine, base_currency="GBP"))
    await import_products(uow, SystemClock(), TEES)
    card = await product_card_by_sku(uow, sku="TEE-M", currency="GBP", fallback_currency="GBP")
    async with uow.read_only():
        ids = await uow.products.ids_by_sku(["TEE-S", "TEE-M"])
        assert await uow.products.get(ids["TEE-S"]) is not None and await uow.products.get(10**6) is None
    assert card.product.id == ids["TEE-M"] and [row.name for row in card.options] == ["Size"]
    cache = uow._cache
    assert cache is not None
    assert len(cache._sections["catalog"].base or {}) >= 3 * 2  # an id and a SKU a product, and more
    for section in ("catalog", "levels"):  # this stock snapshot is a complete, empty one
        found = cache._sections[section]
        assert found.complete_until > 0 and found.entries == {}


async def test_a_variant_written_in_this_process_changes_its_siblings_at_once(engine: AsyncEngine) -> None:
    uow = SqlUnitOfWork(session_factory(engine, base_currency="GBP"))
    await import_products(uow, SystemClock(), TEES)
    async with uow.read_only():
        ids = await uow.products.ids_by_sku(["TEE-S", "TEE-M", "TEE-L"])
        assert [s.options for s in await uow.products.siblings("TEE")] == [("S",), ("M",), ("L",)]
        assert [s.words for s in await uow.products.siblings("TEE")] == [(("ru", ("S",)),), (), ()]
    statements: list[str] = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *args: statements.append(str(args[2])))
    async with uow.read_only():  # from the snapshot's family entry, no statement
        assert [s.id for s in await uow.products.siblings("TEE")] == [ids["TEE-S"], ids["TEE-M"], ids["TEE-L"]]
    assert statements == []
    cache = uow._cache
    assert cache is not None
    family = cache.get("catalog", ("family", "TEE"))
    for _ in range(5):  # a tuple is untracked a collection after its members are (its words lie 3 tuples deep)
        gc.collect()
    assert type(family) is tuple and not gc.is_tracked(family)  # numbers, strings and booleans: never scanned
    assert not any(gc.is_tracked(member) for member in family)
    async with uow:  # a write naming its row: that product becomes a hole, the rest stays cached
        hidden = ProductStatus.HIDDEN.value
        await uow.products.s.execute(update(m.ProductRow).where(m.ProductRow.id == ids["TEE-M"]).values(status=hidden))
        await uow.products.s.execute(update(m.ProductRow).where(m.ProductRow.id == ids["TEE-L"]).values(option1="XL"))
        await uow.commit()
    assert cache.get("catalog", ("family", "TEE")) is family  # still there, no longer to be trusted
    async with uow.read_only():
        assert [(s.options, s.listed) for s in await uow.products.siblings("TEE")] == [
            (("S",), True),
            (("M",), False),
            (("XL",), True),
        ]


async def test_each_unit_of_work_builds_the_repositories_it_uses_on_its_own_session(engine: AsyncEngine) -> None:
    uow = await _shop(engine)
    async with uow.read_only():
        products = uow.products
        assert uow.products is products  # built on first use, once per unit
        assert "orders" not in vars(uow)  # not used, not built
    with pytest.raises(RuntimeError, match="not open"):
        _ = uow.products
    async with uow:
        assert uow.products is not products and uow.products.s is not products.s


async def test_loading_a_snapshot_lets_other_updates_run(engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Building a big catalog takes a while (~0.1 s for 10,000 products): it yields to the
    event loop every ``SNAPSHOT_CHUNK`` products instead of stalling every other chat."""
    uow = SqlUnitOfWork(session_factory(engine))
    await import_warehouses(uow, WAREHOUSES)
    rows = "".join(f"S{i},Thing {i},Kitchen,1.00,GBP,,100,,,,\n" for i in range(7))
    await import_products(uow, SystemClock(), PRODUCTS.splitlines()[0] + "\n" + rows)
    monkeypatch.setattr(catalog, "SNAPSHOT_CHUNK", 2)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    ticking = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    try:
        before = ticks
        async with uow.read_only():
            assert await uow.products._load_catalog()
        assert ticks - before >= 3  # 7 products, a yield after every 2
        async with uow.read_only():
            assert (await uow.products.get_by_sku("S6")) is not None
    finally:
        ticking.cancel()


async def test_saving_one_customer_keeps_the_others_cached(engine: AsyncEngine) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    clock = FakeClock()
    for telegram_id in (71, 72):
        await ensure_customer(uow, clock, telegram_id=telegram_id, first_name=f"C{telegram_id}")
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    async def phone_of(telegram_id: int) -> str | None:
        async with uow.read_only():
            found = await uow.customers.get_by_telegram_id(telegram_id)
            assert found is not None
            return found.phone

    for telegram_id in (71, 72):
        await phone_of(telegram_id)  # both cached
    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        async with uow:
            await remember_choice(uow, 71, language="ru")
            await uow.commit()
        statements.clear()
        await phone_of(72)
        assert statements == []  # the other customer is still cached
        async with uow.read_only():
            refreshed = await uow.customers.get_by_telegram_id(71)
        assert refreshed is not None and refreshed.language == "ru"
        assert any("FROM customers" in s for s in statements)  # the saved one is read again
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


async def test_one_customer_s_cart_change_keeps_other_customers_carts_and_holds_cached(engine: AsyncEngine) -> None:
    uow = await _shop(engine)
    clock = FakeClock()
    shoppers = [
        await ensure_customer(uow, clock, telegram_id=telegram_id, first_name=f"C{telegram_id}")
        for telegram_id in (81, 82)
    ]
    for shopper in shoppers:
        await set_cart_quantity(uow, clock, customer_id=shopper.id or 0, product_id=1, quantity=1, hold_minutes=30)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    async def cart_of(customer_id: int) -> tuple[dict[int, int], int]:
        async with uow.read_only():
            lines = await uow.carts.lines(customer_id)
            held = sum(h.quantity for h in await uow.stock.customer_holds(customer_id))
            return lines, held

    for shopper in shoppers:
        await cart_of(shopper.id or 0)  # both cached
    first, second = (s.id or 0 for s in shoppers)
    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        await set_cart_quantity(uow, clock, customer_id=first, product_id=1, quantity=3, hold_minutes=30)
        statements.clear()
        assert await cart_of(second) == ({1: 1}, 1)
        assert statements == []  # the other shopper's cart and holds are still cached
        assert await cart_of(first) == ({1: 3}, 3)  # the changed cart is read again
        assert any("FROM cart_lines" in s for s in statements) and any("FROM reservations" in s for s in statements)
        statements.clear()
        await set_cart_quantity(uow, clock, customer_id=first, product_id=1, quantity=0, hold_minutes=30)
        assert await cart_of(first) == ({}, 0)  # a hold given back by its row id clears that shopper too
        statements.clear()
        assert await cart_of(second) == ({1: 1}, 1)
        assert statements == []  # ... and only that shopper
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


async def test_a_connection_is_back_in_the_pool_as_its_block_ends_on_embedded_sqlite(engine: AsyncEngine) -> None:
    """``writing`` and ``connected`` give an embedded-SQLite connection back before the
    coroutine yields again: SQLAlchemy's own close, a task queued behind every ready one,
    kept it out meanwhile and the pool opened others. PostgreSQL's close awaits the server
    (what was ready runs first, the connection still out)."""
    pool = cast(QueuePool, engine.sync_engine.pool)
    loop = asyncio.get_running_loop()
    seen: list[int] = []
    async with writing(engine) as connection:
        await connection.execute(text("SELECT 1"))
        loop.call_soon(lambda: seen.append(pool.checkedout()))  # runs when this task next yields
    async with connected(engine) as connection:
        await connection.execute(text("SELECT 1"))
        loop.call_soon(lambda: seen.append(pool.checkedout()))
    await asyncio.sleep(0)
    assert seen == ([0, 0] if engine.dialect.name == "sqlite" else [1, 1])
    assert pool.checkedout() == 0
