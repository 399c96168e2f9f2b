"""Executing SQL for the repositories: Core statements on the unit of work's connection, upserts, chunking."""

from __future__ import annotations

import asyncio
import sqlite3
from collections import namedtuple
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from functools import partial
from operator import itemgetter
from typing import Any, TypeVar, cast

from sqlalchemy import Executable, Insert, Table, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, CursorResult, Engine, Row
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.util import greenlet_spawn

from storage.cache import WRITES_ROWS
from storage.db import DIALECT, IN_LOOP_SQL, READ_ONLY_OPTION, WRITE_TURNS, WriteInReadOnlyWork, note_write
from storage.sqlite_inline import DRIVER as INLINE_DRIVER
from storage.write_turns import LOCKED_RETRY_S, MustWait, WriteTurns, has_idle, turn_first

T = TypeVar("T")
E = TypeVar("E", bound=Executable)


async def run(
    session: AsyncSession, statement: Executable, params: Any = None, *, rows: set[Hashable] | None = None
) -> CursorResult[Any]:
    """A Core write on the unit of work's connection. The hot paths (holds, the cart,
    placing an order) use statements built once at import with named parameters: the
    ORM's per-statement work (building, cache key, identity map, flush) cost ~0.1 ms a
    statement, and a checkout runs dozens. Parameter names follow the columns they bind,
    which is how ``storage.db`` sees which rows a write named (``KEY_COLUMN``); a write
    whose parameters do not name them (a delete by row id) says so with ``rows``.

    On embedded SQLite, once the transaction has its connection (its first statement took
    it, and the BEGIN, inside SQLAlchemy's greenlet, where waiting is possible), the next
    statements run straight from here: they are ``sqlite3`` calls in this thread either
    way, and the greenlet round trip cost more than the statement (``storage.sqlite_inline``)."""
    connection = _in_loop(session)
    if connection is None:
        connection = await _begun_without_session(session)
    if connection is not None:
        if (direct := _direct(connection, statement, params, rows)) is not None:
            return cast(CursorResult[Any], direct)
        return cast(CursorResult[Any], _execute_on(connection, statement, params, rows))
    result = cast(CursorResult[Any], await _first(session, _execute, statement, params, rows))
    if isinstance(statement, Insert) and isinstance(params, list) and len(params) >= ANALYZE_AFTER_ROWS:
        await _analyze_if_grown(session, statement.table.name, len(params))
    return result


# PostgreSQL plans a prepared statement (asyncpg prepares every one) from the table's
# statistics, and after five runs may keep a generic plan, which it makes again only when the
# table's definition or statistics change: the size of the table does not. A new shop's first
# products file looked up its 33,200 SKUs while ``products`` was empty, 900 a statement, and
# the plans kept (a sequential scan, costed for 40 rows) served catalog_bulk's re-read by SKU
# in the same transaction and the stock file's lookup in the next: every 900 SKUs scanned all
# 33,200 rows, ~0.5 s (EXPLAIN ANALYZE; 66 such statements). Autovacuum analyses only after
# the commit, at its next pass (up to a minute). So an INSERT of ``ANALYZE_AFTER_ROWS`` rows
# or more that adds at least ``ANALYZE_GROWTH`` of the rows the statistics counted
# (``pg_class.reltuples``; -1: never analysed) analyses the table at once, in the transaction.
# The rules it relies on: ANALYZE in a transaction samples the transaction's own uncommitted
# rows, and new statistics invalidate the cached plans that read the table, for this
# transaction's next statements and, once committed, every connection's. The 33,200-row file
# took 25–26 s and its stock file 22–27 s; now 4.8 s and 3.9–4.0 s (no statement over
# 0.3 s). ANALYZE samples at most 30,000 rows (~35 ms for those products); the growth rule
# spares a large table a sample for a small file. Its lock, held to the commit, stops only
# autovacuum and other ANALYZEs of the table. The counts it puts in ``pg_class`` stay if the
# import rolls back (an in-place update) until autovacuum's next. SQLite needs nothing: it
# keeps no statistics unless ``ANALYZE`` is run (Ordergram never runs it), so its plans do
# not depend on what a table held when they were made, and an index serves the lookup.
ANALYZE_AFTER_ROWS = 1_000
ANALYZE_GROWTH = 0.2
_COUNTED_ROWS = text("SELECT reltuples FROM pg_class WHERE oid = to_regclass(:name)")


