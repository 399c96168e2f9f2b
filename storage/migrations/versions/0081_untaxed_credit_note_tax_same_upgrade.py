"""credit_notes.tax_minor: none on any note of an order now holding no tax when this upgrade also ran 0075

Revision ID: 0081
Revises: 0080
Create Date: 2026-12-07 22:40:00.000000
"""

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

import sqlalchemy as sa
from alembic import context, op

revision: str = "0081"
down_revision: str | None = "0080"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # 0075 was never released, so a shop upgrading from below it runs 0075 and 0080 together: every note it has then
    # was issued by code that kept no tax and holds 0075's figure, whatever its day, which 0080 judged by the day only.
    # The revisions the upgrade started from (storage.migrate) tell; absent (Alembic run by hand), nothing can.
    started = context.config.attributes.get("ordergram_upgraded_from")
    if started is None or any(not r.isdigit() or int(r) >= 75 for r in started):
        return  # a shop that ran 0075 before books its notes' real tax since: 0080 did what can safely be done
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT n.id, o.total_minor, o.shipping_minor, o.tax_rate "
            "FROM credit_notes n JOIN orders o ON o.id = n.order_id WHERE n.tax_minor <> 0"
        )
    )
    update = sa.text("UPDATE credit_notes SET tax_minor = 0 WHERE id = :id")
    for note_id, total, shipping, rate in rows.all():
        shipping = shipping or 0
        if not _included(total - shipping, rate) + _included(shipping, rate):  # as 0080: that PDF printed none
            bind.execute(update, {"id": note_id})


def _included(gross: int, rate: str) -> int:
    """The tax inside ``gross`` minor units at ``rate`` percent, half-even (``Order.included_tax`` that day)."""
    r = Fraction(Decimal(rate or "0"))
    return round(Fraction(gross) * r / (100 + r)) if r else 0


def downgrade() -> None:
    pass  # the figure taken was one its PDF never printed
