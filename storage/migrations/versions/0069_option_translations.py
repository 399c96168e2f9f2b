"""product_translations.options: a variant's option names and values per language, as its name has one

Revision ID: 0069
Revises: 0068
Create Date: 2026-12-07 08:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0069"
down_revision: str | None = "0068"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A column added in place (no batch rebuild): the table's change triggers (0031, 0033) stay as they are,
    # and a write to it numbers its product for the read cache's reload as a name's does.
    op.add_column("product_translations", sa.Column("options", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    # In place too (SQLite has DROP COLUMN since 3.35): a batch rebuild would drop the change triggers.
    op.drop_column("product_translations", "options")
