"""web sessions: the staff dashboard's browser sign-ins, kept server-side so removing staff ends them

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-04 16:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0032'
down_revision: str | None = '0031'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'web_sessions',
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('telegram_id', sa.BigInteger(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('agent', sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_web_sessions')),
    )
    op.create_index(op.f('ix_web_sessions_telegram_id'), 'web_sessions', ['telegram_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_web_sessions_telegram_id'), table_name='web_sessions')
    op.drop_table('web_sessions')
