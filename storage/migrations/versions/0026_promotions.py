"""promotions, promo codes and their uses; discounts on orders and their lines

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-04 13:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0026'
down_revision: str | None = '0025'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'promotions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=128), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('target', sa.String(length=16), nullable=False),
        sa.Column('percent', sa.String(length=12), nullable=False),
        sa.Column('amount_minor', sa.BigInteger(), nullable=True),
        sa.Column('buy', sa.Integer(), nullable=False),
        sa.Column('threshold_minor', sa.BigInteger(), nullable=True),
        sa.Column('currency', sa.String(length=3), nullable=True),
        sa.Column('category_id', sa.Integer(), nullable=True),
        sa.Column('product_ids', sa.Text(), nullable=False),
        sa.Column('target_text', sa.String(length=256), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_by', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_promotions_category_id_categories')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_promotions')),
    )
    op.create_index(op.f('ix_promotions_ends_at'), 'promotions', ['ends_at'], unique=False)
    op.create_table(
        'promo_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('percent', sa.String(length=12), nullable=False),
        sa.Column('amount_minor', sa.BigInteger(), nullable=True),
        sa.Column('minimum_minor', sa.BigInteger(), nullable=True),
        sa.Column('currency', sa.String(length=3), nullable=True),
        sa.Column('max_uses', sa.Integer(), nullable=True),
        sa.Column('per_customer', sa.Integer(), nullable=True),
        sa.Column('first_order_only', sa.Boolean(), nullable=False),
        sa.Column('category_id', sa.Integer(), nullable=True),
        sa.Column('product_ids', sa.Text(), nullable=False),
        sa.Column('target_text', sa.String(length=256), nullable=False),
        sa.Column('uses', sa.Integer(), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_by', sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            'uses >= 0 AND (max_uses IS NULL OR uses <= max_uses)', name=op.f('ck_promo_codes_uses_in_limit')
        ),
        sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_promo_codes_category_id_categories')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_promo_codes')),
        sa.UniqueConstraint('code', name=op.f('uq_promo_codes_code')),
    )
    op.create_table(
        'promo_code_uses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code_id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('amount_minor', sa.BigInteger(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['code_id'], ['promo_codes.id'], name=op.f('fk_promo_code_uses_code_id_promo_codes')),
        sa.ForeignKeyConstraint(
            ['customer_id'], ['customers.id'], name=op.f('fk_promo_code_uses_customer_id_customers')
        ),
        sa.ForeignKeyConstraint(
            ['order_id'], ['orders.id'], name=op.f('fk_promo_code_uses_order_id_orders'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_promo_code_uses')),
        sa.UniqueConstraint('order_id', name=op.f('uq_promo_code_uses_order_id')),
    )
    op.create_index('ix_promo_code_uses_code_customer', 'promo_code_uses', ['code_id', 'customer_id'], unique=False)
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('discount_minor', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('promo_code', sa.String(length=32), server_default='', nullable=False))
        batch_op.add_column(sa.Column('discounts', sa.Text(), server_default='[]', nullable=False))
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('discount_minor', sa.BigInteger(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.drop_column('discount_minor')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('discounts')
        batch_op.drop_column('promo_code')
        batch_op.drop_column('discount_minor')
    op.drop_index('ix_promo_code_uses_code_customer', table_name='promo_code_uses')
    op.drop_table('promo_code_uses')
    op.drop_table('promo_codes')
    op.drop_index(op.f('ix_promotions_ends_at'), table_name='promotions')
    op.drop_table('promotions')
