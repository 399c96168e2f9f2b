"""Indexes on stock.available_seq and products.status_seq: a stock feed's changes poll reads what changed, not every row

Revision ID: 0077
Revises: 0076
Create Date: 2026-12-07 18:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0077"
down_revision: str | None = "0076"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# ``storage.repositories.stock_changes`` finds the products changed since a channel's token by
# these numbers: unindexed, every poll scanned every counter and every product past ``after``
# (100,000 products: ~115 ms a poll on SQLite, whatever few had moved). The stock index carries
# ``product_id`` too, so a poll reads the index alone. The cost is the writes': a hold updates the
# index, and PostgreSQL's updates of stock are no longer HOT (``bench/stock_feed_changes.py``
# measures both).
INDEXES = {
    "ix_stock_available_seq": ("stock", ["available_seq", "product_id"]),
    "ix_products_status_seq": ("products", ["status_seq"]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
