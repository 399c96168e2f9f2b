"""po_lines.received_at: the last price paid is the latest receipt's, not the highest order number's

Revision ID: 0043
Revises: 0042
Create Date: 2026-12-06 01:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models.base import UtcDateTime

revision: str = "0043"
down_revision: str | None = "0042"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A received line's time is its last receipt movement's ("PO N receipt", written by
# receive_po into the order's warehouse); a line received before movements carried that
# reason falls back to the order's creation, which keeps the old order-number ranking.
BACKFILL = """
UPDATE po_lines SET received_at = COALESCE(
    (SELECT MAX(mv.at) FROM inventory_movements mv JOIN purchase_orders po ON po.id = po_lines.po_id
      WHERE mv.product_id = po_lines.product_id AND mv.warehouse_id = po.warehouse_id
        AND mv.delta > 0 AND mv.reason = 'PO ' || po_lines.po_id || ' receipt'),
    (SELECT po.created_at FROM purchase_orders po WHERE po.id = po_lines.po_id))
WHERE received > 0
"""


def upgrade() -> None:
    with op.batch_alter_table("po_lines") as batch_op:
        batch_op.add_column(sa.Column("received_at", UtcDateTime(), nullable=True))
    op.execute(BACKFILL)


def downgrade() -> None:
    with op.batch_alter_table("po_lines") as batch_op:
        batch_op.drop_column("received_at")
