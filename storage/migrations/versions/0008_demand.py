"""units sold per product, warehouse and day (forecasting, slow movers)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('demand',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('warehouse_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_demand_quantity_positive')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_demand_product_id_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouses.id'], name=op.f('fk_demand_warehouse_id_warehouses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demand'))
    )
    with op.batch_alter_table('demand', schema=None) as batch_op:
        batch_op.create_index('ix_demand_product_day', ['product_id', 'warehouse_id', 'day'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('demand', schema=None) as batch_op:
        batch_op.drop_index('ix_demand_product_day')
    op.drop_table('demand')
