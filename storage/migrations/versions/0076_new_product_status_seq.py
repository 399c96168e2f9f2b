"""products.status_seq numbers a product's creation too: a new one, with no stock yet, comes in the stock feed's changes

Revision ID: 0076
Revises: 0075
Create Date: 2026-12-07 18:20:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0076"
down_revision: str | None = "0075"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A product has no stock counter until stock of it is counted, so a new one left no number the
# stock feed reads: a channel polling "what changed" never learnt of it (0074 kept an inserted
# row's ``status_seq`` at 0). Its creation sets its status, so it is numbered as a status change
# is, in the creating transaction, from the same source (SQLite's one-row counter, PostgreSQL's
# transaction id): the rule of ``storage.repositories.stock_changes`` holds for it unchanged.
#
# SQLite: the products' insert trigger of 0033 numbers ``status_seq`` with ``change_seq`` in its
# one UPDATE, and 0074's insert trigger goes (one trigger less on every product a file inserts).
# A bulk write numbers its rows itself, both columns alike (``storage.repositories.catalog_bulk``);
# a row inserted carrying any other ``status_seq`` (``ordergram copy``'s, another database's) is
# numbered here again.
_NEXT = "UPDATE change_counter SET value = value + 1;"
_SEQ = "coalesce((SELECT value FROM change_counter WHERE id = 1), 0)"
OLD_SQLITE = {  # as 0033 and 0074 left them
    "change_seq_products_insert": f"AFTER INSERT ON products WHEN NEW.change_seq = 0 BEGIN {_NEXT} "
    f"UPDATE products SET change_seq = {_SEQ} WHERE id = NEW.id; END",
    "status_seq_products_insert": "AFTER INSERT ON products WHEN NEW.status_seq != 0 BEGIN "
    "UPDATE products SET status_seq = 0 WHERE id = NEW.id; END",
}
NEW_SQLITE = {
    "change_seq_products_insert": "AFTER INSERT ON products WHEN NEW.change_seq = 0 "
    f"OR NEW.status_seq IS NOT NEW.change_seq BEGIN {_NEXT} "
    f"UPDATE products SET change_seq = {_SEQ}, status_seq = {_SEQ} WHERE id = NEW.id; END",
}
_POSTGRES = (
    "BEGIN IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status "
    "THEN NEW.status_seq := pg_current_xact_id()::text::bigint; END IF; RETURN NEW; END"
)
OLD_POSTGRES = (  # as 0074 made it
    "BEGIN IF TG_OP = 'INSERT' THEN NEW.status_seq := 0; "
    "ELSIF NEW.status IS DISTINCT FROM OLD.status THEN NEW.status_seq := pg_current_xact_id()::text::bigint; "
    "END IF; RETURN NEW; END"
)
# Products created before this with no counter were missed by every poll: numbered once now (one
# number for all), the next poll of every channel brings them. One a channel read in full since
# comes again, which repeats, never misses. ``change_seq`` moves with it, so SQLite's update
# trigger does not number each row again.
_UNSTOCKED = "NOT EXISTS (SELECT 1 FROM stock WHERE stock.product_id = products.id)"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE OR REPLACE FUNCTION ordergram_status_seq() RETURNS trigger LANGUAGE plpgsql AS $$ {_POSTGRES} $$"
        )
        op.execute(f"UPDATE products SET status_seq = pg_current_xact_id()::text::bigint WHERE {_UNSTOCKED}")
        return
    op.execute("DROP TRIGGER status_seq_products_insert")
    op.execute("DROP TRIGGER change_seq_products_insert")
    for name, definition in NEW_SQLITE.items():
        op.execute(f"CREATE TRIGGER {name} {definition}")
    op.execute(_NEXT)
    op.execute(f"UPDATE products SET change_seq = {_SEQ}, status_seq = {_SEQ} WHERE {_UNSTOCKED}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE OR REPLACE FUNCTION ordergram_status_seq() RETURNS trigger LANGUAGE plpgsql AS $$ {OLD_POSTGRES} $$"
        )
        return
    for name in NEW_SQLITE:
        op.execute(f"DROP TRIGGER {name}")
    for name, definition in OLD_SQLITE.items():
        op.execute(f"CREATE TRIGGER {name} {definition}")
