"""order_history.amount_minor: what a goodwill refund's timeline entry gave, so the timeline shows it from the entry

Revision ID: 0058
Revises: 0057
Create Date: 2026-12-06 17:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0058"
down_revision: str | None = "0057"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Entries written before stay empty: the timeline pairs them with the goodwill payment rows by place.
    with op.batch_alter_table("order_history") as batch_op:
        batch_op.add_column(sa.Column("amount_minor", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("order_history") as batch_op:
        batch_op.drop_column("amount_minor")
