"""order_lines.replaces_line_id, paid_minor, list_price_minor: a replacement's line keeps the line it was sent for,
what all its units were paid, and the list price a unit stands at

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-05 18:40:00.000000
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0036"
down_revision: str | None = "0035"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK = "fk_order_lines_replaces_line_id_order_lines"


def upgrade() -> None:
    # Plain ADD COLUMN on both engines (SQLite takes the reference inline): no copy of order_lines.
    # Written out: alembic's ``inline_references`` came in 1.18.2, and pyproject takes 1.13 on.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE order_lines ADD COLUMN replaces_line_id INTEGER REFERENCES order_lines (id)")
    else:
        op.add_column("order_lines", sa.Column("replaces_line_id", sa.Integer(), nullable=True))
        op.create_foreign_key(FK, "order_lines", "order_lines", ["replaces_line_id"], ["id"])
    op.add_column("order_lines", sa.Column("paid_minor", sa.BigInteger(), nullable=True))
    op.add_column("order_lines", sa.Column("list_price_minor", sa.BigInteger(), nullable=True))
    _backfill(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":  # SQLite's reference is unnamed, and goes with its column
        op.drop_constraint(FK, "order_lines", type_="foreignkey")
    with op.batch_alter_table("order_lines") as batch:
        batch.drop_column("list_price_minor")
        batch.drop_column("paid_minor")
        batch.drop_column("replaces_line_id")


def _backfill(bind: sa.Connection) -> None:
    """Replacement lines made before this, best effort, oldest replacement first (so a replacement
    of a replacement finds its origin's figures filled).

    Origin: a replacement was made with one line per returned line, in the return's order, so
    when the counts agree and each line is the product its returned line asked for, they pair up
    in order; otherwise a line is paired as the code did until now, with the first returned line
    asking for its product, and one no returned line asked for is left alone.

    Paid: the returned units' share of what their line was paid in all (the first order's line
    after its discounts; a replacement origin's own figure), by the cumulative rule refunds use,
    counting the units of that line earlier returns (by id) took back, refunded or exchanged;
    plus what the line charged. A swap to a variant cheaper than what was paid owed the difference
    back on the return as one amount: it is taken off when that return had one such line; with
    several, which owed what was not kept, the figures are left NULL and the code prices the line
    as before (the amount shared per unit). List price: the origin's per unit, plus what a unit
    was charged or less what it owed back."""
    replacements = bind.execute(
        sa.text(
            "SELECT o.id, r.id, r.refund_minor FROM orders o JOIN returns r ON r.replacement_order_id = o.id "
            "WHERE ',' || o.flags || ',' LIKE '%,REPLACEMENT,%' ORDER BY o.id"
        )
    ).all()
    replaced = {order_id for order_id, _, _ in replacements}
    paid: dict[int, tuple[int, int] | None] = {}  # replacement line id → (list per unit, line total), None if unknown
    for order_id, return_id, refund in replacements:
        lines = bind.execute(
            sa.text("SELECT id, product_id, quantity, unit_price_minor FROM order_lines WHERE order_id = :o ORDER BY id"),
            {"o": order_id},
        ).all()
        returned = bind.execute(
            sa.text(
                "SELECT rl.order_line_id, rl.product_id, rl.swap_product_id, rl.quantity, ol.order_id, "
                "ol.unit_price_minor, ol.quantity, ol.discount_minor, "
                "(SELECT COALESCE(SUM(e.quantity), 0) FROM return_lines e JOIN returns er ON er.id = e.return_id "
                "WHERE e.order_line_id = rl.order_line_id AND er.id < rl.return_id "
                "AND er.status IN ('refunded', 'exchanged')) "
                "FROM return_lines rl JOIN order_lines ol ON ol.id = rl.order_line_id "
                "WHERE rl.return_id = :r ORDER BY rl.id"
            ),
            {"r": return_id},
        ).all()
        down = [x for x, line in zip(returned, lines, strict=False) if x[2] is not None and not line[3]]
        for line, origin in _paired(lines, returned):
            figure = _paid(line, origin, replaced, paid, refund, len(down)) if origin is not None else None
            paid[line[0]] = figure
            bind.execute(
                sa.text(
                    "UPDATE order_lines SET replaces_line_id = :origin, paid_minor = :paid, list_price_minor = :list "
                    "WHERE id = :id"
                ),
                {
                    "origin": origin[0] if origin else None,
                    "paid": figure[1] if figure else None,
                    "list": figure[0] if figure else None,
                    "id": line[0],
                },
            )


def _paired(lines: Sequence[Any], returned: Sequence[Any]) -> list[tuple[Any, Any | None]]:
    wanted = [x[2] if x[2] is not None else x[1] for x in returned]
    if len(lines) == len(returned) and all(line[1] == w for line, w in zip(lines, wanted, strict=True)):
        return list(zip(lines, returned, strict=True))
    return [(line, next((x for x, w in zip(returned, wanted, strict=True) if w == line[1]), None)) for line in lines]


def _paid(
    line: Any, origin: Any, replaced: set[int], paid: dict[int, tuple[int, int] | None], refund: int | None, down: int
) -> tuple[int, int] | None:
    """(list price per unit, what all units were paid) of ``line``, or None when it cannot be known."""
    origin_line, _, swap, quantity, origin_order, price, count, discount, prior = origin
    if origin_order in replaced:
        before = paid.get(origin_line)
        if before is None:
            return None
    else:
        before = (price, price * count - discount)
    share = before[1] * (prior + quantity) // count - before[1] * prior // count
    charged = line[3]
    if swap is None or charged > 0:
        return before[0] + charged, share + charged * quantity
    if down != 1:
        return None
    owed = refund or 0
    return before[0] - owed // quantity, share - owed
