"""orders by reference: staff find an order by the buyer's PO number (/order PO-5512)

Revision ID: 0049
Revises: 0048
Create Date: 2026-12-06 08:20:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0049"
down_revision: str | None = "0048"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_orders_reference", "orders", ["reference"])


def downgrade() -> None:
    op.drop_index("ix_orders_reference", table_name="orders")
