"""price lists: a customer's price group, and price rules per group and currency

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-04 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0027'
down_revision: str | None = '0026'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('price_group', sa.String(length=32), nullable=False, server_default='retail'))
    op.create_table(
        'price_rules',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('price_group', sa.String(length=32), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('scope', sa.String(length=16), nullable=False),
        sa.Column('target', sa.String(length=64), nullable=False),
        sa.Column('min_quantity', sa.Integer(), nullable=False),
        sa.Column('price_minor', sa.BigInteger(), nullable=True),
        sa.Column('percent', sa.String(length=12), nullable=True),
        sa.Column('min_order', sa.Integer(), nullable=True),
        sa.Column('pack', sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_price_rules')),
        sa.UniqueConstraint(
            'price_group', 'currency', 'scope', 'target', 'min_quantity', name='uq_price_rules_key'
        ),
    )
    op.create_index(op.f('ix_price_rules_price_group'), 'price_rules', ['price_group'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_price_rules_price_group'), table_name='price_rules')
    op.drop_table('price_rules')
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_column('price_group')
