"""web logins: one-time links that sign a staff member in to the dashboard in a browser

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 03:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'web_logins',
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('telegram_id', sa.BigInteger(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_web_logins')),
    )
    # The dashboard's window of orders.created_at is read through ix_orders_created_at (0021).


def downgrade() -> None:
    op.drop_table('web_logins')
