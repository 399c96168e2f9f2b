"""promotions.families, promo_codes.families: a promotion or code for every variant of a product
(``products=product:CODE``), those added later too

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-05 19:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0037"
down_revision: str | None = "0036"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("promotions", "promo_codes"):
        op.add_column(table, sa.Column("families", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    for table in ("promotions", "promo_codes"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("families")
