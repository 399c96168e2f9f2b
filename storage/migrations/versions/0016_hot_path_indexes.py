"""hot path indexes: a customer's orders newest first straight from an index

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 23:10:00.000000
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # /orders pages a customer's orders newest first: with the order in the index a page is
    # read in order and stops at its limit, instead of sorting every order of the customer.
    op.create_index('ix_orders_customer_created', 'orders', ['customer_id', 'created_at', 'id'], unique=False)
    op.drop_index('ix_orders_customer_id', table_name='orders')


def downgrade() -> None:
    op.create_index('ix_orders_customer_id', 'orders', ['customer_id'], unique=False)
    op.drop_index('ix_orders_customer_created', table_name='orders')
