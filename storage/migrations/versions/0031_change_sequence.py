"""change sequence on products and stock, kept by triggers, for the read cache's incremental reloads

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-04 16:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What ``storage.repositories.changes`` relies on: every write to a product, to what its card
# shows (prices, translations, its category's name, its parent's options) or to a stock counter
# leaves a number on the product's or the counter's row that is past the marker the read cache
# took before its last load. Triggers, not the repositories, so that no write path (a bulk
# import, another process, plain SQL) can forget it. Deletes leave no number: the reload notices
# them by the rows' count and reloads whole.
#
# SQLite: numbers come from a one-row counter; writers are serialised, so a committed number is
# below every number a later commit writes. ``coalesce``: a counter row gone (a test emptying
# tables) numbers everything 0, which only costs whole reloads.
_NEXT = "UPDATE change_counter SET value = value + 1;"
_SEQ = "coalesce((SELECT value FROM change_counter WHERE id = 1), 0)"
_TOUCH_PRODUCT = f"{_NEXT} UPDATE products SET change_seq = {_SEQ} WHERE id = {{row}}.product_id;"
SQLITE_TRIGGERS = {
    "change_seq_products_insert": f"AFTER INSERT ON products BEGIN {_NEXT} "
    f"UPDATE products SET change_seq = {_SEQ} WHERE id = NEW.id; END",
    # WHEN: the triggers below set change_seq themselves; this one numbers every other update.
    "change_seq_products_update": f"AFTER UPDATE ON products WHEN NEW.change_seq IS OLD.change_seq BEGIN {_NEXT} "
    f"UPDATE products SET change_seq = {_SEQ} WHERE id = NEW.id; END",
    "change_seq_stock_insert": f"AFTER INSERT ON stock BEGIN {_NEXT} UPDATE stock SET change_seq = {_SEQ} "
    "WHERE product_id = NEW.product_id AND warehouse_id = NEW.warehouse_id; END",
    "change_seq_stock_update": f"AFTER UPDATE ON stock WHEN NEW.change_seq IS OLD.change_seq BEGIN {_NEXT} "
    f"UPDATE stock SET change_seq = {_SEQ} WHERE product_id = NEW.product_id AND warehouse_id = NEW.warehouse_id; END",
    **{
        f"change_seq_{table}_{when.lower()}": f"AFTER {when} ON {table} BEGIN "
        + _TOUCH_PRODUCT.format(row="OLD" if when == "DELETE" else "NEW")
        + " END"
        for table in ("product_prices", "product_translations")
        for when in ("INSERT", "UPDATE", "DELETE")
    },
    "change_seq_categories_update": f"AFTER UPDATE ON categories BEGIN {_NEXT} "
    f"UPDATE products SET change_seq = {_SEQ} WHERE category_id = NEW.id; END",
    "change_seq_product_groups_update": f"AFTER UPDATE ON product_groups BEGIN {_NEXT} "
    f"UPDATE products SET change_seq = {_SEQ} WHERE group_id = NEW.id; END",
}

# PostgreSQL: the writing transaction's id. Ids are not in commit order, so the reader's marker
# is the oldest transaction still running when it loads (its snapshot's xmin): everything below
# it had ended by then and was read; everything from it on is read again next time.
POSTGRES_FUNCTIONS = {
    "ordergram_change_seq": "BEGIN NEW.change_seq := pg_current_xact_id()::text::bigint; RETURN NEW; END",
    # change_seq = 0: the products' own trigger numbers the row.
    "ordergram_touch_product": "BEGIN IF TG_OP = 'DELETE' THEN "
    "UPDATE products SET change_seq = 0 WHERE id = OLD.product_id; "
    "ELSE UPDATE products SET change_seq = 0 WHERE id = NEW.product_id; END IF; RETURN NULL; END",
    "ordergram_touch_category": "BEGIN UPDATE products SET change_seq = 0 WHERE category_id = NEW.id; RETURN NULL; END",
    "ordergram_touch_group": "BEGIN UPDATE products SET change_seq = 0 WHERE group_id = NEW.id; RETURN NULL; END",
}
POSTGRES_TRIGGERS = {
    "change_seq_products": "BEFORE INSERT OR UPDATE ON products FOR EACH ROW EXECUTE FUNCTION ordergram_change_seq()",
    "change_seq_stock": "BEFORE INSERT OR UPDATE ON stock FOR EACH ROW EXECUTE FUNCTION ordergram_change_seq()",
    "change_seq_product_prices": "AFTER INSERT OR UPDATE OR DELETE ON product_prices "
    "FOR EACH ROW EXECUTE FUNCTION ordergram_touch_product()",
    "change_seq_product_translations": "AFTER INSERT OR UPDATE OR DELETE ON product_translations "
    "FOR EACH ROW EXECUTE FUNCTION ordergram_touch_product()",
    "change_seq_categories": "AFTER UPDATE ON categories FOR EACH ROW EXECUTE FUNCTION ordergram_touch_category()",
    "change_seq_product_groups": "AFTER UPDATE ON product_groups FOR EACH ROW EXECUTE FUNCTION ordergram_touch_group()",
}


def upgrade() -> None:
    op.create_table(
        "change_counter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_counter")),
    )
    op.execute("INSERT INTO change_counter (id, value) VALUES (1, 0)")
    # Plain ADD COLUMN (no batch): recreating a table on SQLite would drop its triggers.
    op.add_column("products", sa.Column("change_seq", sa.BigInteger(), nullable=False, server_default="0"))
    op.add_column("stock", sa.Column("change_seq", sa.BigInteger(), nullable=False, server_default="0"))
    op.create_index(op.f("ix_products_change_seq"), "products", ["change_seq"])
    if op.get_bind().dialect.name == "postgresql":
        for name, body in POSTGRES_FUNCTIONS.items():
            op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ {body} $$")
        for name, definition in POSTGRES_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {definition}")
    else:
        for name, definition in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {definition}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, definition in POSTGRES_TRIGGERS.items():
            table = definition.split(" ON ")[1].split()[0]
            op.execute(f"DROP TRIGGER {name} ON {table}")
        for name in POSTGRES_FUNCTIONS:
            op.execute(f"DROP FUNCTION {name}()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_index(op.f("ix_products_change_seq"), table_name="products")
    with op.batch_alter_table("stock") as batch:
        batch.drop_column("change_seq")
    with op.batch_alter_table("products") as batch:
        batch.drop_column("change_seq")
    op.drop_table("change_counter")
