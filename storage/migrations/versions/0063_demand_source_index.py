"""demand (source, day): the nightly read of a promo code's sales finds its shipments' rows by source

Revision ID: 0063
Revises: 0062
Create Date: 2026-12-07 00:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0063"
down_revision: str | None = "0062"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # PromotionRepository.code_sales asks for "shipment CODE" rows of a few orders within a few
    # weeks: without it each night read every demand row the shop ever had (millions).
    op.create_index("ix_demand_source_day", "demand", ["source", "day"])


def downgrade() -> None:
    op.drop_index("ix_demand_source_day", table_name="demand")
