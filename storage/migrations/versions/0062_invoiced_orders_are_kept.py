"""orders: an order whose invoice took a number cannot be deleted (its number would leave a gap in the sequence)

Revision ID: 0062
Revises: 0061
Create Date: 2026-12-07 00:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0062"
down_revision: str | None = "0061"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As credit_notes.order_id's RESTRICT keeps a credit-noted order (0060), a trigger keeps an invoiced one: the
# number is on the order's own row, so no foreign key can. A refusal is an integrity error on both engines
# (SQLite: RAISE(ABORT) is a constraint failure; PostgreSQL: SQLSTATE 23001, restrict_violation). A later
# migration must not rebuild orders with SQLite's batch mode: a rebuilt table loses its triggers
# (tests/storage/test_invoiced_order_keeps_its_row.py would say so).
NAME = "orders_keep_invoiced"
MESSAGE = "an order whose invoice has a number cannot be deleted: the number must stay taken"
SQLITE = (
    f"CREATE TRIGGER {NAME} BEFORE DELETE ON orders WHEN OLD.invoice_number IS NOT NULL "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
)
POSTGRES_FUNCTION = (
    "CREATE FUNCTION ordergram_keep_invoiced() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"RAISE EXCEPTION '{MESSAGE} (order %, invoice %)', OLD.code, OLD.invoice_number "
    "USING ERRCODE = 'restrict_violation'; END $$"
)
POSTGRES_TRIGGER = (
    f"CREATE TRIGGER {NAME} BEFORE DELETE ON orders FOR EACH ROW WHEN (OLD.invoice_number IS NOT NULL) "
    "EXECUTE FUNCTION ordergram_keep_invoiced()"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        op.execute(POSTGRES_TRIGGER)
    else:
        op.execute(SQLITE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {NAME} ON orders")
        op.execute("DROP FUNCTION ordergram_keep_invoiced()")
    else:
        op.execute(f"DROP TRIGGER {NAME}")
