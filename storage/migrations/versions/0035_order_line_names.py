"""order_lines.names: each line's name in the languages the product was translated into when ordered

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-05 09:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0035"
down_revision: str | None = "0034"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A customer reads an order's lines in their language as the products were named when it was
    # placed. Lines of orders placed before this have no translations and read in the shop's.
    with op.batch_alter_table("order_lines") as batch:
        batch.add_column(sa.Column("names", sa.Text(), server_default="{}", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("order_lines") as batch:
        batch.drop_column("names")
