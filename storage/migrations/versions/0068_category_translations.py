"""category_translations: a category's name per language, as a product's name has one

Revision ID: 0068
Revises: 0067
Create Date: 2026-12-07 07:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0068"
down_revision: str | None = "0067"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A table of its own, not a column per language: the bot speaks the languages its catalogs give.
    op.create_table(
        "category_translations",
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(["category_id"], ["categories.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("category_id", "language"),
    )


def downgrade() -> None:
    op.drop_table("category_translations")
