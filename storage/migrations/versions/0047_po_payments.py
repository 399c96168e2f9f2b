"""po_payments: each payment to a purchase order's supplier (when, how much, who, note)

The payments recorded before are read back from their journal entries (``PO N paid [in part]
AMOUNT CUR[: note]``): when and how much, with their note; who recorded them was never kept.
What the entries do not account for of ``paid_minor`` is one payment at the order's last one.

Revision ID: 0047
Revises: 0046
Create Date: 2026-12-06 07:45:00.000000
"""

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from alembic import op

from domain.money import Money
from storage.models.base import UtcDateTime

revision: str = "0047"
down_revision: str | None = "0046"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PAID = re.compile(r"PO (?P<po>\d+) paid(?: in part)? (?P<amount>\d+(?:\.\d+)?) (?P<currency>[A-Z]{3})(?:: (?P<note>.*))?")
FX_NOTE = re.compile(r"; \d+(?:\.\d+)? [A-Z]{3} at \S+ [A-Z]{3}/[A-Z]{3}$")  # what the books add after the note


def upgrade() -> None:
    table = op.create_table(
        "po_payments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "po_id", sa.Integer(), sa.ForeignKey("purchase_orders.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("paid_at", UtcDateTime(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("paid_by", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.String(200), nullable=False),
        sa.CheckConstraint("amount_minor > 0", name=op.f("ck_po_payments_po_payment_positive")),
    )
    op.create_index("ix_po_payments_po_id", "po_payments", ["po_id"])
    assert table is not None
    op.bulk_insert(table, _earlier_payments())


def _earlier_payments() -> list[dict[str, object]]:
    bind = op.get_bind()
    orders = bind.execute(
        sa.text("SELECT id, currency, paid_minor, created_at FROM purchase_orders WHERE paid_minor > 0").columns(
            sa.column("id", sa.Integer()),
            sa.column("currency", sa.String()),
            sa.column("paid_minor", sa.BigInteger()),
            sa.column("created_at", UtcDateTime()),
        )
    )
    rows: list[dict[str, object]] = []
    for po_id, currency, paid_minor, created_at in orders.all():
        entries = bind.execute(
            sa.text("SELECT at, memo FROM journal_entries WHERE source = :source ORDER BY at, id").columns(
                sa.column("at", UtcDateTime()), sa.column("memo", sa.String())
            ),
            {"source": f"po:{po_id}"},
        ).all()
        found, last = 0, created_at
        for at, memo in entries:
            match = PAID.fullmatch(FX_NOTE.sub("", memo))
            if match is None or int(match["po"]) != po_id or match["currency"] != currency:
                continue
            try:
                amount = Money.from_decimal(Decimal(match["amount"]), currency).amount
            except (InvalidOperation, ValueError):
                continue
            if amount <= 0 or found + amount > paid_minor:
                continue
            rows.append(_row(po_id, at, amount, (match["note"] or "")[:200]))
            found, last = found + amount, at
        if found < paid_minor:
            rows.append(_row(po_id, last, paid_minor - found, ""))
    return rows


def _row(po_id: int, at: object, amount: int, note: str) -> dict[str, object]:
    return {"po_id": po_id, "paid_at": at, "amount_minor": amount, "paid_by": None, "note": note}


def downgrade() -> None:
    op.drop_index("ix_po_payments_po_id", "po_payments")
    op.drop_table("po_payments")
