"""Executing SQL for the repositories: Core statements on the unit of work's connection, upserts, chunking."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, TypeVar, cast

from sqlalchemy import Executable, Table
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, CursorResult, Row
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from storage.cache import WRITES_ROWS
from storage.db import DIALECT, IN_LOOP_SQL

T = TypeVar("T")


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
    connection = session.sync_session.info.get(IN_LOOP_SQL)
    if connection is not None:
        return cast(CursorResult[Any], _execute_on(connection, statement, params, rows))
    return cast(CursorResult[Any], await session.run_sync(_execute, statement, params, rows))


async def fetch(session: AsyncSession, statement: Executable, params: Any = None) -> Sequence[Row[Any]]:
    """A Core read, as ``run``; the rows are fetched before it returns (one hop into
    SQLAlchemy's greenlet per statement at most, not one per call on the result)."""
    connection = session.sync_session.info.get(IN_LOOP_SQL)
    if connection is not None:
        return cast(Sequence[Row[Any]], connection.execute(statement, params).all())
    return cast(Sequence[Row[Any]], await session.run_sync(_fetch, statement, params))


def _execute(session: Session, statement: Executable, params: Any, rows: set[Hashable] | None) -> Any:
    return _execute_on(session.connection(), statement, params, rows)


def _execute_on(connection: Connection, statement: Executable, params: Any, rows: set[Hashable] | None) -> Any:
    options = {WRITES_ROWS: rows} if rows is not None else None
    return connection.execute(statement, params, execution_options=options)


def _fetch(session: Session, statement: Executable, params: Any) -> Any:
    return session.connection().execute(statement, params).all()


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


def _chunks(items: Sequence[T], size: int = 900) -> list[Sequence[T]]:
    """SQLite limits bound parameters per statement; stay well under it."""
    return [items[i : i + size] for i in range(0, len(items), size)]
