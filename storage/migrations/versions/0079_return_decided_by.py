"""returns.decided_by: who approved or rejected a return (a second tap is told their name)

Revision ID: 0079
Revises: 0078
Create Date: 2026-12-07 19:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0079"
down_revision: str | None = "0078"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable: a return decided before it names no one (the second tap is told it is decided, not by whom).
    op.add_column("returns", sa.Column("decided_by", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    op.drop_column("returns", "decided_by")
