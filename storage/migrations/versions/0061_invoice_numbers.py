"""orders.invoice_number: a business's invoice is numbered in the shop's gapless sequence (INV-000001)

Revision ID: 0061
Revises: 0060
Create Date: 2026-12-06 21:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0061"
down_revision: str | None = "0060"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Invoices issued before keep no number (they print their order's code, as they did); the
    # sequence, a document_counters row named "invoice", starts at 1 with the first one after.
    op.add_column("orders", sa.Column("invoice_number", sa.Integer(), nullable=True))
    # Unique, many NULLs allowed on both engines: a second line of defence under the counter.
    op.create_index("ix_orders_invoice_number", "orders", ["invoice_number"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_orders_invoice_number", table_name="orders")
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("invoice_number")
