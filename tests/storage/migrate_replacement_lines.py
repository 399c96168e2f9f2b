"""Set-ups and readers of test_migrate_replacement_lines that other test modules use too."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

AT = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


PRODUCTS = {9101: "S", 9102: "M", 9103: "L", 9104: "XL"}


# (id, code, flags); 9101 the first order, 9102–9105 replacements; 9106 a second order, 9107–9108 its replacements
ORDERS = [(9101, "BKF00001", "")] + [(i, f"BKF0000{i - 9100}", "REPLACEMENT") for i in range(9102, 9106)]
ORDERS += [(9106, "BKF00006", ""), (9107, "BKF00007", "REPLACEMENT"), (9108, "BKF00008", "REPLACEMENT")]


# (id, order, product, quantity, unit price, discount)
LINES = [
    (9111, 9101, 9104, 1, 2000, 200),  # XL at £20.00 less £2.00
    (9112, 9101, 9103, 1, 1500, 0),  # L at £15.00
    (9113, 9101, 9101, 2, 1000, 0),  # 2 × S at £10.00
    (9131, 9102, 9102, 1, 0, 0),  # the XL swapped to M
    (9132, 9102, 9102, 1, 0, 0),  # the L swapped to M too: the same product twice
    (9133, 9103, 9101, 2, 0, 0),  # the 2 S again, free
    (9134, 9104, 9103, 1, 500, 0),  # one of those S swapped up to L, £5.00 charged
    (9135, 9105, 9102, 1, 0, 0),  # that L swapped down to M, £3.00 owed back
    (9116, 9106, 9101, 3, 500, 500),  # 3 × S at £5.00, the third free: £10.00 for three
    (9136, 9107, 9101, 1, 0, 0),  # one of them again
    (9137, 9108, 9101, 2, 0, 0),  # the other two again, later
]


# (id, order, replacement, refund owed); lines (id, return, order line, product, quantity, swap)
RETURNS = [(9101, 9101, 9102, 1100), (9102, 9101, 9103, None), (9103, 9103, 9104, None), (9104, 9104, 9105, 300)]
RETURNS += [(9105, 9106, 9107, None), (9106, 9106, 9108, None)]


RETURN_LINES = [
    (9121, 9101, 9111, 9104, 1, 9102),
    (9122, 9101, 9112, 9103, 1, 9102),
    (9123, 9102, 9113, 9101, 2, None),
    (9124, 9103, 9133, 9101, 1, 9103),
    (9125, 9104, 9134, 9103, 1, 9102),
    (9126, 9105, 9116, 9101, 1, None),
    (9127, 9106, 9116, 9101, 2, None),
]


async def insert_exchanges(connection: AsyncConnection) -> None:
    """An order, its exchanges and their replacements, as the schema before 0036 kept them."""
    insert = connection.execute
    await insert(text("INSERT INTO categories (id, name) VALUES (9101, 'Backfill')"))
    await insert(text("INSERT INTO product_groups (id, code, option1_name) VALUES (9101, 'BKF', 'Size')"))
    for product, size in PRODUCTS.items():
        await insert(
            text(
                "INSERT INTO products (id, sku, name, description, category_id, weight_g, group_id, option1) "
                "VALUES (:id, :sku, 'Shoe', '', 9101, 0, 9101, :size)"
            ),
            {"id": product, "sku": f"BKF-{size}", "size": size},
        )
    await insert(
        text(
            "INSERT INTO customers (id, first_name, is_business, is_vip, unreachable, created_at) "
            "VALUES (9101, 'Eli', false, false, false, :at)"
        ),
        {"at": AT},
    )
    for order, code, flags in ORDERS:
        await insert(
            text(
                "INSERT INTO orders (id, code, customer_id, status, currency, subtotal_minor, shipping_minor, "
                "total_minor, fx_rate, flags, created_at, updated_at) "
                "VALUES (:id, :code, 9101, 'delivered', 'GBP', 0, 0, 0, '1', :flags, :at, :at)"
            ),
            {"id": order, "code": code, "flags": flags, "at": AT},
        )
    for line, order, product, quantity, price, discount in LINES:
        await insert(
            text(
                "INSERT INTO order_lines (id, order_id, product_id, sku, name, quantity, unit_price_minor, "
                "discount_minor) VALUES (:id, :order, :product, 'BKF', 'Shoe', :quantity, :price, :discount)"
            ),
            {"id": line, "order": order, "product": product, "quantity": quantity}
            | {"price": price, "discount": discount},
        )
    for rma, order, replacement, refund in RETURNS:
        await insert(
            text(
                "INSERT INTO returns (id, rma_code, order_id, customer_id, kind, reason, method, status, note, "
                "photos, reject_reason, refund_minor, currency, replacement_order_id, created_at, updated_at) "
                "VALUES (:id, :rma, :order, 9101, 'exchange', 'changed_mind', 'drop_off', 'exchanged', '', '[]', "
                "'', :refund, 'GBP', :replacement, :at, :at)"
            ),
            {"id": rma, "rma": f"RBKF{rma}", "order": order} | {"refund": refund, "replacement": replacement, "at": AT},
        )
    for line, rma, order_line, product, quantity, swap in RETURN_LINES:
        await insert(
            text(
                "INSERT INTO return_lines (id, return_id, order_line_id, product_id, quantity, restocked, "
                "written_off, swap_product_id) VALUES (:id, :rma, :line, :product, :quantity, :quantity, 0, :swap)"
            ),
            {"id": line, "rma": rma, "line": order_line, "product": product, "quantity": quantity, "swap": swap},
        )


async def replacement_figures(connection: AsyncConnection) -> list[tuple[object, ...]]:
    """(line, the line it replaces, what all its units were paid, list price a unit) of those lines."""
    rows = await connection.execute(
        text("SELECT id, replaces_line_id, paid_minor, list_price_minor FROM order_lines WHERE id > 9100 ORDER BY id")
    )
    return [tuple(row) for row in rows]


async def remove_exchanges(connection: AsyncConnection) -> None:
    for table in ("return_lines", "returns", "order_lines", "orders", "customers", "products", "product_groups"):
        await connection.execute(text(f"DELETE FROM {table} WHERE id > 9100"))
    await connection.execute(text("DELETE FROM categories WHERE id = 9101"))


# What 0036 fills in for insert_exchanges' lines.
FILLED: list[tuple[object, ...]] = [
    (9111, None, None, None),  # the first order's lines replace nothing
    (9112, None, None, None),
    (9113, None, None, None),
    (9116, None, None, None),
    # Both swapped to M: paired in order, not both with the XL; two swaps down in one return
    # owed one amount, so which owed what is unknown and the code prices them as before.
    (9131, 9111, None, None),
    (9132, 9112, None, None),
    (9133, 9113, 2000, 1000),  # the same again: £10.00 each, £20.00 the two
    (9134, 9133, 1500, 1500),  # half of £20.00 paid, £5.00 charged
    (9135, 9134, 1200, 1200),  # £15.00 paid, £3.00 owed back (the one swap down of its return)
    (9136, 9116, 333, 500),  # a third of £10.00, rounded down...
    (9137, 9116, 667, 500),  # ...and the two later what the first left: £10.00 in all
]
