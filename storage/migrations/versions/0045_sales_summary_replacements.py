"""sales summary rebuilt: an exchange's replacement order is no new sale

Revision ID: 0045
Revises: 0044
Create Date: 2026-12-06 05:05:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0045"
down_revision: str | None = "0044"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The summarised days counted each replacement as an order (and its units as sold again). They
# are emptied with their state: until the summary job has summarised them afresh (a few runs
# for years of orders, MAX_NEW_DAYS a run), /report and the digest read those days from the
# orders, by the new rule, so no figure is ever read from a stale day.


def upgrade() -> None:
    for table in ("sales_day_skus", "sales_days", "sales_summary"):
        op.execute(f"DELETE FROM {table}")


def downgrade() -> None:
    for table in ("sales_day_skus", "sales_days", "sales_summary"):  # summarised again by the older rule
        op.execute(f"DELETE FROM {table}")
