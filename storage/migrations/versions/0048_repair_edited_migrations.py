"""repair: what migrations edited or withdrawn after they had run on main left out of a shop's schema

Revision ID: 0048
Revises: 0047
Create Date: 2026-12-06 07:40:00.000000
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision: str = "0048"
down_revision: str | None = "0047"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Alembic skips a revision a database is stamped with, so a shop whose database ran an earlier
# text of a revision never gets what was added to it later. Each of these was on main for a few
# commits; this brings such a database to what the final text makes, and changes nothing on one
# that ran the final texts:
#   0002 (2026-11-25) came without customers.telegram_language;
#   0003 (2026-11-25) came without carrier_rates.tracking_url;
#   0004 (2026-11-25) came without job_runs and orders.dunning_stage;
#   0005 (2026-11-25) came without orders.gift_message;
#   0036 (2026-12-05) was for a while an index on stock.change_seq, withdrawn (it made every stock
#     write dearer), and then order_lines.paid_unit_minor where the final text has paid_minor and
#     list_price_minor: either way order_lines lacked the final 0036's columns, and every read of an
#     order failed ("no such column: order_lines.replaces_line_id").
# (0020 once made ix_orders_created_at, which 0021 makes now: 0021 leaves it when it is there.)
COLUMNS = [
    ("customers", sa.Column("telegram_language", sa.String(length=16), nullable=True)),
    ("carrier_rates", sa.Column("tracking_url", sa.String(length=256), server_default="", nullable=False)),
    ("orders", sa.Column("dunning_stage", sa.Integer(), server_default="0", nullable=False)),
    ("orders", sa.Column("gift_message", sa.Text(), server_default="", nullable=False)),
]
LINE_FIGURES = ("paid_minor", "list_price_minor")


def upgrade() -> None:
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    for table, column in COLUMNS:
        if column.name not in _columns(inspector, table):
            op.add_column(table, column)  # plain ADD COLUMN on both engines: no copy of the table
    if "job_runs" not in inspector.get_table_names():
        op.create_table(
            "job_runs",
            sa.Column("name", sa.String(length=32), nullable=False),
            sa.Column("last_run_on", sa.Date(), nullable=False),
            sa.PrimaryKeyConstraint("name", name=op.f("pk_job_runs")),
        )
    if "ix_stock_change_seq" in {index["name"] for index in inspector.get_indexes("stock")}:
        op.drop_index("ix_stock_change_seq", table_name="stock")
    _repair_replacement_lines(bind, _columns(inspector, "order_lines"))


def downgrade() -> None:
    pass  # what it added belongs to the revisions before it: going down leaves it to them


def _columns(inspector: sa.Inspector, table: str) -> set[str]:
    return {column["name"] for column in inspector.get_columns(table)}


def _repair_replacement_lines(bind: sa.Connection, columns: set[str]) -> None:
    if "paid_unit_minor" in columns:  # the first text's figure, per unit: the final one keeps the line's whole
        op.execute("ALTER TABLE order_lines DROP COLUMN paid_unit_minor")
    missing = [name for name in ("replaces_line_id", *LINE_FIGURES) if name not in columns]
    if not missing:
        return
    final = _final_0036()
    if "replaces_line_id" in missing:
        if bind.dialect.name == "sqlite":
            op.execute("ALTER TABLE order_lines ADD COLUMN replaces_line_id INTEGER REFERENCES order_lines (id)")
        else:
            op.add_column("order_lines", sa.Column("replaces_line_id", sa.Integer(), nullable=True))
            op.create_foreign_key(final.FK, "order_lines", "order_lines", ["replaces_line_id"], ["id"])
    for name in LINE_FIGURES:
        if name in missing:
            op.add_column("order_lines", sa.Column(name, sa.BigInteger(), nullable=True))
    final._backfill(bind)  # what the final 0036 fills in for the replacement lines made before it


def _final_0036():  # type: ignore[no-untyped-def]
    path = Path(__file__).with_name("0036_replacement_line_origin.py")
    spec = importlib.util.spec_from_file_location("ordergram_migration_0036", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
