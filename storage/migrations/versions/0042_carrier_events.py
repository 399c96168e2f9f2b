"""carrier_events: each carrier tracking update once, so a repeated callback tells no one again

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-05 23:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models.base import UtcDateTime

revision: str = "0042"
down_revision: str | None = "0041"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "carrier_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("order_id", sa.Integer(), sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
        sa.Column("tracking", sa.String(64), nullable=False),
        sa.Column("event", sa.String(16), nullable=False),
        sa.Column("location", sa.String(200), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("tracking", "event", "location", name="uq_carrier_events"),
    )
    op.create_index("ix_carrier_events_order_id", "carrier_events", ["order_id"])


def downgrade() -> None:
    op.drop_index("ix_carrier_events_order_id", "carrier_events")
    op.drop_table("carrier_events")
