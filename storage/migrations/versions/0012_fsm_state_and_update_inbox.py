"""fsm state and the update inbox

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 20:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('fsm_state',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('state', sa.String(length=200), nullable=True),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_fsm_state'))
    )
    op.create_table('update_inbox',
    sa.Column('update_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('update_id', name=op.f('pk_update_inbox'))
    )
    op.create_index('ix_update_inbox_handled_at', 'update_inbox', ['handled_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_update_inbox_handled_at', table_name='update_inbox')
    op.drop_table('update_inbox')
    op.drop_table('fsm_state')
