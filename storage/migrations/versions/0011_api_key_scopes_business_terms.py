"""API key scopes; business customers' payment terms

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 20:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Keys made before scopes existed keep all they could do (every endpoint; not the customers
# scope, which is new), so no shop's channel breaks on upgrade (narrow one by making a new
# key with fewer scopes and revoking the old).
WHAT_OLD_KEYS_COULD_DO = 'carrier orders receipts stock:read'


def upgrade() -> None:
    with op.batch_alter_table('api_keys') as batch:
        batch.add_column(sa.Column('scopes', sa.String(length=200), nullable=False, server_default=WHAT_OLD_KEYS_COULD_DO))
    with op.batch_alter_table('api_keys') as batch:
        batch.alter_column('scopes', server_default=None)
    with op.batch_alter_table('customers') as batch:
        batch.add_column(sa.Column('payment_terms_days', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('credit_limit_minor', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('customers') as batch:
        batch.drop_column('credit_limit_minor')
        batch.drop_column('payment_terms_days')
    with op.batch_alter_table('api_keys') as batch:
        batch.drop_column('scopes')