async def _analyze_if_grown(session: AsyncSession, table: str, inserted: int) -> None:
    """``ANALYZE`` a PostgreSQL table that an INSERT just grew by much (see ``ANALYZE_AFTER_ROWS``)."""
    if session.info.get(DIALECT) != "postgresql":
        return
    counted = await fetch(session, _COUNTED_ROWS, {"name": table})
    if not counted or inserted < ANALYZE_GROWTH * counted[0][0]:
        return
    await run(session, text(f'ANALYZE "{table}"'))


async def run_many(session: AsyncSession, statement: UpdateBase, rows: Sequence[Mapping[str, Any]]) -> int:
    """``run`` of one INSERT, UPDATE or DELETE for many rows (an import's hundreds of thousands),
    each with the same keys; the count of rows it wrote. On embedded SQLite, inside the
    transaction (see ``run``), the rows go to ``sqlite3``'s executemany as tuples: SQLAlchemy's
    work per row (parameters built, types processed, the read cache's notes) cost twice what
    SQLite itself did for a stock file's 1.5 million rows. The statement is compiled once, a
    column's type processes each distinct value once (a file's rows share their timestamp), and
    the rows are noted for the read cache as any write is (``storage.db.note_write``) — a chunk
    of ``LOOP_TURN_ROWS`` at a time, each made ready just before it is sent, so the loop gets a
    turn between chunks (made ready all at once, 100,000 rows held it ~0.5 s)."""
    if not rows:
        return 0
    connection = _in_loop(session)
    driver = _driver_statement(connection, statement, rows[0]) if connection is not None else None
    if connection is None or driver is None:  # PostgreSQL, or what the driver path does not cover
        return (await run(session, statement, list(rows))).rowcount
    sql, convert = driver
    if connection.get_execution_options().get(READ_ONLY_OPTION, False):
        raise WriteInReadOnlyWork(sql)
    table = cast(Table, cast(Any, statement).table)
    written = 0
    for start in range(0, len(rows), LOOP_TURN_ROWS):  # SQLite runs in the loop's thread: others get turns
        if start:
            await asyncio.sleep(0)
        chunk = rows[start : start + LOOP_TURN_ROWS]
        note_write(connection, table.name, chunk, inserted=isinstance(statement, Insert))
        written += int(connection.exec_driver_sql(sql, convert(chunk)).rowcount)
    return written


