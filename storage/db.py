"""Engines for SQLite (embedded default) and PostgreSQL (scale-out), chosen by URL."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from functools import cache
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import TextClause, TextualSelect, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, InvalidatePoolError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session

from storage.cache import ALL_ROWS, KEY_COLUMN, WRITES_ROWS, ReadCache
from storage.sqlite_inline import DRIVER as INLINE_DRIVER
from storage.sqlite_inline import SQLiteDialect_inline, inline_creator, inline_url
from storage.write_turns import WriteTurns, begin_immediate, turn_first

READ_ONLY_OPTION = "ordergram_read_only"

WRITTEN_TABLES = "ordergram_written_tables"  # in Connection.info: table -> rows this transaction wrote

# In Connection.info: this transaction inserted outbox rows, new messages to send. Only an
# insert wakes the notifier: its own writes to the outbox (a claim, even of nothing, a sent
# mark, a retry) woke it too, and each pass then woke the next — ~500 empty claims a second,
# an idle bot's whole core (bench/bot_throughput_oop.py).
NEW_MESSAGES = "ordergram_new_messages"

# In Session.info while its transaction holds an embedded-SQLite connection, that Connection:
# statements can then run on it straight from the coroutine (``storage.repositories.sql.run``).
IN_LOOP_SQL = "ordergram_in_loop_sql"

# In the sessions' info on embedded SQLite: the engine's ``WriteTurns`` (``reserve`` before a
# writer's first statement).
WRITE_TURNS = "ordergram_write_turns"

# Connections an embedded SQLite engine keeps. Every update that misses the read cache holds
# one across the loop turn its first statement takes (SQLAlchemy's greenlet hands the loop an
# awaitable), so with 40 chats at once far more than SQLAlchemy's default 5 are out together;
# each one past the kept ones was opened (three PRAGMAs) and closed again for a single
# statement — 4 % of a browsing update's time, 9 % of a checkout's in the out-of-process bench.
# A kept connection costs a file handle, its page cache (at most ``SQLITE_PAGE_CACHE_KIB``:
# the OS keeps the file's pages cached whatever SQLite keeps) and its prepared statements:
# 20 kept took the bench's peak RSS up by ~17 MB, 10 by ~7 MB, against a target of 200 MB;
# 10 left ~1 % of browsing in opening connections, checkout more.
SQLITE_POOL = {"pool_size": 10, "max_overflow": 30}

SQLITE_PAGE_CACHE_KIB = 512  # per connection (SQLite's default is 2 MB)


class WriteInReadOnlyWork(RuntimeError):
    """An INSERT, UPDATE or DELETE inside ``uow.read_only()``: read-only work may be answered
    from the read cache and runs beside writers, so it must never write."""


# A statement written as SQL text (not built with SQLAlchemy, whose writes are known by their
# kind) is taken for a write in read-only work when it names one of these: no database
# refuses it there (PostgreSQL runs read-only work in autocommit, SQLite has no such mode).
# Locks are among them ("FOR UPDATE", "FOR SHARE", "LOCK", advisory locks): a read-only unit
# takes none. So are "SELECT … INTO" (a new table), ``nextval``/``setval`` and session state
# ("SET", "RESET", "LISTEN", "PREPARE"…): in autocommit nothing rolls them back, and what a
# statement sets stays on the pooled connection for the units that use it next — the READ
# ONLY transaction refused the writes and undid the settings at its ROLLBACK.
_WRITING_SQL = re.compile(
    r"\b(insert|update|delete|merge|truncate|drop|alter|create|copy|grant|revoke|into|lock|share"
    r"|nextval|setval|set|reset|call|do|refresh|vacuum|reindex|cluster|comment|notify|listen|unlisten"
    r"|discard|prepare|deallocate|security|import|reassign)\b|advisory",
    re.I,
)

WRITE_TURNS_OF: WeakKeyDictionary[Any, WriteTurns] = WeakKeyDictionary()  # sync engine -> its turns


def _lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let us issue BEGIN ourselves (pysqlite's implicit BEGIN is DEFERRED, which can
        # deadlock two writers upgrading their read locks at the same time).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_PAGE_CACHE_KIB}")
        cursor.close()
        # SQLite's own lower() folds ASCII only: "Футболка" never matched a search for
        # "футболка" (the pattern is lowered in Python). Python's lower, as PostgreSQL's does.
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Readers begin DEFERRED so WAL lets them run beside a writer; writers take the
        # write lock up front (IMMEDIATE) so two of them never deadlock upgrading.
        # Straight to sqlite3: the BEGIN needs none of SQLAlchemy's statement machinery
        # (~30 µs of it per unit of work; a checkout opens three).
        sqlite = connection.connection.driver_connection
        read_only = connection.get_execution_options().get(READ_ONLY_OPTION, False)
        if read_only:
            sqlite.execute("BEGIN")
        else:
            turns.take(sqlite)
            try:
                begin_immediate(sqlite)
            except BaseException:
                turns.give_back(sqlite)
                raise

    @event.listens_for(engine.sync_engine, "commit")
    @event.listens_for(engine.sync_engine, "rollback")
    def _on_end(connection: Any) -> None:
        # Before the COMMIT itself runs, but the next writer only resumes once this
        # coroutine yields to the loop, by which time it has run.
        if connection.invalidated:  # cut off mid-statement: its sqlite3 connection is closed
            turns.release_lost()
            return
        turns.give_back(connection.connection.driver_connection)

    turns = WRITE_TURNS_OF[engine.sync_engine] = WriteTurns()


@asynccontextmanager
async def writing(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """``engine.begin()`` for a write, waiting for this process's turn at SQLite's write lock
    first, holding no connection (``WriteTurns.reserve``); on PostgreSQL just ``begin()``."""
    async with (
        turn_first(WRITE_TURNS_OF.get(engine.sync_engine), engine.sync_engine.pool),
        connected(engine) as connection,
        connection.begin(),
    ):
        yield connection


@asynccontextmanager
async def connected(engine: AsyncEngine, *, read_only: bool = False) -> AsyncIterator[AsyncConnection]:
    """``engine.connect()``, the connection given back to the pool the moment the block ends.
    ``read_only``: for blocks that only read (a conversation's state, the inbox's leftovers),
    which then begin as read-only work does (``_read_only_options``): on SQLite a deferred
    BEGIN beside the writer, not the write turn and ``BEGIN IMMEDIATE``; a write raises.

    Performance rule: SQLAlchemy closes an ``AsyncConnection`` leaving its ``async with`` in a
    task of its own (so that a cancellation cannot cut the close short), and that task waits
    behind every other task ready to run, holding the connection. With 40 chats at once 10–30
    connections sat in such closes (the inbox's batches and marks, conversation state) and
    the pool opened new ones, four PRAGMAs each, for the units that came meanwhile: 6–8 % of
    the bot's time browsing (``bench/bot_throughput_oop.py`` under py-spy). On embedded SQLite
    the close is a rollback and a check-in, ``sqlite3`` calls in this thread that await
    nothing, so it is done in place, where no cancellation can cut it short either. On
    PostgreSQL closing awaits the server: SQLAlchemy's task stays."""
    if read_only:
        engine = _read_only_engine(engine)
    if engine.dialect.driver != INLINE_DRIVER:
        async with engine.connect() as connection:
            yield connection
        return
    connection = await engine.connect().start()
    try:
        yield connection
    finally:
        sync = connection.sync_connection
        if sync is not None:
            sync.close()


def _track_writes(engine: AsyncEngine) -> None:
    """Note which tables a transaction writes (and, for ``KEY_COLUMN`` tables, which rows),
    so a commit can clear exactly the cached reads those writes feed (``storage.cache``)."""

    @event.listens_for(engine.sync_engine, "begin")
    def _reset(connection: Any) -> None:
        connection.info.pop(WRITTEN_TABLES, None)
        connection.info.pop(NEW_MESSAGES, None)

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _note(connection: Any, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool) -> None:
        if context is None:
            return
        if not (context.isinsert or context.isupdate or context.isdelete):
            if context.execution_options.get(READ_ONLY_OPTION, False) and _locks_or_writes(context, statement):
                raise WriteInReadOnlyWork(statement)
            return
        if context.execution_options.get(READ_ONLY_OPTION, False):
            raise WriteInReadOnlyWork(statement)
        table = getattr(context.compiled.statement, "table", None)
        if table is None:
            return
        named = context.execution_options.get(WRITES_ROWS)
        note_write(connection, table.name, context.compiled_parameters or [], inserted=context.isinsert, named=named)


def _locks_or_writes(context: Any, statement: str) -> bool:
    """A statement read-only work must not send though it is no INSERT, UPDATE or DELETE: SQL
    text (``TextClause``, and ``text(…).columns(…)``, a ``TextualSelect``) or SQL sent straight
    to the driver that names a write (``_WRITING_SQL``), or a SELECT built with a row lock
    (``with_for_update``: PostgreSQL's READ ONLY transaction refused it; in autocommit the lock
    would be let go as soon as it was taken)."""
    compiled = context.compiled
    if compiled is None:
        return _WRITING_SQL.search(statement) is not None
    built = compiled.statement
    if isinstance(built, (TextClause, TextualSelect)):
        return _WRITING_SQL.search(statement) is not None
    return getattr(built, "_for_update_arg", None) is not None


def note_write(
    connection: Any,
    table: str,
    parameter_sets: Sequence[Mapping[str, Any]],
    *,
    inserted: bool,
    named: Iterable[Any] | None = None,
) -> None:
    """Note in the connection's transaction that it wrote ``table``: the rows its parameters
    (or ``named``) name, where the table has a ``KEY_COLUMN``, else all of them. Every write
    through SQLAlchemy's statements is noted by ``_track_writes``; a write straight through
    the driver (``storage.repositories.sql.run_many``) calls this itself."""
    if inserted and table == "outbox" and any(_due(row) for row in parameter_sets):
        connection.info[NEW_MESSAGES] = True
    notes: dict[str, set[Any] | None] = connection.info.setdefault(WRITTEN_TABLES, {})
    if table in notes and notes[table] is ALL_ROWS:
        return
    keys = set(named) if named is not None else _rows_named(table, parameter_sets)
    if keys is ALL_ROWS:
        notes[table] = ALL_ROWS
    else:
        notes.setdefault(table, set()).update(keys)  # type: ignore[union-attr]


def _due(row: Mapping[str, Any]) -> bool:
    """An outbox row written to be sent at once: one written already claimed (an order's
    confirmation, which its handler sends: ``SqlOutbox.add_reply``) would only wake a pass
    that finds nothing to claim."""
    due, written = row.get("next_attempt_at"), row.get("created_at")
    return due is None or written is None or due <= written


def _rows_named(table: str, parameter_sets: Sequence[Mapping[str, Any]]) -> set[Any] | None:
    """The key values a write to a ``KEY_COLUMN`` table names in its parameters — ``col``
    (insert, ORM update), ``<table>_col`` (ORM update by primary key) or ``col_N`` (a
    WHERE ``col = …`` or ``col IN (…)``); ``ALL_ROWS`` when a parameter set names none.
    Ordergram writes these tables only row by row; a write whose WHERE mixes its key with
    OR would defeat this, and none does."""
    if table not in KEY_COLUMN:
        return ALL_ROWS
    column = KEY_COLUMN[table]
    pattern = _key_pattern(table, column)
    keys: set[Any] = set()
    # Which names are keys is asked once per set of names: an import's 100,000 rows share one.
    naming: dict[tuple[str, ...], list[str]] = {}
    for parameters in parameter_sets:
        names = tuple(parameters)
        if (named := naming.get(names)) is None:
            named = naming[names] = [name for name in names if pattern.fullmatch(name)]
        if not named:
            return ALL_ROWS
        for name in named:
            value = parameters[name]
            keys.update(value if isinstance(value, (list, tuple)) else (value,))
    return keys


@cache
def _key_pattern(table: str, column: str) -> re.Pattern[str]:
    return re.compile(rf"(?:{table}_)?{column}(?:_\d+)?")


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        # :memory: has one connection (SQLAlchemy's StaticPool, which takes no pool settings)
        pooled = {**SQLITE_POOL, "pool_timeout": 60} if SQLiteDialect_inline._is_url_file_db(parsed) else {}
        engine = create_async_engine(
            inline_url(parsed),
            creator=inline_creator(parsed.database or ":memory:"),
            **pooled,
            **kwargs,
        )
        _configure_sqlite(engine)
    else:
        engine = create_async_engine(url, pool_size=10, max_overflow=10, **kwargs)
        _ping_when_idle(engine)
    _track_writes(engine)
    return engine


PING_AFTER_IDLE_S = 2.0  # a pooled server connection idle longer than this is checked before use

_IDLE_SINCE = "ordergram_idle_since"


def _ping_when_idle(engine: AsyncEngine) -> None:
    """SQLAlchemy's ``pool_pre_ping``, for connections that sat idle in the pool for more than
    ``PING_AFTER_IDLE_S``. Its ping costs three round trips on asyncpg (BEGIN, a query,
    ROLLBACK) on every checkout — more than the one statement most units send (35 % of a bot's
    time on PostgreSQL went to socket writes) — while a connection given back a moment ago is
    as alive as anything can be known to be. The rule (HikariCP's "alive bypass window"): a
    database restarted within the window fails the first statement on such a connection, and
    that disconnect invalidates the whole pool, as a failed ping does; older connections are
    pinged, a dead one replaced before it is handed out. A connection just made is not pinged,
    and one the driver already saw closed is replaced whatever its age, without a trip."""
    dialect, pool = engine.dialect, engine.sync_engine.pool

    @event.listens_for(pool, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if _known_closed(dbapi_connection):
            # The server ended it while it sat in the pool (a restart, pg_terminate_backend) and
            # the driver saw the socket close: replaced without a trip, inside the window too —
            # handed out, its first statement failed in front of the user.
            raise DisconnectionError("the pooled connection was closed by the server")
        since = record.info.get(_IDLE_SINCE)
        if since is None or time.monotonic() - since <= PING_AFTER_IDLE_S:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                # As a failed pre-ping: every connection older than now is dropped, this one
                # replaced (SQLAlchemy retries the checkout with a new connection).
                raise InvalidatePoolError() from error
            raise


def _known_closed(dbapi_connection: Any) -> bool:
    """Whether the driver already knows the connection is closed (asyncpg: its socket was)."""
    closed = getattr(getattr(dbapi_connection, "driver_connection", None), "is_closed", None)
    return bool(closed()) if callable(closed) else False


class OrdergramSession(Session):
    """A session that, after each commit, clears the read-cache sections fed by the tables
    its transaction wrote (whatever wrote them: a use case, an import, the notifier)."""


@event.listens_for(OrdergramSession, "after_begin")
def _remember_connection(session: Session, _transaction: Any, connection: Any) -> None:
    session.info[_CONNECTION_INFO] = connection.info
    if connection.dialect.driver == INLINE_DRIVER:
        session.info[IN_LOOP_SQL] = connection


@event.listens_for(OrdergramSession, "after_transaction_end")
def _transaction_over(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(IN_LOOP_SQL, None)
        # Rolled back (a commit has taken them already): what it wrote never happened.
        notes = session.info.pop(_CONNECTION_INFO, None)
        if notes is not None:
            forget_writes(notes)


@event.listens_for(OrdergramSession, "after_commit")
def _clear_what_was_written(session: Session) -> None:
    # SQLAlchemy reports a released SAVEPOINT as a commit too; its writes are the outer
    # transaction's, cleared when that one commits (taking the notes here lost them all).
    if session.in_nested_transaction():
        return
    # Runs right after the database commit, before this coroutine yields again: the
    # connection's notes cannot have been reset by another transaction in between.
    after_commit(session.info, session.info.pop(_CONNECTION_INFO, None))


def after_commit(shared: Mapping[str, Any], notes: dict[str, Any] | None) -> None:
    """What a commit sets off, from the notes its connection took of what it wrote (``notes``:
    the connection's ``info``): the read cache cleared of those writes, the notifier woken
    for new messages, the commit listener told. ``shared``: the sessions' ``info``."""
    written = notes.pop(WRITTEN_TABLES, None) if notes is not None else None
    new_messages = notes.pop(NEW_MESSAGES, False) if notes is not None else False
    cache = shared.get(READ_CACHE)
    if written and isinstance(cache, ReadCache):
        cache.written(written)
    if new_messages and (wake := shared.get(OUTBOX_WRITTEN)) is not None:
        wake()  # a message just committed goes out now, not at the notifier's next pass
    if written and (committed := shared.get(COMMITTED)) is not None:
        committed(frozenset(written))  # e.g. the live dashboard: what changed, once it is durable


def wrote_no_rows(session: AsyncSession, table: str) -> None:
    """This transaction's one write to ``table`` changed no row (an UPDATE … RETURNING that
    returned none): its commit tells no one of ``table``. A write is noted before it runs, on
    the rows it names; a lease names none, so only what it returns says whether it wrote."""
    notes = session.info.get(_CONNECTION_INFO)
    written = notes.get(WRITTEN_TABLES) if notes is not None else None
    if written is not None:
        written.pop(table, None)


def forget_writes(notes: dict[str, Any]) -> None:
    """A transaction rolled back: what its connection noted it wrote never happened."""
    notes.pop(WRITTEN_TABLES, None)
    notes.pop(NEW_MESSAGES, None)


def _read_only_options(engine: AsyncEngine) -> dict[str, Any]:
    """How read-only work binds: marked for ``_track_writes`` (a write raises) and, on
    PostgreSQL, without a transaction (autocommit). The rule it relies on: at READ COMMITTED,
    PostgreSQL's default and the only level Ordergram uses, every statement of a transaction
    takes its own snapshot, so a read-only transaction gives its reads nothing one statement
    at a time does not — and asyncpg spends a round trip on its BEGIN and another on its
    ROLLBACK, three trips for a unit that reads one row. Writes are refused before they are
    sent (``WriteInReadOnlyWork``): SQLAlchemy's by their kind (a SELECT that locks too), SQL
    text by its words (session settings too: no ROLLBACK undoes them), which the READ ONLY
    transaction refused before."""
    options: dict[str, Any] = {READ_ONLY_OPTION: True}
    if engine.dialect.name == "postgresql":
        options["isolation_level"] = "AUTOCOMMIT"
    return options


def _read_only_engine(engine: AsyncEngine) -> AsyncEngine:
    """The engine with ``_read_only_options``, made once per engine (``execution_options``
    builds a new engine view each time it is called). Kept on the engine itself: a weak-keyed
    table would keep it alive, the view holding its engine."""
    found: AsyncEngine | None = getattr(engine.sync_engine, _READ_ONLY_VIEW, None)
    if found is None:
        found = engine.execution_options(**_read_only_options(engine))
        setattr(engine.sync_engine, _READ_ONLY_VIEW, found)
    return found


_READ_ONLY_VIEW = "_ordergram_read_only_view"


def session_factory(
    engine: AsyncEngine, *, base_currency: str = "EUR", timezone: str = "UTC"
) -> async_sessionmaker[AsyncSession]:
    """Sessions for one database. Their ``info`` carries what every unit of work on it
    shares: the process's read cache, the engine view read-only work binds to, the
    shop's base currency (the books' currency, ``DEFAULT_CURRENCY``) and its time zone
    (``TIMEZONE``: the days dates typed by staff name)."""
    shared = {
        READ_CACHE: ReadCache(),
        READ_ONLY_BIND: _read_only_engine(engine),
        BASE_CURRENCY: base_currency,
        SHOP_TIMEZONE: timezone,
        DIALECT: engine.dialect.name,
        SEARCH_TABLE: {},  # filled by the first search (``catalog_search``), shared by every session of the factory
        WRITE_TURNS: WRITE_TURNS_OF.get(engine.sync_engine),
    }
    return async_sessionmaker(
        engine, expire_on_commit=False, autoflush=False, info=shared, sync_session_class=OrdergramSession
    )


READ_CACHE = "ordergram_read_cache"

BASE_CURRENCY = "ordergram_base_currency"

SHOP_TIMEZONE = "ordergram_shop_timezone"

DIALECT = "ordergram_dialect"  # "sqlite" or "postgresql": statements built once per dialect pick theirs

SEARCH_TABLE = "ordergram_search_table"  # whether SQLite's trigram table exists, once known

READ_ONLY_BIND = "ordergram_read_only_bind"

OUTBOX_WRITTEN = "ordergram_outbox_written"  # called after a commit that inserted outbox rows

COMMITTED = "ordergram_committed"  # called after every commit that wrote, with the tables written


def on_outbox_written(sessions: async_sessionmaker[AsyncSession], wake: Callable[[], None]) -> None:
    """Call ``wake`` after every commit (of sessions made from now on) that inserted outbox
    rows due at once (``NEW_MESSAGES``)."""
    sessions.kw["info"][OUTBOX_WRITTEN] = wake


def on_commit(sessions: async_sessionmaker[AsyncSession], listener: Callable[[frozenset[str]], None]) -> None:
    """Call ``listener`` with the tables written after every commit (of sessions made from now on)
    that wrote any; it runs in the committing coroutine, so it must only take note and return."""
    sessions.kw["info"][COMMITTED] = listener


_CONNECTION_INFO = "ordergram_connection_info"
