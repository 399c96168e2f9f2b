"""stock_day_sums, stock_day_pairs, stock_day_marks: stock movements summed per shop day for the nightly forecast

Revision ID: 0056
Revises: 0055
Create Date: 2026-12-06 14:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0056"
down_revision: str | None = "0055"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stock_day_sums",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("net", sa.Integer(), nullable=False),
        sa.Column("came_in", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("product_id", "warehouse_id", "day", name=op.f("pk_stock_day_sums")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "stock_day_pairs",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Integer(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("lowest", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("product_id", "warehouse_id", name=op.f("pk_stock_day_pairs")),
    )
    op.create_table(
        "stock_day_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("movement_id", sa.BigInteger(), nullable=False),
        sa.Column("zone", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_day_marks")),
    )


def downgrade() -> None:
    op.drop_table("stock_day_marks")
    op.drop_table("stock_day_pairs")
    op.drop_table("stock_day_sums")
