"""SQLite: an FTS5 trigram table of every product's folded names, kept by triggers, that a customer's search reads

Revision ID: 0072
Revises: 0071
Create Date: 2026-12-07 12:00:00.000000
"""

import logging
import sqlite3
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0072"
down_revision: str | None = "0071"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("alembic.runtime.migration")

# One row a product (rowid = products.id): its name and every translation's, each as
# storage.repositories.catalog_search.folded folds it (the app's Unicode lower(), "ё" as "е"),
# joined by a character no one types. The search takes candidates from it and checks each
# name exactly, so a trigram across two names only costs a candidate.
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


# An import rewrites every field of every product it names: only a name that changed is refilled.
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


def _trigram_possible(bind: sa.Connection) -> bool:
    """Whether the library can make an FTS5 trigram table (SQLite 3.34 or newer, FTS5 compiled in):
    one is made in the temporary schema inside a savepoint, always rolled back."""
    savepoint = bind.begin_nested()
    try:
        bind.execute(sa.text("CREATE VIRTUAL TABLE temp.trigram_probe USING fts5(x, tokenize = 'trigram')"))
    except sa.exc.DBAPIError:
        return False
    finally:
        savepoint.rollback()
    return True


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return  # PostgreSQL: pg_trgm's indexes (0071)
    # An older library refused the table, and the whole upgrade with it: the shop could not start.
    # The search then reads every name as before; storage.search_table makes the table at a later
    # migrate or start once the library can.
    if not _trigram_possible(bind):
        log.warning(
            "SQLite %s cannot make an FTS5 trigram table (3.34 or newer, with FTS5): product search stays unindexed",
            sqlite3.sqlite_version,
        )
        return
    # case_sensitive 0 folds what the app's lower() did not (a row written by another tool).
    op.execute("CREATE VIRTUAL TABLE product_search USING fts5(names, tokenize = 'trigram case_sensitive 0')")
    op.execute(f"INSERT INTO product_search (rowid, names) SELECT p.id, {_NAMES} FROM products p")
    for name, definition in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {definition}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in TRIGGERS:  # IF EXISTS: not made where the library could not
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS product_search")
