"""PostgreSQL: pg_trgm GIN indexes on the folded product names a customer's search matches with LIKE '%text%'

Revision ID: 0071
Revises: 0070
Create Date: 2026-12-07 11:40:00.000000
"""

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0071"
down_revision: str | None = "0070"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("alembic.runtime.migration")

# Exactly the expression storage.repositories.catalog_search.folded renders (its constants inline):
# PostgreSQL uses an expression index only for the very same expression.
FOLDED = "replace(lower(name), 'ё', 'е')"
INDEXES = {"ix_products_name_trgm": "products", "ix_product_translations_name_trgm": "product_translations"}


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return  # SQLite: no pg_trgm
    # A managed PostgreSQL may refuse CREATE EXTENSION to the shop's role: the search then reads
    # every name as before, and the upgrade goes on (the savepoint keeps the transaction usable).
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError as exc:
        log.warning("pg_trgm could not be created (%s): product search stays unindexed", exc.orig)
        return
    for index, table in INDEXES.items():
        op.execute(f"CREATE INDEX IF NOT EXISTS {index} ON {table} USING gin (({FOLDED}) gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for index in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {index}")  # the extension stays: others may use it
