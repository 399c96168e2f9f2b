"""debit_notes.tax_minor: the tax a debit note adds, kept as it was issued (the journal's figure)

Revision ID: 0078
Revises: 0077
Create Date: 2026-12-07 18:50:00.000000
"""

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

import sqlalchemy as sa
from alembic import op

revision: str = "0078"
down_revision: str | None = "0077"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # NOT NULL with a default: SQLite adds it without rebuilding the table.
    op.add_column("debit_notes", sa.Column("tax_minor", sa.BigInteger(), nullable=False, server_default="0"))
    bind = op.get_bind()
    # A note issued before keeps the tax its PDF printed until now, so a reprint reads as the one sent: the tax
    # inside its amount at the order's rate, printed only while the order as it is holds any tax. Written here as
    # that day's ``handlers.output.documents`` printed it: this revision never changes.
    rows = bind.execute(
        sa.text(
            "SELECT n.id, n.amount_minor, o.total_minor, o.shipping_minor, o.tax_rate "
            "FROM debit_notes n JOIN orders o ON o.id = n.order_id"
        )
    )
    update = sa.text("UPDATE debit_notes SET tax_minor = :tax WHERE id = :id")
    for note_id, amount, total, shipping, rate in rows.all():
        shipping = shipping or 0
        if _included(total - shipping, rate) + _included(shipping, rate) and (tax := _included(amount, rate)):
            bind.execute(update, {"tax": tax, "id": note_id})


def _included(gross: int, rate: str) -> int:
    """The tax inside ``gross`` minor units at ``rate`` percent, half-even (``Order.included_tax`` that day)."""
    r = Fraction(Decimal(rate or "0"))
    return round(Fraction(gross) * r / (100 + r)) if r else 0


def downgrade() -> None:
    op.drop_column("debit_notes", "tax_minor")
