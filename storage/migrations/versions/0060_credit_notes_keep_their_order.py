"""credit_notes.order_id: RESTRICT, not CASCADE (an order deleted would take its numbered notes away)

Revision ID: 0060
Revises: 0059
Create Date: 2026-12-06 20:50:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0060"
down_revision: str | None = "0059"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK = "fk_credit_notes_order_id_orders"


def _point_order_id(ondelete: str) -> None:
    # Batch mode: SQLite cannot alter a foreign key in place, so its table is rebuilt.
    with op.batch_alter_table("credit_notes") as batch:
        batch.drop_constraint(FK, type_="foreignkey")
        batch.create_foreign_key(FK, "orders", ["order_id"], ["id"], ondelete=ondelete)


def upgrade() -> None:
    # A credit note's number must stay taken: deleting its order is refused instead.
    _point_order_id("RESTRICT")


def downgrade() -> None:
    _point_order_id("CASCADE")
