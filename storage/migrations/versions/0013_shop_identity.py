"""shop identity: name, support contacts and policies per language

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 23:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('shop_identity',
    sa.Column('field', sa.String(length=32), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('field', 'language', 'source', name=op.f('pk_shop_identity'))
    )


def downgrade() -> None:
    op.drop_table('shop_identity')
