"""orders.buyer_tax_number, seller_tax_number: the tax numbers an order was placed with, for its invoices

Revision ID: 0053
Revises: 0052
Create Date: 2026-12-06 14:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0053"
down_revision: str | None = "0052"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Orders placed before stay NULL: their invoices print the numbers of the day they are printed.
    with op.batch_alter_table("orders") as batch_op:
        batch_op.add_column(sa.Column("buyer_tax_number", sa.String(32), nullable=True))
        batch_op.add_column(sa.Column("seller_tax_number", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch_op:
        batch_op.drop_column("seller_tax_number")
        batch_op.drop_column("buyer_tax_number")
