"""0057 records the cash collected on cash-on-delivery orders delivered before deliver_order kept
it as a payment: read from each order's cash-on-delivery sale in the journal, less the parts its
customer gave up and what was recorded at a pickup counter, exactly; on both engines."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.models.base import UtcDateTime
from tests.storage.migrations import migrate

PLACED, DELIVERED = datetime(2026, 11, 1, 9, 0, tzinfo=UTC), datetime(2026, 11, 3, 15, 30, tzinfo=UTC)
# (id, code, payment method, status, total)
ORDERS = [
    (9201, "CODM0001", "cod", "delivered", 960),  # a courier's cash, its sale in the books
    (9202, "CODM0002", "cod", "completed", 1000),  # 2 of its 3 × 9201 given up: £5.33 never collected
    (9203, "CODM0003", "cod", "completed", 1200),  # handed over at a counter: its cash recorded then
    (9204, "CODM0004", "cod", "shipped", 700),  # not delivered: no cash yet
    (9205, "CODM0005", "card", "delivered", 500),  # paid by card
]
# (order, product, quantity, unit price, discount)
LINES = [(9202, 9201, 3, 300, 100), (9202, 9202, 1, 200, 0), (9201, 9202, 1, 960, 0)]
ENTRIES = [  # (source, memo)
    ("order:CODM0001", "sale CODM0001 (cash on delivery)"),
    ("order:CODM0002", "sale CODM0002 (cash on delivery); code SAVE10"),
    ("order:CODM0002", "not collected, cancelled parts of CODM0002"),
    ("order:CODM0003", "sale CODM0003 (cash on delivery)"),
    ("order:CODM0005", "sale CODM0005 (card)"),
]


async def test_cash_collected_before_is_recorded_as_each_orders_payment(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.run_sync(migrate(engine, "0056", down=True))
        await _insert(connection)
        await connection.commit()
        await connection.run_sync(migrate(engine, "head"))
        query = text(
            "SELECT order_id, kind, method, amount_minor, currency, at FROM payments WHERE order_id > 9200 ORDER BY id"
        ).columns(at=UtcDateTime())
        recorded = [tuple(row) for row in await connection.execute(query)]
        for table in ("payments", "backorders", "order_lines"):
            await connection.execute(text(f"DELETE FROM {table} WHERE order_id > 9200"))
        await connection.execute(text("DELETE FROM journal_entries WHERE source LIKE 'order:CODM%'"))
        for table in ("orders", "products", "product_groups", "customers", "categories"):
            await connection.execute(text(f"DELETE FROM {table} WHERE id > 9200"))
        await connection.commit()
    assert recorded == [
        (9203, "payment", "cod", 1200, "GBP", PLACED),  # the counter's, as it was
        (9201, "payment", "cod", 960, "GBP", DELIVERED),
        (9202, "payment", "cod", 1000 - 800 * 2 // 3, "GBP", DELIVERED),  # £4.67: what the books took in
    ]


async def _insert(connection: AsyncConnection) -> None:
    run = connection.execute
    at = {"at": PLACED}
    await run(text("INSERT INTO categories (id, name) VALUES (9201, 'Cash')"))
    for product in (9201, 9202):
        await run(
            text("INSERT INTO product_groups (id, code) VALUES (:id, :sku)"), {"id": product, "sku": f"CODM-{product}"}
        )
        await run(
            text(
                "INSERT INTO products (id, sku, name, description, category_id, weight_g, group_id) "
                "VALUES (:id, :sku, 'Mug', '', 9201, 0, :id)"
            ),
            {"id": product, "sku": f"CODM-{product}"},
        )
    await run(
        text(
            "INSERT INTO customers (id, first_name, is_business, is_vip, unreachable, created_at) "
            "VALUES (9201, 'Vera', false, false, false, :at)"
        ).bindparams(bindparam("at", type_=UtcDateTime())),
        at,
    )
    for order, code, method, status, total in ORDERS:
        await run(
            text(
                "INSERT INTO orders (id, code, customer_id, status, currency, subtotal_minor, shipping_minor, "
                "total_minor, fx_rate, flags, created_at, updated_at, payment_method) "
                "VALUES (:id, :code, 9201, :status, 'GBP', :total, 0, :total, '1', '', :at, :at, :method)"
            ).bindparams(bindparam("at", type_=UtcDateTime())),
            {"id": order, "code": code, "status": status, "total": total, "method": method} | at,
        )
    for order, product, quantity, price, discount in LINES:
        await run(
            text(
                "INSERT INTO order_lines (order_id, product_id, sku, name, quantity, unit_price_minor, discount_minor) "
                "VALUES (:order, :product, 'CODM', 'Mug', :quantity, :price, :discount)"
            ),
            {"order": order, "product": product, "quantity": quantity, "price": price, "discount": discount},
        )
    await run(
        text(
            "INSERT INTO backorders (order_id, product_id, customer_id, quantity, filled, cancelled, vip, status, "
            "created_at) VALUES (9202, 9201, 9201, 0, 0, 2, false, 'cancelled', :at)"
        ).bindparams(bindparam("at", type_=UtcDateTime())),
        at,
    )
    await run(
        text(
            "INSERT INTO payments (order_id, kind, method, amount_minor, currency, at) "
            "VALUES (9203, 'payment', 'cod', 1200, 'GBP', :at)"
        ).bindparams(bindparam("at", type_=UtcDateTime())),
        at,
    )
    for source, memo in ENTRIES:
        await run(
            text(
                "INSERT INTO journal_entries (at, source, memo, currency, debit_total, credit_total) "
                "VALUES (:at, :source, :memo, 'GBP', 1, 1)"
            ).bindparams(bindparam("at", type_=UtcDateTime())),
            {"at": DELIVERED, "source": source, "memo": memo},
        )
