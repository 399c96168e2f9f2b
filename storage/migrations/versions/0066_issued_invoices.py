"""issued_invoices: a numbered invoice kept as it was issued (lines, tax, totals, due date, buyer), which it prints

Revision ID: 0066
Revises: 0065
Create Date: 2026-12-07 01:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0066"
down_revision: str | None = "0065"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # No back-fill: what an invoice numbered before this was issued for cannot be known here (an edit since
    # changed its order's lines in place, and the history keeps no figures), so those keep printing the order
    # as it stands, as they did. RESTRICT as 0060's and 0064's: a numbered document keeps its order.
    op.create_table(
        "issued_invoices",
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("lines", sa.Text(), nullable=False),
        sa.Column("shipping_minor", sa.BigInteger(), nullable=True),
        sa.Column("discounts", sa.Text(), nullable=False),
        sa.Column("tax_rate", sa.String(12), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("tax_minor", sa.BigInteger(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("buyer", sa.Text(), nullable=False),
        sa.Column("buyer_tax_number", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_issued_invoices")),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_issued_invoices_order_id_orders"), ondelete="RESTRICT"
        ),
        sa.UniqueConstraint("number", name=op.f("uq_issued_invoices_number")),
    )


def downgrade() -> None:
    op.drop_table("issued_invoices")