def _driver_statement(
    connection: Connection, statement: UpdateBase, first: Mapping[str, Any]
) -> tuple[str, Callable[[Sequence[Mapping[str, Any]]], list[tuple[Any, ...]]]] | None:
    """The SQL, and what turns rows with ``first``'s keys into the driver's tuples; None where a
    value needs more than a column's type to be worked out (a default computed per row, an
    expanding IN)."""
    keys = list(first)
    dialect = connection.dialect
    compiled = statement.compile(dialect=dialect, column_keys=keys, for_executemany=True)
    if not isinstance(compiled, SQLCompiler) or compiled.positiontup is None or compiled.literal_execute_params:
        return None
    if compiled.post_compile_params:
        return None
    defaults = {c.key: c.default for c in compiled.insert_prefetch}
    defaults.update({c.key: c.onupdate for c in compiled.update_prefetch})
    taken: list[tuple[str, Callable[[Any], Any] | None]] = []  # from each row, in order
    fixed: list[tuple[int, Any]] = []  # (position, value) the same for every row
    for position, name in enumerate(compiled.positiontup):
        bind = compiled.binds[name]
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)  # the dialect's own type, as SQLAlchemy uses
        if name in first:
            taken.append((name, process))
            continue
        if name in defaults:
            default = defaults[name]
            if default is None or not default.is_scalar:
                return None
            value = cast(Any, default).arg
        else:
            value = bind.effective_value
        fixed.append((position, process(value) if process else value))
    get = itemgetter(*(name for name, _ in taken))
    processed: list[tuple[int, Callable[[Any], Any], dict[Any, Any]]] = [
        (i, to_driver, {}) for i, (_, to_driver) in enumerate(taken) if to_driver is not None
    ]

    def convert(rows: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
        parameters: list[tuple[Any, ...]] = []
        for row in rows:
            got = get(row)
            values = list(got) if len(taken) > 1 else [got]
            for i, to_driver, seen in processed:
                value = values[i]
                try:
                    values[i] = seen[value]
                except KeyError:
                    values[i] = seen[value] = to_driver(value)
                except TypeError:  # not hashable
                    values[i] = to_driver(value)
            for position, value in fixed:
                values.insert(position, value)
            parameters.append(tuple(values))
        return parameters

    return compiled.string, convert


# Embedded SQLite runs statements in the event loop's thread (``run``): a statement over this
# many rows (an import's chunks) is followed by a turn for everything else the loop has waiting,
# so a 50,000-row products file does not keep every customer's update waiting for its seconds.
LOOP_TURN_ROWS = 500


async def fetch(session: AsyncSession, statement: Executable, params: Any = None) -> Sequence[Row[Any]]:
    """A Core read, as ``run``; the rows are fetched before it returns (one hop into
    SQLAlchemy's greenlet per statement at most, not one per call on the result)."""
    connection = _in_loop(session)
    if connection is None:
        connection = await _begun_without_session(session)
    if connection is not None:
        if (direct := _direct(connection, statement, params, None)) is not None:
            found = cast(Sequence[Row[Any]], direct.all())
        else:
            found = connection.execute(statement, params).all()
        if len(found) >= LOOP_TURN_ROWS:  # an import's chunk of a big read: let others' updates in
            await asyncio.sleep(0)
        return found
    return cast(Sequence[Row[Any]], await _first(session, _fetch, statement, params))


async def _first(session: AsyncSession, statement_on: Callable[..., T], *args: Any) -> T:
    """A unit of work's first statement (it begins the transaction). A writer on embedded
    SQLite first waits for its process's turn at the write lock holding no connection
    (``storage.write_turns.WriteTurns.reserve``: the rule and what it saves).

    Performance rule: on embedded SQLite a first statement that will wait for nothing — an
    idle connection in the pool and, for a writer, this process's turn at the write lock —
    is begun straight from the coroutine, not in SQLAlchemy's greenlet (a hop there and back
    was ~20 µs of a unit's ~150 µs of transaction work). Waiting needs the greenlet: if the
    BEGIN finds another process holding the write lock it raises ``MustWait`` before
    anything was begun, and the statement is begun again there after a pause: that try
    blocked the loop for the busy timeout already, and one made again at once doubled it."""
    turns: WriteTurns | None = session.sync_session.info.get(WRITE_TURNS)
    bind = session.sync_session.bind
    in_greenlet = partial(session.run_sync, statement_on, *args)
    if isinstance(bind, Connection) and bind.dialect.driver == INLINE_DRIVER:
        # A session that joined a transaction begun without it, beginning its next one on the
        # same connection: its turn (``take``) and its BEGIN may have to wait.
        return await _here_else_in_greenlet(partial(_in_coroutine, session, statement_on, args), in_greenlet)
    if not isinstance(bind, Engine):  # (no IN_LOOP_SQL yet: no connection yet)
        return await session.run_sync(statement_on, *args)
    if _read_only(bind):
        if bind.dialect.driver == INLINE_DRIVER and has_idle(bind.pool):
            return _in_coroutine(session, statement_on, args)
        return await session.run_sync(statement_on, *args)
    async with turn_first(turns, bind.pool) as reserved:
        if reserved and has_idle(bind.pool):  # (turns exist only on embedded SQLite)
            return await _here_else_in_greenlet(partial(_in_coroutine, session, statement_on, args), in_greenlet)
        return await in_greenlet()


async def _here_else_in_greenlet(here: Callable[[], T], in_greenlet: Callable[[], Awaitable[T]]) -> T:
    """``here()`` straight from the coroutine; if its BEGIN would have to wait (``MustWait``,
    raised before anything began), ``in_greenlet()`` after a pause: the refused try blocked the
    loop for the busy timeout already, and one made again at once would double that."""
    try:
        return here()
    except MustWait:
        await asyncio.sleep(LOCKED_RETRY_S)  # the loop runs between two tries
    return await in_greenlet()


def _in_coroutine(session: AsyncSession, statement_on: Callable[..., T], args: tuple[Any, ...]) -> T:
    return statement_on(session.sync_session, *args)


def _in_loop(session: Any) -> Connection | None:
    """The embedded-SQLite connection the unit's open transaction holds, if any: the one begun
    without a session (``storage.uow``'s lazy session says, without building one), else the
    session's."""
    holding = getattr(session, "in_loop_connection", None)
    if holding is not None:
        return cast(Connection | None, holding())
    return cast(Connection | None, session.sync_session.info.get(IN_LOOP_SQL))


async def _begun_without_session(session: Any) -> Connection | None:
    """On embedded SQLite, a unit of work that has not built its ORM session begins its
    transaction on a pooled connection of its own, without one: None where that does not apply
    (PostgreSQL, a built session). The session is built only if the unit then needs the ORM,
    and joins this transaction (``storage.uow``).

    Performance rule: SQLAlchemy's session costs more than the transaction it runs — an
    empty write unit took ~145 µs through it against ~30 µs for the same connection, BEGIN
    and COMMIT in Core — and the hot units (a hold, the cart, the inbox mark, most reads that
    miss the cache) send only Core statements. As in ``_first``: a BEGIN that will wait for
    nothing is made straight from the coroutine, one that would (a connection to be made,
    the turn, another process's write lock) in SQLAlchemy's greenlet."""
    engine = getattr(session, "engine_without_session", None)
    if engine is None:
        return None
    sync = engine.sync_engine
    if _read_only(sync):
        connection = _connect_and_begin(sync) if has_idle(sync.pool) else await greenlet_spawn(_connect_and_begin, sync)
    else:
        in_greenlet = partial(greenlet_spawn, _connect_and_begin, sync)
        async with turn_first(session.turns, sync.pool) as reserved:
            if reserved and has_idle(sync.pool):
                connection = await _here_else_in_greenlet(partial(_connect_and_begin, sync), in_greenlet)
            else:
                connection = await in_greenlet()
    session.begun(connection)
    return connection


def _connect_and_begin(engine: Engine) -> Connection:
    connection = engine.connect()
    try:
        connection.begin()
    except BaseException:
        connection.close()
        raise
    return connection


def _read_only(bind: Engine) -> bool:
    return bool(bind.get_execution_options().get(READ_ONLY_OPTION, False))


# ---- the driver path: hot statements straight to sqlite3 ----
#
# The rule: a statement marked ``direct`` (built once at import, with named parameters) runs,
# on embedded SQLite inside a transaction (its first statement too), as the SQL SQLAlchemy compiled for it,
# with the parameters and result columns processed by the same type processors SQLAlchemy
# uses, compiled once per set of parameter names. SQLAlchemy's work per execution (cache key,
# execution context, result metadata, events) cost ~50 µs a statement against SQLite's ~10;
# an /add runs eight. What SQLAlchemy did that matters is kept: the ``before_cursor_execute``
# listeners are called (statement counts, tests), a write is refused in read-only work and
# noted for the read cache as ``storage.db._track_writes`` notes it, and a statement the
# driver refuses (a constraint) is run again through SQLAlchemy (SQLite undoes a failed
# statement whole), which raises its own error as before. What the path cannot compile the
# same way (an expanding IN, a default computed per row) goes through SQLAlchemy.

_DIRECT: dict[int, Executable] = {}  # id -> the statement (kept: its id then stays its own)
_PLANS: dict[tuple[int, tuple[str, ...]], _Plan | None] = {}


def direct(statement: E) -> E:
    """Mark a statement built once at import for the driver path on embedded SQLite."""
    _DIRECT[id(statement)] = statement
    return statement


class _Plan:
    __slots__ = ("fixed", "inserted", "key", "locks", "results", "row", "sql", "table", "taken", "writes")

    def __init__(self, compiled: SQLCompiler, params: Mapping[str, Any], dialect: Any) -> None:
        self.sql: str = compiled.string
        defaults = {c.key: c.default for c in compiled.insert_prefetch}
        self.taken: list[tuple[str, Callable[[Any], Any] | None]] = []  # each bind, in order: given
        self.fixed: dict[str, Any] = {}  # or the same every time (a LIMIT, a scalar default)
        assert compiled.positiontup is not None
        for name in compiled.positiontup:
            bind = compiled.binds[name]
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if name not in params:
                default = defaults.get(name)
                if default is not None and not default.is_scalar:
                    raise _NotDirect
                self.fixed[name] = cast(Any, default).arg if default is not None else bind.effective_value
            self.taken.append((name, process))
        columns = compiled._result_columns
        self.results = [c.type._cached_result_processor(dialect, None) for c in columns]
        keys = [c.keyname for c in columns]
        self.row: Any = namedtuple("Row", keys) if keys else None
        self.writes = compiled.isinsert or compiled.isupdate or compiled.isdelete
        self.locks = getattr(compiled.statement, "_for_update_arg", None) is not None  # refused in read-only work
        self.inserted = compiled.isinsert
        table = getattr(compiled.statement, "table", None) if self.writes else None
        self.table: str | None = table.name if table is not None else None
        primary = list(table.primary_key.columns) if table is not None else []
        self.key = primary[0].key if len(primary) == 1 else None  # for ``inserted_primary_key``


class _NotDirect(Exception):
    """The statement needs more than a compiled string and type processors."""


class _DirectResult:
    """What the repositories read of a ``CursorResult``."""

    __slots__ = ("_rows", "inserted_primary_key", "rowcount")

    def __init__(self, rows: list[Any], rowcount: int, inserted_primary_key: tuple[Any, ...]) -> None:
        self._rows, self.rowcount, self.inserted_primary_key = rows, rowcount, inserted_primary_key

    def all(self) -> list[Any]:
        return self._rows


def _plan(connection: Connection, statement: Executable, params: Mapping[str, Any]) -> _Plan | None:
    key = (id(statement), tuple(params))
    try:
        return _PLANS[key]
    except KeyError:
        pass
    dialect = connection.dialect
    try:
        compiled = cast(Any, statement).compile(dialect=dialect, column_keys=list(params))
    except SQLAlchemyError:  # SQLAlchemy's own path then raises it where it always did
        _PLANS[key] = None
        return None
    plan = None
    plain = not (compiled.literal_execute_params or compiled.post_compile_params)
    if isinstance(compiled, SQLCompiler) and compiled.positiontup is not None and plain:
        try:
            plan = _Plan(compiled, params, dialect)
        except (_NotDirect, ValueError, TypeError):  # a default computed per row; keys namedtuple refuses
            plan = None
    _PLANS[key] = plan
    return plan


def _direct(
    connection: Connection, statement: Executable, params: Any, rows: set[Hashable] | None
) -> _DirectResult | None:
    if id(statement) not in _DIRECT or (params is not None and not isinstance(params, Mapping)):
        return None
    given: Mapping[str, Any] = params or {}
    plan = _plan(connection, statement, given)
    if plan is None:
        return None
    named = {name: given[name] if name in given else plan.fixed[name] for name, _ in plan.taken}
    values = tuple(process(named[name]) if process else named[name] for name, process in plan.taken)
    if (plan.writes or plan.locks) and connection.get_execution_options().get(READ_ONLY_OPTION, False):
        raise WriteInReadOnlyWork(plan.sql)
    sqlite = connection.connection.driver_connection
    assert sqlite is not None
    cursor = sqlite.cursor()
    if connection._has_events or connection.engine._has_events:
        connection.dispatch.before_cursor_execute(connection, cursor, plan.sql, values, None, False)
    try:
        cursor.execute(plan.sql, values)
        fetched = cursor.fetchall() if plan.row is not None else []
    except sqlite3.Error:
        cursor.close()
        return None  # SQLite undid the statement: SQLAlchemy runs it again and raises its own error
    rowcount, last = cursor.rowcount, cursor.lastrowid
    cursor.close()
    if plan.writes and plan.table is not None:
        note_write(connection, plan.table, [named], inserted=plan.inserted, named=rows)
    found: list[Any] = []
    if plan.row is not None:
        make, processors = plan.row._make, plan.results
        if any(processors):
            found = [make([p(v) if p else v for p, v in zip(processors, row, strict=True)]) for row in fetched]
        else:
            found = [make(row) for row in fetched]
    primary = (given.get(plan.key, last),) if plan.inserted and plan.key is not None else ()
    return _DirectResult(found, rowcount, primary)


def _execute(session: Session, statement: Executable, params: Any, rows: set[Hashable] | None) -> Any:
    connection = session.connection()  # a transaction's first statement: it begins it
    direct = _direct(connection, statement, params, rows) if IN_LOOP_SQL in session.info else None
    return direct if direct is not None else _execute_on(connection, statement, params, rows)


def _execute_on(connection: Connection, statement: Executable, params: Any, rows: set[Hashable] | None) -> Any:
    options = {WRITES_ROWS: rows} if rows is not None else None
    return connection.execute(statement, params, execution_options=options)


def _fetch(session: Session, statement: Executable, params: Any) -> Any:
    connection = session.connection()  # as ``_execute``
    direct = _direct(connection, statement, params, None) if IN_LOOP_SQL in session.info else None
    return direct.all() if direct is not None else connection.execute(statement, params).all()


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


_INSERT_FOR: dict[str, Any] = {
    "sqlite": sqlite_insert,
    "postgresql": postgresql_insert,
}  # INSERTs that take ON CONFLICT


async def _upsert(
    session: AsyncSession, model: Any, values: dict[str, Any], key: str, *, returning: str | None = None
) -> Any:
    """Insert, or update the row with the same ``key``, in one statement: processes that
    start together (two bots with the same ``ADMIN_IDS``, on a new database) write the same
    row at once, and get-then-insert made all but one fail on PostgreSQL."""
    table = _table(model)
    statement = _INSERT_FOR[session.info[DIALECT]](table).values(**values)
    changed = {name: value for name, value in values.items() if name != key}
    statement = statement.on_conflict_do_update(index_elements=[table.c[key]], set_=changed)
    if returning is None:
        await run(session, statement)
        return None
    return (await fetch(session, statement.returning(table.c[returning])))[0][0]


async def insert_if_missing(session: AsyncSession, model: Any, values: dict[str, Any]) -> bool:
    """Insert the row unless one with the same key is there (``ON CONFLICT DO NOTHING``): two
    transactions making the same row at once (two staff booking a new product's first goods)
    both get it; get-then-insert made the second fail on PostgreSQL (its unique key). False:
    the row was there (on PostgreSQL, once the one making it meanwhile committed)."""
    statement = _INSERT_FOR[session.info[DIALECT]](_table(model)).values(**values).on_conflict_do_nothing()
    return bool((await run(session, statement)).rowcount)


def _chunks(items: Sequence[T], size: int = 900) -> list[Sequence[T]]:
    """SQLite limits bound parameters per statement; stay well under it."""
    return [items[i : i + size] for i in range(0, len(items), size)]
