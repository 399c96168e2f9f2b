"""report indexes: a period's orders, status changes and returns by their time; customer value

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 03:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # /report and the daily digest read one period of a shop with years of orders: without
    # these, each read scans every order, every status change and every return.
    # A shop that ran 0020 as it first landed (2026-12-04) has ix_orders_created_at from it.
    if 'ix_orders_created_at' not in {index['name'] for index in sa.inspect(op.get_bind()).get_indexes('orders')}:
        op.create_index('ix_orders_created_at', 'orders', ['created_at'], unique=False)
    op.create_index('ix_order_history_status_at', 'order_history', ['to_status', 'at'], unique=False)
    op.create_index('ix_returns_created_at', 'returns', ['created_at'], unique=False)
    # Replaces the order_id index: an order's history still comes from it, and the first time
    # an order reached a status is one look-up instead of a read of that status's history.
    op.create_index(
        'ix_order_history_order_status', 'order_history', ['order_id', 'to_status', 'at'], unique=False
    )
    op.drop_index('ix_order_history_order_id', table_name='order_history')
    # /top customers: every order summed per customer from an index alone, in its order, and
    # the refunds owed without reading every payment.
    op.create_index(
        'ix_orders_customer_value', 'orders', ['customer_id', 'currency', 'status', 'total_minor'], unique=False
    )
    op.create_index('ix_payments_kind_order', 'payments', ['kind', 'order_id', 'amount_minor'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_payments_kind_order', table_name='payments')
    op.drop_index('ix_orders_customer_value', table_name='orders')
    op.create_index('ix_order_history_order_id', 'order_history', ['order_id'], unique=False)
    op.drop_index('ix_order_history_order_status', table_name='order_history')
    op.drop_index('ix_returns_created_at', table_name='returns')
    op.drop_index('ix_order_history_status_at', table_name='order_history')
    op.drop_index('ix_orders_created_at', table_name='orders')
