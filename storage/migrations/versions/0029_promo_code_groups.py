"""promo codes restricted to customer groups (the price lists' groups)

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-04 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("promo_codes") as batch:
        batch.add_column(sa.Column("groups", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("promo_codes") as batch:
        batch.drop_column("groups")
