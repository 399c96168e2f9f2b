"""Sales summary rebuilt: a SKU's revenue in it is what its lines were charged, after discounts

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-05 22:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0039"
down_revision: str | None = "0038"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The summarised days kept each SKU's revenue at list price; emptied, the summary job builds
    # them again from the orders (a few runs for a long history) and /report reads the orders
    # meanwhile, as for days not summarised yet.
    for table in ("sales_day_skus", "sales_days", "sales_summary"):
        op.execute(f"DELETE FROM {table}")


def downgrade() -> None:
    for table in ("sales_day_skus", "sales_days", "sales_summary"):
        op.execute(f"DELETE FROM {table}")
