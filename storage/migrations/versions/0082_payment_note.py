"""payments.note: what staff typed with a payment (a bank transfer's reference), shown with it

Revision ID: 0082
Revises: 0081
Create Date: 2026-12-08 02:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0082"
down_revision: str | None = "0081"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Empty for every payment recorded before: none was typed with a note.
    op.add_column("payments", sa.Column("note", sa.String(200), nullable=False, server_default=""))


def downgrade() -> None:
    op.drop_column("payments", "note")
