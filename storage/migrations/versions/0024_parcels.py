"""parcels an order leaves in, with their lines; pickup codes for handing an order over

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models.base import UtcDateTime

revision: str = '0024'
down_revision: str | None = '0023'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'parcels',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('carrier', sa.String(length=64), nullable=False),
        sa.Column('tracking', sa.String(length=64), nullable=False),
        sa.Column('eta', sa.Date(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('shipped_at', UtcDateTime(), nullable=False),
        sa.Column('delivered_at', UtcDateTime(), nullable=True),
        sa.Column('staff_id', sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_parcels_order_id_orders'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_parcels')),
        sa.UniqueConstraint('order_id', 'seq', name=op.f('uq_parcels_order_id')),
        sa.UniqueConstraint('tracking', name=op.f('uq_parcels_tracking')),
    )
    op.create_table(
        'parcel_lines',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('parcel_id', sa.Integer(), nullable=False),
        sa.Column('order_line_id', sa.Integer(), nullable=False),
        sa.Column('product_id', sa.Integer(), nullable=False),
        sa.Column('sku', sa.String(length=64), nullable=False),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.CheckConstraint('quantity > 0', name=op.f('ck_parcel_lines_quantity_positive')),
        sa.ForeignKeyConstraint(
            ['order_line_id'], ['order_lines.id'], name=op.f('fk_parcel_lines_order_line_id_order_lines'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['parcel_id'], ['parcels.id'], name=op.f('fk_parcel_lines_parcel_id_parcels'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_parcel_lines_product_id_products')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_parcel_lines')),
    )
    op.create_index(op.f('ix_parcel_lines_parcel_id'), 'parcel_lines', ['parcel_id'], unique=False)
    op.create_index(op.f('ix_parcel_lines_order_line_id'), 'parcel_lines', ['order_line_id'], unique=False)
    op.create_table(
        'pickup_codes',
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=16), nullable=False),
        sa.Column('created_at', UtcDateTime(), nullable=False),
        sa.Column('used_at', UtcDateTime(), nullable=True),
        sa.Column('used_by', sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ['order_id'], ['orders.id'], name=op.f('fk_pickup_codes_order_id_orders'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('order_id', name=op.f('pk_pickup_codes')),
        sa.UniqueConstraint('code', name=op.f('uq_pickup_codes_code')),
    )


def downgrade() -> None:
    op.drop_table('pickup_codes')
    op.drop_index(op.f('ix_parcel_lines_order_line_id'), table_name='parcel_lines')
    op.drop_index(op.f('ix_parcel_lines_parcel_id'), table_name='parcel_lines')
    op.drop_table('parcel_lines')
    op.drop_table('parcels')
