"""debit_notes: an issued invoice's rise gets a numbered debit note (DN-000001), its own sequence

Revision ID: 0064
Revises: 0063
Create Date: 2026-12-07 00:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0064"
down_revision: str | None = "0063"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Rises before re-printed their invoice with the new total: no debit note for them; the sequence (a
    # document_counters row named "debit_note") starts at 1 with the first one after. RESTRICT as 0060's.
    op.create_table(
        "debit_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_debit_notes")),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_debit_notes_order_id_orders"), ondelete="RESTRICT"
        ),
        sa.UniqueConstraint("number", name=op.f("uq_debit_notes_number")),
    )
    op.create_index(op.f("ix_debit_notes_order_id"), "debit_notes", ["order_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_debit_notes_order_id"), table_name="debit_notes")
    op.drop_table("debit_notes")
