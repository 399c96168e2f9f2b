"""api_keys.carriers: a carrier key reports only for the carriers it names

Revision ID: 0044
Revises: 0043
Create Date: 2026-12-06 05:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0044"
down_revision: str | None = "0043"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Which carrier an existing carrier key was made for cannot be known: it is left naming none,
# and its events are refused (403, "make one with --carrier and revoke this one") until the
# operator replaces it. Any key of DPD's could mark any carrier's parcel delivered before.


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("carriers", sa.String(length=400), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("carriers")
