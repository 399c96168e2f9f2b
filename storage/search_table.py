"""SQLite's FTS5 trigram table of product names (``product_search``): whether the library can make it, and making it."""

from __future__ import annotations

import logging
import sqlite3

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)

# FTS5's trigram tokenizer came with SQLite 3.34 (2020-12); FTS5 itself is a compile option. A Python
# built with an older bundled library, or a distribution's without FTS5, cannot make the table: the
# search then reads every name, as it did before migration 0072 (``storage.repositories.catalog_search``).
NEEDED = "3.34"
TABLE = "product_search"

# What migration 0072 makes, for a database it could not make it in (the library was older then, and
# has been upgraded since): ``ensure`` makes it at the next ``ordergram migrate`` or start. The same
# statements as 0072's (a revision imports nothing from the app, so they are written there too);
# tests/storage/test_search_table.py checks both give the same schema.
_FOLD = "replace(lower({}), 'ё', 'е')"
_NAMES = (
    f"{_FOLD.format('p.name')} || coalesce((SELECT char(31) || group_concat({_FOLD.format('t.name')}, char(31)) "
    "FROM product_translations t WHERE t.product_id = p.id), '')"
)


def _refill(product_id: str) -> str:
    return (
        f"DELETE FROM product_search WHERE rowid = {product_id}; "
        f"INSERT INTO product_search (rowid, names) SELECT p.id, {_NAMES} FROM products p WHERE p.id = {product_id};"
    )


TRIGGERS = {
    "product_search_products_insert": f"AFTER INSERT ON products BEGIN {_refill('NEW.id')} END",
    "product_search_products_update": (
        f"AFTER UPDATE OF name ON products WHEN NEW.name IS NOT OLD.name BEGIN {_refill('NEW.id')} END"
    ),
    "product_search_products_delete": (
        "AFTER DELETE ON products BEGIN DELETE FROM product_search WHERE rowid = OLD.id; END"
    ),
    "product_search_translations_insert": f"AFTER INSERT ON product_translations BEGIN {_refill('NEW.product_id')} END",
    "product_search_translations_update": (
        "AFTER UPDATE OF name, product_id ON product_translations "
        f"WHEN NEW.name IS NOT OLD.name OR NEW.product_id IS NOT OLD.product_id BEGIN {_refill('OLD.product_id')} "
        f"{_refill('NEW.product_id')} END"
    ),
    "product_search_translations_delete": f"AFTER DELETE ON product_translations BEGIN {_refill('OLD.product_id')} END",
}


def possible(connection: Connection) -> bool:
    """Whether this SQLite library can make an FTS5 trigram table: one is made in the temporary
    schema inside a savepoint, which is then rolled back (the real library answers, not its version)."""
    savepoint = connection.begin_nested()
    try:
        connection.execute(text("CREATE VIRTUAL TABLE temp.trigram_probe USING fts5(x, tokenize = 'trigram')"))
    except DBAPIError:
        return False
    finally:
        savepoint.rollback()
    return True


def present(connection: Connection) -> bool:
    found = connection.execute(text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :t"), {"t": TABLE})
    return found.first() is not None


def warn_unindexed() -> None:
    log.warning(
        "SQLite %s cannot make an FTS5 trigram table (it needs %s or newer, with FTS5): product search reads "
        "every name instead (slower on a big catalog, same results); upgrade the library, then `ordergram migrate` "
        "or a restart makes the index",
        sqlite3.sqlite_version,
        NEEDED,
    )


def create(connection: Connection) -> None:
    """The table, filled from every product, and the triggers that keep it (0072's statements). The
    caller holds the write lock and has just seen the table missing; IF NOT EXISTS is a second guard
    (SQLite stores the statements without it, so the schema is 0072's)."""
    # case_sensitive 0 folds what the app's lower() did not (a row written by another tool).
    connection.execute(
        text(f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(names, tokenize = 'trigram case_sensitive 0')")
    )
    connection.execute(text(f"INSERT INTO {TABLE} (rowid, names) SELECT p.id, {_NAMES} FROM products p"))
    for name, definition in TRIGGERS.items():
        connection.execute(text(f"CREATE TRIGGER IF NOT EXISTS {name} {definition}"))


def _ensure(connection: Connection) -> None:
    # Two processes can start at once after a library upgrade: the check, the fill and the triggers are
    # one transaction that began IMMEDIATE (``storage.db``'s begin for any work not read-only), so the
    # second waits for the first's commit, then finds the table and leaves it (filled once).
    if present(connection):
        return
    if not possible(connection):
        warn_unindexed()
        return
    create(connection)
    log.info("product search: the SQLite trigram table was made (the library can now)")


async def ensure(engine: AsyncEngine) -> None:
    """On SQLite at a schema with 0072, the trigram table when it is missing and the library can make
    it now; a warning when it cannot. Nothing on PostgreSQL (pg_trgm's indexes, 0071)."""
    if engine.dialect.name != "sqlite":
        return
    async with engine.connect() as connection:
        stamped = await connection.execute(text("SELECT version_num FROM alembic_version"))
        if not any(revision >= "0072" for revision in stamped.scalars()):
            return  # 0072 makes it, or has not run yet
        await connection.run_sync(_ensure)
        await connection.commit()
