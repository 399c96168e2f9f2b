"""credit_notes.tax_minor: none on a note from before 0075 whose order, edited down, holds no tax (its PDF printed none)

Revision ID: 0080
Revises: 0079
Create Date: 2026-12-07 21:40:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction

import sqlalchemy as sa
from alembic import op

revision: str = "0080"
down_revision: str | None = "0079"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 0075 was written then: no Ordergram kept a note's tax before, so a note issued earlier has the figure 0075 gave it.
# One issued later may be a shop's that ran 0075 and then booked its tax (an edit to nothing takes back all the tax
# it held, often the very share 0075 works out), which must stay: nothing in the row tells the two apart but the day.
BEFORE_0075 = datetime(2026, 12, 7, 18, 10, tzinfo=UTC)


def upgrade() -> None:
    # 0075 gave an old note its share of the invoice's tax, but that day's PDF printed a tax line only while the order
    # as it is held any tax (as 0078 does for debit notes): an order edited down to nothing printed none.
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT n.id, n.issued_at, o.total_minor, o.shipping_minor, o.tax_rate "
            "FROM credit_notes n JOIN orders o ON o.id = n.order_id WHERE n.tax_minor <> 0"
        ).columns(issued_at=sa.DateTime(timezone=True))
    )
    update = sa.text("UPDATE credit_notes SET tax_minor = 0 WHERE id = :id")
    for note_id, issued_at, total, shipping, rate in rows.all():
        shipping = shipping or 0
        old = (issued_at if issued_at.tzinfo else issued_at.replace(tzinfo=UTC)) < BEFORE_0075
        if old and not _included(total - shipping, rate) + _included(shipping, rate):
            bind.execute(update, {"id": note_id})


def _included(gross: int, rate: str) -> int:
    """The tax inside ``gross`` minor units at ``rate`` percent, half-even (``Order.included_tax`` that day)."""
    r = Fraction(Decimal(rate or "0"))
    return round(Fraction(gross) * r / (100 + r)) if r else 0


def downgrade() -> None:
    pass  # the figure taken was one its PDF never printed
