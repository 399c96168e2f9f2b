"""index on orders.invoice_due: the dunning job reads the invoices due, not every order

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-04 20:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0034"
down_revision: str | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The scheduler's tick looks for invoices past due every minute; without it each look read
    # every order (0.3 s at 1 M orders on SQLite, with the bot's loop waiting). Orders paid
    # otherwise have no due date and are not in the range it reads.
    op.create_index("ix_orders_invoice_due", "orders", ["invoice_due"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_orders_invoice_due", table_name="orders")
