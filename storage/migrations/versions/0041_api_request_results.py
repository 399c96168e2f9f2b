"""api_requests.result: a stock receipt's answer, kept for its Idempotency-Key's replays

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-05 22:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0041"
down_revision: str | None = "0040"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable, no default: a plain ADD COLUMN; an order's row keeps its order_id instead.
    op.add_column("api_requests", sa.Column("result", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_requests") as batch:
        batch.drop_column("result")
