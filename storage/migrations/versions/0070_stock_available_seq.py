"""stock.available_seq: the change number of a counter's last write that moved its available quantity (the stock feed)

Revision ID: 0070
Revises: 0069
Create Date: 2026-12-07 11:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0070"
down_revision: str | None = "0069"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What ``storage.repositories.stock_changes`` relies on: every write to a stock counter that
# moves on_hand - reserved (its available quantity) leaves a number in ``available_seq`` from the
# same source as ``change_seq`` (0031): SQLite's one-row counter, PostgreSQL's transaction id. A
# write that moves neither (a reorder point) leaves it as it was, so the feed does not report it.
#
# SQLite: the stock triggers of 0031/0033 are replaced by ones that number both columns in their
# one UPDATE (a second trigger would cost every hold a sub-program run). A bulk write that numbers
# rows itself writes both (``storage.repositories.stock_counts``); one that numbers only
# ``change_seq`` is numbered by the update trigger again, so no write path can leave the
# available quantity moved and unnumbered.
_NEXT = "UPDATE change_counter SET value = value + 1;"
_SEQ = "coalesce((SELECT value FROM change_counter WHERE id = 1), 0)"
_ROW = "WHERE product_id = NEW.product_id AND warehouse_id = NEW.warehouse_id;"
_MOVED = "(NEW.on_hand - NEW.reserved) IS NOT (OLD.on_hand - OLD.reserved)"
OLD_SQLITE = {  # as 0031 and 0033 left them
    "change_seq_stock_insert": f"AFTER INSERT ON stock WHEN NEW.change_seq = 0 BEGIN {_NEXT} "
    f"UPDATE stock SET change_seq = {_SEQ} {_ROW} END",
    "change_seq_stock_update": f"AFTER UPDATE ON stock WHEN NEW.change_seq IS OLD.change_seq BEGIN {_NEXT} "
    f"UPDATE stock SET change_seq = {_SEQ} {_ROW} END",
}
NEW_SQLITE = {
    "change_seq_stock_insert": f"AFTER INSERT ON stock WHEN NEW.change_seq = 0 OR NEW.available_seq = 0 "
    f"BEGIN {_NEXT} UPDATE stock SET change_seq = {_SEQ}, available_seq = {_SEQ} {_ROW} END",
    "change_seq_stock_update": f"AFTER UPDATE ON stock WHEN NEW.change_seq IS OLD.change_seq "
    f"OR (NEW.available_seq IS OLD.available_seq AND {_MOVED}) BEGIN {_NEXT} "
    f"UPDATE stock SET change_seq = {_SEQ}, available_seq = CASE WHEN {_MOVED} THEN {_SEQ} ELSE available_seq END "
    f"{_ROW} END",
}
# PostgreSQL: its own BEFORE trigger, one assignment; a write that leaves the available quantity
# as it was keeps the number it had (a bulk write's 0 included).
POSTGRES_FUNCTION = (
    "BEGIN IF TG_OP = 'INSERT' OR (NEW.on_hand - NEW.reserved) IS DISTINCT FROM (OLD.on_hand - OLD.reserved) "
    "THEN NEW.available_seq := pg_current_xact_id()::text::bigint; "
    "ELSE NEW.available_seq := OLD.available_seq; END IF; RETURN NEW; END"
)


def upgrade() -> None:
    # Plain ADD COLUMN (no batch): recreating the table on SQLite would drop its triggers.
    op.add_column("stock", sa.Column("available_seq", sa.BigInteger(), nullable=False, server_default="0"))
    sqlite = op.get_bind().dialect.name != "postgresql"
    if sqlite:  # set aside while the rows start: the update trigger would number every row again
        for name in OLD_SQLITE:
            op.execute(f"DROP TRIGGER {name}")
    # The starting value: the counter's last write's number, which is below any mark a feed can
    # hand out from now on (a feed's first token is taken after this).
    op.execute("UPDATE stock SET available_seq = change_seq")
    if not sqlite:
        op.execute(
            "CREATE FUNCTION ordergram_available_seq() RETURNS trigger LANGUAGE plpgsql AS $$ "
            + POSTGRES_FUNCTION
            + " $$"
        )
        op.execute(
            "CREATE TRIGGER available_seq_stock BEFORE INSERT OR UPDATE ON stock "
            "FOR EACH ROW EXECUTE FUNCTION ordergram_available_seq()"
        )
    else:
        for name, definition in NEW_SQLITE.items():
            op.execute(f"CREATE TRIGGER {name} {definition}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER available_seq_stock ON stock")
        op.execute("DROP FUNCTION ordergram_available_seq()")
        op.drop_column("stock", "available_seq")
    else:
        _replace(OLD_SQLITE)
        op.execute("ALTER TABLE stock DROP COLUMN available_seq")  # in place (SQLite ≥ 3.35): triggers kept


def _replace(triggers: dict[str, str]) -> None:
    for name, definition in triggers.items():
        op.execute(f"DROP TRIGGER {name}")
        op.execute(f"CREATE TRIGGER {name} {definition}")
