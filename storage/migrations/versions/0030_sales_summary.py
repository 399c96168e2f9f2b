"""sales summary: per-day and per-day-SKU sales figures, their state, orders by when written

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-04 16:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models.base import UtcDateTime

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Empty at first: the summary job fills it from the orders (domain.sales).
    op.create_table(
        "sales_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("cancelled", sa.Integer(), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("base_minor", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", "currency", name=op.f("pk_sales_days")),
    )
    op.create_table(
        "sales_day_skus",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("units", sa.BigInteger(), nullable=False),
        sa.Column("base_minor", sa.BigInteger(), nullable=False),
        sa.Column("last_order_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "sku", name=op.f("pk_sales_day_skus")),
    )
    op.create_table(
        "sales_summary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("base_currency", sa.String(length=3), nullable=False),
        sa.Column("through", sa.Date(), nullable=True),
        sa.Column("settled", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_summary")),
    )
    # Which days' orders were written since the summary's watermark, without reading them all.
    op.create_index("ix_orders_updated_created", "orders", ["updated_at", "created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_orders_updated_created", table_name="orders")
    op.drop_table("sales_summary")
    op.drop_table("sales_day_skus")
    op.drop_table("sales_days")
