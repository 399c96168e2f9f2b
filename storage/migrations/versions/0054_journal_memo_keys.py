"""journal_entries.memo_key, memo_params: each memo's message key and values, read in the reader's language

Revision ID: 0054
Revises: 0053
Create Date: 2026-12-06 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0054"
down_revision: str | None = "0053"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("journal_entries") as batch_op:
        batch_op.add_column(sa.Column("memo_key", sa.String(256), nullable=True))
        batch_op.add_column(sa.Column("memo_params", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("journal_entries") as batch_op:
        batch_op.drop_column("memo_params")
        batch_op.drop_column("memo_key")
