"""product variants: every product gets a parent (product_groups) and option values; an
exchange's return line may name another variant (a size swap)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'product_groups',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=64), nullable=False),
        sa.Column('option1_name', sa.String(length=64), server_default='', nullable=False),
        sa.Column('option2_name', sa.String(length=64), server_default='', nullable=False),
        sa.Column('option3_name', sa.String(length=64), server_default='', nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_product_groups')),
        sa.UniqueConstraint('code', name=op.f('uq_product_groups_code')),
    )
    # Existing products each become a parent with one variant, coded as the SKU.
    op.execute('INSERT INTO product_groups (id, code) SELECT id, sku FROM products')
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute(
            "SELECT setval(pg_get_serial_sequence('product_groups', 'id'), "
            "COALESCE((SELECT MAX(id) FROM product_groups), 0) + 1, false)"
        )
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('group_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('option1', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('option2', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('option3', sa.String(length=64), server_default='', nullable=False))
    op.execute('UPDATE products SET group_id = id')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.alter_column('group_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_products_group_id'), ['group_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_products_group_id_product_groups'), 'product_groups', ['group_id'], ['id']
        )
        batch_op.create_unique_constraint(
            'uq_products_variant', ['group_id', 'option1', 'option2', 'option3']
        )
    with op.batch_alter_table('return_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('swap_product_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_return_lines_swap_product_id_products'), 'products', ['swap_product_id'], ['id']
        )


def downgrade() -> None:
    with op.batch_alter_table('return_lines', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_return_lines_swap_product_id_products'), type_='foreignkey')
        batch_op.drop_column('swap_product_id')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_constraint('uq_products_variant', type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_products_group_id_product_groups'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_products_group_id'))
        batch_op.drop_column('option3')
        batch_op.drop_column('option2')
        batch_op.drop_column('option1')
        batch_op.drop_column('group_id')
    op.drop_table('product_groups')
