"""payments.credit_note_id: a refund owed, goodwill or invoice-taken-down row names the credit note issued with it

Revision ID: 0067
Revises: 0066
Create Date: 2026-12-07 01:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0067"
down_revision: str | None = "0066"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK = "fk_payments_credit_note_id_credit_notes"
CREDITED = "('refund_owed', 'goodwill', 'credit_note')"
WITHIN_SECONDS = 5  # the rule documents read rows by until now: the order's note issued within 5 s of the row


def upgrade() -> None:
    # Plain ADD COLUMN on both engines (SQLite takes the reference inline): no copy of payments.
    # Written out: alembic's ``inline_references`` came in 1.18.2, and pyproject takes 1.13 on.
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("ALTER TABLE payments ADD COLUMN credit_note_id INTEGER REFERENCES credit_notes (id)")
        apart = "ABS(julianday(n.issued_at) - julianday(payments.at)) * 86400.0"
    else:
        op.add_column("payments", sa.Column("credit_note_id", sa.Integer(), nullable=True))
        op.create_foreign_key(FK, "payments", "credit_notes", ["credit_note_id"], ["id"])
        apart = "ABS(EXTRACT(EPOCH FROM (n.issued_at - payments.at)))"
    # Rows written before: linked by that rule where exactly one of the order's notes matches; where
    # none does (a row from before notes were numbered) or several (notes issued within seconds of each
    # other), left unlinked: a document lists the row without a note rather than with a guessed one.
    near = f"FROM credit_notes n WHERE n.order_id = payments.order_id AND {apart} <= {WITHIN_SECONDS}"
    op.execute(
        f"UPDATE payments SET credit_note_id = (SELECT MIN(n.id) {near}) "
        f"WHERE kind IN {CREDITED} AND credit_note_id IS NULL AND (SELECT COUNT(*) {near}) = 1"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":  # SQLite's reference is unnamed, and goes with its column
        op.drop_constraint(FK, "payments", type_="foreignkey")
    with op.batch_alter_table("payments") as batch:
        batch.drop_column("credit_note_id")
