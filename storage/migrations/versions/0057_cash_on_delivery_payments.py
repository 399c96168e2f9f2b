"""payments: the cash collected on cash-on-delivery orders delivered before it was recorded

A delivered cash-on-delivery order had its cash booked (``sale CODE (cash on delivery)`` into
1000 Cash, less its parts the customer gave up) but no payment row, so a goodwill refund found
nothing paid. Each such sale's order gets the payment the code now records at delivery: its total
less those parts (each line's net share ⌊net·k/n⌋ for k of its n units, ``Order.net_of``) less what
it has recorded as paid already (a pickup's cash taken at the counter), at the sale's time. Going
down leaves the rows: older code reads them as what they are, money the customer paid.

Revision ID: 0057
Revises: 0056
Create Date: 2026-12-06 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models.base import UtcDateTime

revision: str = "0057"
down_revision: str | None = "0056"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SALE = "sale {code} (cash on delivery)"  # domain.usecases.bookkeeping.book_sale's memo, as deliver_order posts it


def upgrade() -> None:
    bind = op.get_bind()
    sales = bind.execute(
        sa.text(
            "SELECT source, memo, at FROM journal_entries WHERE source LIKE 'order:%' "
            "AND memo LIKE '% (cash on delivery)%' ORDER BY at, id"
        ).columns(sa.column("source", sa.String()), sa.column("memo", sa.String()), sa.column("at", UtcDateTime()))
    ).all()
    collected_at: dict[str, object] = {}
    for source, memo, at in sales:
        code = source.removeprefix("order:")
        if memo.startswith(SALE.format(code=code)):
            collected_at.setdefault(code, at)
    rows = [row for code, at in collected_at.items() if (row := _payment(bind, code, at)) is not None]
    if rows:
        payments = sa.table(
            "payments",
            sa.column("order_id", sa.Integer()),
            sa.column("kind", sa.String()),
            sa.column("method", sa.String()),
            sa.column("amount_minor", sa.BigInteger()),
            sa.column("currency", sa.String()),
            sa.column("at", UtcDateTime()),
        )
        op.bulk_insert(payments, rows)


def _payment(bind: sa.Connection, code: str, at: object) -> dict[str, object] | None:
    """The cash payment the order ``code`` lacks, or None (not cash on delivery, or nothing more)."""
    order = bind.execute(
        sa.text("SELECT id, currency, total_minor FROM orders WHERE code = :code AND payment_method = 'cod'"),
        {"code": code},
    ).first()
    if order is None:
        return None
    order_id, currency, total = order
    left: dict[int, int] = {}
    for product_id, units in bind.execute(
        sa.text("SELECT product_id, cancelled FROM backorders WHERE order_id = :id AND cancelled > 0 ORDER BY id"),
        {"id": order_id},
    ):
        left[product_id] = left.get(product_id, 0) + int(units)
    lost = 0
    lines = bind.execute(
        sa.text(
            "SELECT product_id, quantity, unit_price_minor, discount_minor FROM order_lines "
            "WHERE order_id = :id ORDER BY id"
        ),
        {"id": order_id},
    )
    for product_id, quantity, unit_price, discount in lines:
        k = min(left.get(product_id, 0), quantity)
        if k > 0:
            left[product_id] -= k
            lost += (unit_price * quantity - discount) * k // quantity
    paid = bind.execute(
        sa.text("SELECT COALESCE(SUM(amount_minor), 0) FROM payments WHERE order_id = :id AND kind = 'payment'"),
        {"id": order_id},
    ).scalar_one()
    collected = int(total) - min(lost, int(total)) - int(paid)
    if collected <= 0:
        return None
    return {
        "order_id": order_id,
        "kind": "payment",
        "method": "cod",
        "amount_minor": collected,
        "currency": currency,
        "at": at,
    }


def downgrade() -> None:
    pass
