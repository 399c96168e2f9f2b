"""products.status_seq: the change number of the write that last changed a product's status (the stock feed)

Revision ID: 0074
Revises: 0073
Create Date: 2026-12-07 15:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0074"
down_revision: str | None = "0073"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Products are never deleted: one taken off sale (hidden, discontinued) keeps its stock, so its
# counters leave no change for the stock feed to report. Its status write numbers the row, as
# 0070 numbers a counter's (SQLite's one-row counter, PostgreSQL's transaction id), so the feed
# lists it by the same rule (``storage.repositories.stock_changes``). Other edits of a product
# (its name, its price) leave the number as it was.
_SQLITE = {
    "status_seq_products_update": "AFTER UPDATE OF status ON products WHEN NEW.status IS NOT OLD.status BEGIN "
    "UPDATE change_counter SET value = value + 1; "
    "UPDATE products SET status_seq = coalesce((SELECT value FROM change_counter WHERE id = 1), 0) "
    "WHERE id = NEW.id; END",
    # A row inserted is no change of status; one ``ordergram copy`` brings keeps no number of
    # another database's numbering (it would be listed as changed until this one caught up).
    "status_seq_products_insert": "AFTER INSERT ON products WHEN NEW.status_seq != 0 BEGIN "
    "UPDATE products SET status_seq = 0 WHERE id = NEW.id; END",
}
_POSTGRES = (
    "BEGIN IF TG_OP = 'INSERT' THEN NEW.status_seq := 0; "
    "ELSIF NEW.status IS DISTINCT FROM OLD.status THEN NEW.status_seq := pg_current_xact_id()::text::bigint; "
    "END IF; RETURN NEW; END"
)


def upgrade() -> None:
    # Plain ADD COLUMN (no batch): recreating the table on SQLite would drop its triggers. 0: a
    # status set before now is below any mark a feed hands out from now on.
    op.add_column("products", sa.Column("status_seq", sa.BigInteger(), nullable=False, server_default="0"))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION ordergram_status_seq() RETURNS trigger LANGUAGE plpgsql AS $$ " + _POSTGRES + " $$"
        )
        op.execute(
            "CREATE TRIGGER status_seq_products BEFORE INSERT OR UPDATE ON products FOR EACH ROW "
            "EXECUTE FUNCTION ordergram_status_seq()"
        )
    else:
        for name, definition in _SQLITE.items():
            op.execute(f"CREATE TRIGGER {name} {definition}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER status_seq_products ON products")
        op.execute("DROP FUNCTION ordergram_status_seq()")
        op.drop_column("products", "status_seq")
    else:
        for name in _SQLITE:
            op.execute(f"DROP TRIGGER {name}")
        op.execute("ALTER TABLE products DROP COLUMN status_seq")
