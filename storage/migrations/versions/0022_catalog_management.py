"""product status (active / hidden / discontinued) replaces the active flag; more photos,
translations of names and descriptions, and the audit trail of catalog edits

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0022'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('more_photos', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('status', sa.String(length=16), nullable=False, server_default='active'))
    # A product taken off sale before statuses existed is hidden: customers saw nothing of it.
    op.execute("UPDATE products SET status = 'hidden' WHERE active = false")
    # A category's page is read by status now: its index moves from the flag to the status.
    op.drop_index('ix_products_category_page', table_name='products')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_column('active')
    op.create_index('ix_products_category_page', 'products', ['category_id', 'status', 'name', 'id'], unique=False)
    op.create_table(
        'product_translations',
        sa.Column('product_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('name', sa.String(length=256), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['product_id'], ['products.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('product_id', 'language'),
    )
    op.create_table(
        'product_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('product_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor', sa.String(length=64), nullable=False),
        sa.Column('field', sa.String(length=32), nullable=False),
        sa.Column('before', sa.Text(), nullable=False),
        sa.Column('after', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['product_id'], ['products.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_product_changes_product', 'product_changes', ['product_id', 'at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_product_changes_product', table_name='product_changes')
    op.drop_table('product_changes')
    op.drop_table('product_translations')
    op.drop_index('ix_products_category_page', table_name='products')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()))
    op.execute("UPDATE products SET active = false WHERE status = 'hidden'")
    op.create_index('ix_products_category_page', 'products', ['category_id', 'active', 'name', 'id'], unique=False)
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_column('status')
        batch_op.drop_column('more_photos')
