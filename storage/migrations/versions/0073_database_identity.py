"""database_identity: a random name this database keeps, which the stock feed's tokens carry

Revision ID: 0073
Revises: 0072
Create Date: 2026-12-07 15:00:00.000000
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0073"
down_revision: str | None = "0072"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A stock feed token is a point in this database's change numbering (0070): read by another
# database (a restored backup, a copy in the other engine) it names a point in a numbering it
# was never in, and changes would be skipped unseen. So a token carries the database's name,
# made here at random (each database migrated gets its own, a new one included) and never
# copied: the table is not on the models, so ``ordergram copy`` leaves the target's own;
# ``ordergram backup`` gives its copy a new one (``storage.identity``).


def upgrade() -> None:
    op.create_table(
        "database_identity",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("value", sa.String(64), nullable=False),
    )
    made = sa.text("INSERT INTO database_identity (id, value) VALUES (1, :value)")
    op.execute(made.bindparams(value=secrets.token_hex(16)))


def downgrade() -> None:
    op.drop_table("database_identity")
