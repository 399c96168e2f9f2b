"""0043 dates each received purchase order line by its last receipt movement (else its order's
creation), leaves lines with nothing in undated, on both engines, and goes back down."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.models.base import UtcDateTime
from tests.storage.migrations import down_and_up, migrate

ORDERED = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
FIRST_IN, LAST_IN = datetime(2026, 11, 20, 10, 0, tzinfo=UTC), datetime(2026, 11, 25, 16, 30, tzinfo=UTC)
# (id, purchase order, units received); 9201: received twice, 9202: nothing in yet,
# 9203: received before receipts were movements named after their order
LINES = [(9201, 9201, 6), (9202, 9201, 0), (9203, 9202, 4)]
# (product, warehouse, delta, reason, at): only the order's own receipts, into its warehouse, count
MOVEMENTS = [
    (9201, 9201, 2, "PO 9201 receipt", FIRST_IN),
    (9201, 9201, 4, "PO 9201 receipt", LAST_IN),
    (9201, 9202, 5, "PO 9201 receipt", datetime(2026, 11, 30, tzinfo=UTC)),  # another warehouse
    (9201, 9201, 3, "PO 92010 receipt", datetime(2026, 12, 1, tzinfo=UTC)),  # another order
    (9201, 9201, -1, "PO 9201 receipt", datetime(2026, 12, 2, tzinfo=UTC)),  # not an arrival
]


async def test_received_lines_are_dated_by_their_last_receipt_else_by_their_order(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.run_sync(migrate(engine, "0042", down=True))
        run = connection.execute
        await run(text("INSERT INTO categories (id, name) VALUES (9201, 'Backfill')"))
        for product in (9201, 9202):
            group = text("INSERT INTO product_groups (id, code) VALUES (:id, :c)")
            await run(group, {"id": product, "c": f"B{product}"})
            await run(
                text(
                    "INSERT INTO products (id, sku, name, description, category_id, weight_g, group_id) "
                    "VALUES (:id, :sku, 'Lamp', '', 9201, 0, :id)"
                ),
                {"id": product, "sku": f"BKF-{product}"},
            )
        for warehouse in (9201, 9202):
            await run(
                text(
                    "INSERT INTO warehouses (id, code, name, address, is_pickup_point) VALUES (:id, :c, 'W', '', false)"
                ),
                {"id": warehouse, "c": f"W{warehouse}"},
            )
        supplier = "INSERT INTO suppliers (id, code, name, contact, lead_time_days) VALUES (9201, 'S', 'S', '', 7)"
        await run(text(supplier))
        for po in (9201, 9202):
            await run(
                text(
                    "INSERT INTO purchase_orders (id, supplier_id, warehouse_id, status, currency, created_at, "
                    "updated_by) VALUES (:id, 9201, 9201, 'partial', 'GBP', :at, 't')"
                ).bindparams(bindparam("at", type_=UtcDateTime())),
                {"id": po, "at": ORDERED},
            )
        for line, po, received in LINES:
            await run(
                text(
                    "INSERT INTO po_lines (id, po_id, product_id, quantity, received, unit_cost_minor) "
                    "VALUES (:id, :po, :product, 10, :received, 500)"
                ),
                {"id": line, "po": po, "product": 9201 if line != 9202 else 9202, "received": received},
            )
        for product, warehouse, delta, reason, at in MOVEMENTS:
            await run(
                text(
                    "INSERT INTO inventory_movements (product_id, warehouse_id, delta, reason, actor, at) "
                    "VALUES (:p, :w, :d, :r, 't', :at)"
                ).bindparams(bindparam("at", type_=UtcDateTime())),
                {"p": product, "w": warehouse, "d": delta, "r": reason, "at": at},
            )
        await connection.commit()
        await connection.run_sync(migrate(engine, "head"))
        query = text("SELECT id, received_at FROM po_lines WHERE id > 9200").columns(received_at=UtcDateTime())
        dated = {line: at for line, at in await run(query)}
        await connection.commit()
    await down_and_up(engine, "0042")  # down with the rows, and up again
    async with engine.connect() as connection:
        run = connection.execute
        await run(text("DELETE FROM inventory_movements WHERE product_id > 9200"))
        for table in ("po_lines", "purchase_orders", "suppliers", "warehouses", "products", "product_groups"):
            await run(text(f"DELETE FROM {table} WHERE id > 9200"))
        await run(text("DELETE FROM categories WHERE id = 9201"))
        await connection.commit()
    assert dated == {9201: LAST_IN, 9202: None, 9203: ORDERED}
