"""credit_notes.tax_minor: the tax a credit note takes back, kept as it was issued (the journal's figure)

Revision ID: 0075
Revises: 0074
Create Date: 2026-12-07 18:10:00.000000
"""

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

import sqlalchemy as sa
from alembic import op

revision: str = "0075"
down_revision: str | None = "0074"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # NOT NULL with a default: SQLite adds it without rebuilding the table (payments name its rows).
    op.add_column("credit_notes", sa.Column("tax_minor", sa.BigInteger(), nullable=False, server_default="0"))
    bind = op.get_bind()
    # A note issued before keeps the tax its PDF printed until now, so a reprint reads as the one sent: its share of
    # the tax of the invoice as issued (none kept: the order as it is), from the notes' running total, as that
    # day's ``domain.credit_notes.tax_credited`` took it. Written here as it was: this revision never changes.
    invoices = {
        order_id: (total, tax)
        for order_id, total, tax in bind.execute(
            sa.text("SELECT order_id, total_minor, tax_minor FROM issued_invoices")
        )
    }
    notes: defaultdict[int, list[tuple[int, int]]] = defaultdict(list)
    for note_id, order_id, amount in bind.execute(
        sa.text("SELECT id, order_id, amount_minor FROM credit_notes ORDER BY number")
    ):
        notes[order_id].append((note_id, amount))
    rows = bind.execute(
        sa.text(
            "SELECT id, total_minor, shipping_minor, tax_rate FROM orders "
            "WHERE id IN (SELECT order_id FROM credit_notes)"
        )
    )
    orders = {order_id: (total, shipping or 0, rate) for order_id, total, shipping, rate in rows}
    update = sa.text("UPDATE credit_notes SET tax_minor = :tax WHERE id = :id")
    for order_id, issued in notes.items():
        if order_id in invoices:
            total, tax = invoices[order_id]
        elif order_id in orders:
            total, shipping, rate = orders[order_id]
            tax = _included(total - shipping, rate) + _included(shipping, rate)
        else:
            continue
        before = 0
        for note_id, amount in issued:
            share = _through(tax, before + amount, total) - _through(tax, before, total)
            before += amount
            if share:
                bind.execute(update, {"tax": share, "id": note_id})


def _included(gross: int, rate: str) -> int:
    """The tax inside ``gross`` minor units at ``rate`` percent, half-even (``Order.included_tax`` that day)."""
    r = Fraction(Decimal(rate or "0"))
    return round(Fraction(gross) * r / (100 + r)) if r else 0


def _through(whole: int, upto: int, total: int) -> int:
    """``domain.money.share_through`` that day: what parts adding up to ``upto`` of ``total`` carry of ``whole``."""
    return round(Fraction(whole * upto, total)) if total else 0


def downgrade() -> None:
    op.drop_column("credit_notes", "tax_minor")
