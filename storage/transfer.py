"""``ordergram copy``: move a whole shop from one database into another (a SQLite file into PostgreSQL, or back)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Integer, delete, func, insert, select, text, tuple_, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.db import connected
from storage.models import Base

BATCH = 1000  # rows per page read and INSERT: a million-order shop moves in memory that does not grow with it
# Tables whose rows make a shop: a target holding any of them already is someone's shop.
SHOP_TABLES = ("products", "warehouses", "customers", "orders")


class CopyRefused(Exception):
    """The copy cannot start; the message says why and what to do."""


async def revision(engine: AsyncEngine) -> frozenset[str]:
    """The schema revision(s) a database is stamped with; empty when it has no schema."""
    try:
        async with engine.connect() as connection:
            found = await connection.execute(text("SELECT version_num FROM alembic_version"))
            return frozenset(str(value) for value in found.scalars())
    except DBAPIError:
        return frozenset()


async def copy_shop(
    source: AsyncEngine, target: AsyncEngine, progress: Callable[[str, int], None] = lambda _t, _n: None
) -> dict[str, int]:
    """Copy every table of ``source`` into ``target`` (both at the same schema revision) in one
    transaction of the target: all of it or, on any error, nothing. The target may hold only what
    ``ordergram migrate`` put there. Returns the rows copied per table."""
    source_at, target_at = await revision(source), await revision(target)
    if not source_at:
        raise CopyRefused("the source has no Ordergram tables")
    if source_at != target_at:
        raise CopyRefused(
            f"the source is at schema {', '.join(sorted(source_at))}, this version at "
            f"{', '.join(sorted(target_at))}: run `ordergram migrate` on the source first "
            "(DATABASE_URL set to it), with this version"
        )
    copied: dict[str, int] = {}
    # One read transaction on the source: the copy is the shop as of one moment (on SQLite a
    # deferred BEGIN, so a bot left running is not stopped by the copy; what it writes meanwhile
    # is not copied, hence README's "stop the bot first").
    async with connected(source, read_only=True) as reading, target.begin() as writing:
        for name in SHOP_TABLES:
            if (await writing.execute(select(func.count()).select_from(Base.metadata.tables[name]))).scalar_one():
                raise CopyRefused(
                    f"the target already holds a shop ({name} has rows); copy into a new, empty database "
                    "(createdb, then `ordergram migrate`)"
                )
        for table in reversed(Base.metadata.sorted_tables):  # what migrate seeded comes from the source instead
            await writing.execute(delete(table))
        for table in Base.metadata.sorted_tables:
            copied[table.name] = await _copy_table(reading, writing, table.name)
            progress(table.name, copied[table.name])
        if writing.dialect.name == "postgresql":
            await _advance_sequences(writing)
        else:
            await _count_on_past_copied_numbers(writing)
    return copied


async def _copy_table(reading: AsyncConnection, writing: AsyncConnection, name: str) -> int:
    table = Base.metadata.tables[name]
    key = list(table.primary_key.columns)  # in key order: parents before children within a self-referencing table
    rows = 0
    query = select(table).order_by(*key).limit(BATCH)
    batch = (await reading.execute(query)).mappings().all()
    while batch:  # page by key, not by offset: each page costs the same however far into the table
        await writing.execute(table.insert(), [dict(row) for row in batch])
        rows += len(batch)
        last = tuple_(*key) > tuple_(*(batch[-1][column.name] for column in key))
        batch = (await reading.execute(query.where(last))).mappings().all()
    return rows


async def _advance_sequences(writing: AsyncConnection) -> None:
    """Rows came with their ids: each id sequence starts after the largest, or the next order
    would collide with a copied one."""
    for table in Base.metadata.sorted_tables:
        for column in table.primary_key.columns:
            if not isinstance(column.type, Integer) or column.autoincrement is False:
                continue
            sequence = (
                await writing.execute(
                    text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
                )
            ).scalar_one()
            if sequence is None:
                continue
            await writing.execute(
                text(f'SELECT setval(:s, COALESCE((SELECT max("{column.name}") FROM "{table.name}"), 0) + 1, false)'),
                {"s": sequence},
            )


async def _count_on_past_copied_numbers(writing: AsyncConnection) -> None:
    """SQLite numbers changes from its one-row counter (``storage.repositories.changes``); rows came with the numbers
    of the source's numbering (PostgreSQL's are transaction ids, far past a SQLite counter), and every mark taken
    below them called those rows changed (a stock feed's poll, a read cache's reload) until the counter got there. So
    it goes on from the largest: rows written from now on are numbered past every copied one, and a mark taken now
    calls none of them changed. (PostgreSQL's triggers number each copied row with the copying transaction's id.)"""
    largest = 0
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if column.name.endswith("_seq"):  # change_seq, available_seq, status_seq: the change numbers
                largest = max(largest, (await writing.execute(select(func.max(column)))).scalar() or 0)
    counter = Base.metadata.tables["change_counter"]
    value = (await writing.execute(select(counter.c.value).where(counter.c.id == 1))).scalar()
    if value is None:  # none copied (the source's gone): counting starts again, past the copied numbers
        await writing.execute(insert(counter).values(id=1, value=largest))
    elif value < largest:
        await writing.execute(update(counter).where(counter.c.id == 1).values(value=largest))
