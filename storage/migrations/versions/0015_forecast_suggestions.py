"""the nightly forecast job's replenishment policy per product and warehouse

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 23:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('forecast_suggestions',
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('warehouse_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=32), nullable=False),
    sa.Column('weekly_demand', sa.Float(), nullable=False),
    sa.Column('reorder_point', sa.Integer(), nullable=False),
    sa.Column('order_up_to', sa.Integer(), nullable=False),
    sa.Column('service_level', sa.Float(), nullable=False),
    sa.Column('expected_fill', sa.Float(), nullable=False),
    sa.Column('product_class', sa.String(length=1), nullable=True),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_forecast_suggestions_product_id_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouses.id'], name=op.f('fk_forecast_suggestions_warehouse_id_warehouses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('product_id', 'warehouse_id', name=op.f('pk_forecast_suggestions'))
    )
    with op.batch_alter_table('forecast_suggestions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_forecast_suggestions_computed_at'), ['computed_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('forecast_suggestions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forecast_suggestions_computed_at'))
    op.drop_table('forecast_suggestions')
