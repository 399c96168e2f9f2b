"""addresses.uses, used_at: how often and when last a saved address was ordered to, so checkout offers those

Revision ID: 0055
Revises: 0054
Create Date: 2026-12-06 14:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models.base import UtcDateTime

revision: str = "0055"
down_revision: str | None = "0054"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("addresses") as batch_op:
        batch_op.add_column(sa.Column("uses", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("used_at", UtcDateTime(), nullable=True))
    # Counted from the orders already placed to each (checkout saves the address as the order carries it), so a
    # chain's most used branch is offered from the first checkout after the upgrade.
    placed = "FROM orders o WHERE o.customer_id = addresses.customer_id AND o.address = addresses.text"
    op.execute(f"UPDATE addresses SET uses = (SELECT count(*) {placed}), used_at = (SELECT max(o.created_at) {placed})")


def downgrade() -> None:
    with op.batch_alter_table("addresses") as batch_op:
        batch_op.drop_column("used_at")
        batch_op.drop_column("uses")
