"""orders.reference_key: staff find an order by the buyer's PO number in any case (/order po-5512)

The key is ``domain.orders.reference_key`` (folded in Python, as SQLite's lower() folds ASCII alone);
the orders placed before get theirs here, and the key's index replaces the reference's.

Revision ID: 0051
Revises: 0050
Create Date: 2026-12-06 10:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0051"
down_revision: str | None = "0050"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _key(text: str) -> str:
    # domain.orders.reference_key as it was when this landed: a migration keeps its own copy
    return " ".join(text.split()).casefold()[:192]


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch_op:
        batch_op.add_column(sa.Column("reference_key", sa.String(192), nullable=False, server_default=""))
    orders = sa.table("orders", sa.column("id", sa.Integer()), sa.column("reference"), sa.column("reference_key"))
    connection = op.get_bind()
    rows = connection.execute(sa.select(orders.c.id, orders.c.reference).where(orders.c.reference != "")).all()
    if rows:
        fill = orders.update().where(orders.c.id == sa.bindparam("order_id")).values(reference_key=sa.bindparam("key"))
        connection.execute(fill, [{"order_id": row.id, "key": _key(row.reference)} for row in rows])
    op.drop_index("ix_orders_reference", table_name="orders")
    op.create_index("ix_orders_reference_key", "orders", ["reference_key"])


def downgrade() -> None:
    op.drop_index("ix_orders_reference_key", table_name="orders")
    op.create_index("ix_orders_reference", "orders", ["reference"])
    with op.batch_alter_table("orders") as batch_op:
        batch_op.drop_column("reference_key")
