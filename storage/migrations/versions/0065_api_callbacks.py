"""api_callbacks, api_events: a channel's status callbacks, written with the change they tell of

Revision ID: 0065
Revises: 0064
Create Date: 2026-12-07 01:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0065"
down_revision: str | None = "0064"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_callbacks",
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("secret", sa.String(length=80), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel", name=op.f("pk_api_callbacks")),
    )
    op.create_table(
        "api_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_api_events_order_id_orders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_events")),
    )
    op.create_index("ix_api_events_due", "api_events", ["delivered_at", "failed_at", "next_attempt_at"])
    op.create_index("ix_api_events_channel", "api_events", ["channel", "failed_at"])
    op.create_index(op.f("ix_api_events_order_id"), "api_events", ["order_id"])
    # Which channel placed an order: read at each of an API order's status changes.
    op.create_index("ix_api_requests_order_id", "api_requests", ["order_id"])


def downgrade() -> None:
    op.drop_index("ix_api_requests_order_id", table_name="api_requests")
    op.drop_index(op.f("ix_api_events_order_id"), table_name="api_events")
    op.drop_index("ix_api_events_channel", table_name="api_events")
    op.drop_index("ix_api_events_due", table_name="api_events")
    op.drop_table("api_events")
    op.drop_table("api_callbacks")
