"""backorder and preorder terms per product, and the waiting parts of orders

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-04 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0025'
down_revision: str | None = '0024'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'backorder_terms',
        sa.Column('product_id', sa.Integer(), nullable=False),
        sa.Column('allowed', sa.Boolean(), nullable=False),
        sa.Column('unit_limit', sa.Integer(), nullable=True),
        sa.Column('release_date', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ['product_id'], ['products.id'], name=op.f('fk_backorder_terms_product_id_products'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('product_id', name=op.f('pk_backorder_terms')),
    )
    op.create_table(
        'backorders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('product_id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('filled', sa.Integer(), nullable=False),
        sa.Column('cancelled', sa.Integer(), nullable=False),
        sa.Column('vip', sa.Boolean(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            'quantity >= 0 AND filled >= 0 AND cancelled >= 0', name=op.f('ck_backorders_quantities_not_negative')
        ),
        sa.CheckConstraint("status <> 'waiting' OR quantity > 0", name=op.f('ck_backorders_waiting_has_quantity')),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_backorders_customer_id_customers')),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_backorders_order_id_orders')),
        sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_backorders_product_id_products')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_backorders')),
    )
    op.create_index(op.f('ix_backorders_order_id'), 'backorders', ['order_id'], unique=False)
    op.create_index(
        'ix_backorders_queue', 'backorders', ['product_id', 'status', 'vip', 'created_at', 'id'], unique=False
    )


def downgrade() -> None:
    op.drop_index('ix_backorders_queue', table_name='backorders')
    op.drop_index(op.f('ix_backorders_order_id'), table_name='backorders')
    op.drop_table('backorders')
    op.drop_table('backorder_terms')
