"""orders.reference: another channel's own number for an order (the intake API's reference)

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-05 22:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0040"
down_revision: str | None = "0039"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # It was kept only in a paid order's history line ("paid at web shop, WEB-1001"); earlier
    # orders keep it there, and read "" here. A plain ADD COLUMN: no copy of a big orders table.
    op.add_column("orders", sa.Column("reference", sa.String(64), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("reference")
