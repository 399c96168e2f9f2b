"""category tree: categories have a parent (existing ones become top categories); a category's
products page by name from one index

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A new nullable column: every existing (flat) category stays where it is, at the top.
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_categories_parent_id'), ['parent_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_categories_parent_id_categories'), 'categories', ['parent_id'], ['id'], ondelete='SET NULL'
        )
    op.create_index('ix_products_category_page', 'products', ['category_id', 'active', 'name', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_products_category_page', table_name='products')
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_categories_parent_id_categories'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_categories_parent_id'))
        batch_op.drop_column('parent_id')
