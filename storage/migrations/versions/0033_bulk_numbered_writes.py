"""change triggers leave alone the product, price, translation and stock rows a bulk write numbered itself

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-04 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite only (PostgreSQL's triggers number a row with the transaction's id, one cheap
# assignment): an import of 100,000 products ran two trigger statements for every product,
# price and translation row it wrote. A bulk write now takes one number for all its rows
# (``storage.repositories.changes.number_for_bulk_write``) and writes it itself:
# * an inserted product or stock counter that carries a number (not the default 0) is left alone;
# * a price or translation written with the number its product already carries is left alone:
#   that product was numbered by this transaction (a number is past every committed one), and
#   the row's ``change_seq`` says only that. An update that leaves the row's ``change_seq`` as
#   it was (any other writer, after an import) still numbers the product, as before.
# Updates of products and stock already skip rows whose write set ``change_seq`` (0031).
_NEXT = "UPDATE change_counter SET value = value + 1;"
_SEQ = "coalesce((SELECT value FROM change_counter WHERE id = 1), 0)"
_TOUCH_PRODUCT = f"{_NEXT} UPDATE products SET change_seq = {_SEQ} WHERE id = NEW.product_id;"
_PRODUCT_CARRIES = "(SELECT change_seq FROM products WHERE id = NEW.product_id)"
_NUMBER_PRODUCT = f"{_NEXT} UPDATE products SET change_seq = {_SEQ} WHERE id = NEW.id;"
_NUMBER_STOCK = (
    f"{_NEXT} UPDATE stock SET change_seq = {_SEQ} "
    "WHERE product_id = NEW.product_id AND warehouse_id = NEW.warehouse_id;"
)
_CARD_TABLES = ("product_prices", "product_translations")

OLD_TRIGGERS = {  # as 0031 made them
    "change_seq_products_insert": f"AFTER INSERT ON products BEGIN {_NUMBER_PRODUCT} END",
    "change_seq_stock_insert": f"AFTER INSERT ON stock BEGIN {_NUMBER_STOCK} END",
    **{
        f"change_seq_{table}_{when.lower()}": f"AFTER {when} ON {table} BEGIN {_TOUCH_PRODUCT} END"
        for table in _CARD_TABLES
        for when in ("INSERT", "UPDATE")
    },
}
NEW_TRIGGERS = {
    "change_seq_products_insert": f"AFTER INSERT ON products WHEN NEW.change_seq = 0 BEGIN {_NUMBER_PRODUCT} END",
    "change_seq_stock_insert": f"AFTER INSERT ON stock WHEN NEW.change_seq = 0 BEGIN {_NUMBER_STOCK} END",
    **{
        f"change_seq_{table}_insert": f"AFTER INSERT ON {table} "
        f"WHEN NEW.change_seq = 0 OR NEW.change_seq IS NOT {_PRODUCT_CARRIES} BEGIN {_TOUCH_PRODUCT} END"
        for table in _CARD_TABLES
    },
    **{
        f"change_seq_{table}_update": f"AFTER UPDATE ON {table} WHEN NEW.change_seq IS OLD.change_seq "
        f"OR NEW.change_seq = 0 OR NEW.change_seq IS NOT {_PRODUCT_CARRIES} BEGIN {_TOUCH_PRODUCT} END"
        for table in _CARD_TABLES
    },
}


def _replace_triggers(triggers: dict[str, str]) -> None:
    for name, definition in triggers.items():
        op.execute(f"DROP TRIGGER {name}")
        op.execute(f"CREATE TRIGGER {name} {definition}")


def upgrade() -> None:
    # Plain ADD COLUMN (no batch): recreating a table on SQLite would drop its triggers.
    for table in _CARD_TABLES:
        op.add_column(table, sa.Column("change_seq", sa.BigInteger(), nullable=False, server_default="0"))
    if op.get_bind().dialect.name == "sqlite":
        _replace_triggers(NEW_TRIGGERS)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _replace_triggers(OLD_TRIGGERS)
        for table in _CARD_TABLES:  # SQLite ≥ 3.35 drops a column in place, keeping the triggers
            op.execute(f"ALTER TABLE {table} DROP COLUMN change_seq")
    else:
        for table in _CARD_TABLES:
            op.drop_column(table, "change_seq")
