"""PostgreSQL plans of every per-update query: the bot runs the hot paths on a seeded shop,
its SQL is captured as it runs, and each statement's plan must scan no big table whole."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from bot.harness import running_bot
from sandbox import SandboxUser
from tests.conftest import empty_database
from tests.e2e.journeys import place_cod_order
from tests.storage.seeding import load_seeder

pytestmark = pytest.mark.postgres

# Tables that grow with the shop's history: a per-update query must reach them by an index.
# pick_lines and pick_lists: a line for every unit ever picked (/queue, /pick and /move ask which
# orders rounds are at).
BIG = ("orders", "order_lines", "reservations", "outbox", "customers", "pick_lines", "pick_lists")
SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")
ADMIN = 100  # seeded as staff by the seeder


async def _explain(url: str, statements: dict[str, Any]) -> dict[str, str]:
    """Each statement's plan with its own parameters, sequential scans made a last resort:
    a plan that still scans a table has no index to use, whatever the table's size."""
    import asyncpg  # type: ignore[import-untyped]

    connection = await asyncpg.connect(make_url(url).set(drivername="postgresql").render_as_string(False))
    plans: dict[str, str] = {}
    try:
        await connection.execute("SET enable_seqscan = off")
        for statement, parameters in statements.items():
            rows = await connection.fetch(f"EXPLAIN {statement}", *parameters)
            plans[statement] = "\n".join(r[0] for r in rows)
    finally:
        await connection.close()
    return plans


def _whole(plan: str, table: str) -> bool:
    """Whether the plan reads ``table`` whole: a scan of it with no condition on an index."""
    lines = plan.splitlines()
    for at, line in enumerate(lines):
        if re.search(rf"Scan (using \w+ )?on {table}\b", line):
            depth = len(line) - len(line.lstrip())
            below = [x for x in lines[at + 1 :] if len(x) - len(x.lstrip()) > depth and "->" not in x]
            if not any("Index Cond" in x for x in below[:3]):
                return True
    return False


async def _picked_history(url: str) -> None:
    """A round behind every order shipped or delivered: the lines a warehouse keeps for ever."""
    import asyncpg

    connection = await asyncpg.connect(make_url(url).set(drivername="postgresql").render_as_string(False))
    try:
        await connection.execute(
            "INSERT INTO pick_lists (method, warehouse_id, picker_telegram_id, status, created_at) "
            "SELECT 'single', 1, 7, 'done', now() FROM orders WHERE status IN ('shipped', 'delivered', 'completed')"
        )
        await connection.execute(
            "INSERT INTO pick_lines (pick_list_id, seq, order_id, product_id, tote, quantity, picked, short) "
            "SELECT l.id, 1, o.id, ol.product_id, 1, 1, 1, 0 FROM "
            "(SELECT id, row_number() OVER (ORDER BY id) AS n FROM pick_lists) l JOIN "
            "(SELECT id, row_number() OVER (ORDER BY id) AS n FROM orders "
            "WHERE status IN ('shipped', 'delivered', 'completed')) o ON o.n = l.n "
            "JOIN LATERAL (SELECT product_id FROM order_lines WHERE order_id = o.id LIMIT 1) ol ON true"
        )
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


async def _journey(url: str) -> dict[str, Any]:
    """What the bot sends PostgreSQL while a seeded customer browses, buys and looks at their
    orders, and staff look at the queue, stock, an order and a customer: statement → params."""
    captured: dict[str, Any] = {}
    async with running_bot(
        url, demo_catalog=False, admin_ids=[ADMIN], default_currency="EUR", staff_chat_id=-100500
    ) as shop:
        async with shop.runtime.sessions() as session:
            customer_id, telegram_id, first_name = (
                await session.execute(
                    text(
                        "SELECT c.id, c.telegram_id, c.first_name FROM customers c JOIN orders o ON o.customer_id = "
                        "c.id GROUP BY c.id ORDER BY count(*) DESC, c.id LIMIT 1"
                    )
                )
            ).one()
            code = await session.scalar(
                text("SELECT code FROM orders WHERE customer_id = :c AND tracking_number <> '' ORDER BY id DESC"),
                {"c": customer_id},
            )
            sku = await session.scalar(
                text(
                    "SELECT p.sku FROM products p JOIN stock s ON s.product_id = p.id AND s.warehouse_id = 1 "
                    "WHERE s.on_hand - s.reserved > 5 ORDER BY p.id LIMIT 1"
                )
            )

        def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, many: bool) -> None:
            if statement.lstrip().split(None, 1)[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH"):
                captured.setdefault(statement, tuple(parameters[0] if many else parameters or ()))

        event.listen(shop.runtime.engine.sync_engine, "before_cursor_execute", capture)
        customer = SandboxUser(shop.server, telegram_id, first_name)
        await customer.send("/start")
        await customer.send(f"/start p_{sku}")  # product card
        categories = await customer.send("/catalog")
        await customer.press(categories.last, categories.last.button_texts()[0])  # a category page
        await customer.send("/search Product")
        await customer.send(f"/add {sku} 2")  # holds
        await customer.send("/cart")
        placed = await place_cod_order(customer, pickup=True)  # checkout reads and writes, outbox
        assert any("Order " in m.text for m in placed.new), placed.text
        orders = await customer.send("/orders")
        await customer.press(orders.last, orders.last.button_texts()[0])  # an order from the list
        await customer.send(f"/track {code}")
        staff = SandboxUser(shop.server, ADMIN, "Admin")
        await staff.send("/queue LON")
        await staff.send(f"/stock {sku}")
        await staff.send(f"/order {code}")
        await staff.send(f"/customer {telegram_id}")
        await shop.runtime.notifier.drain()
        event.remove(shop.runtime.engine.sync_engine, "before_cursor_execute", capture)
    return captured


async def test_no_per_update_query_scans_orders_lines_reservations_outbox_customers_or_pick_lines(
    pg_database: str,
) -> None:
    engine = await empty_database(pg_database)
    await engine.dispose()
    await load_seeder().seed(pg_database, scale=0.01, seed=5, end=datetime.now(UTC).date(), data=None)
    await _picked_history(pg_database)
    statements = await _journey(pg_database)
    touched = {t for s in statements for t in (*BIG, "update_inbox") if re.search(rf"\b{t}\b", s)}
    assert touched == {*BIG, "update_inbox"}  # every hot table was read or written on the way
    unindexed = "SELECT id FROM orders WHERE gift_message = $1"  # the check sees a scan when there is one
    plans = await _explain(pg_database, {**statements, unindexed: ("",)})
    assert SEQ_SCAN.findall(plans.pop(unindexed)) == ["orders"]
    page = next(p for s, p in plans.items() if "ORDER BY orders.created_at DESC" in s)  # /orders
    assert "ix_orders_customer_created" in page and "Sort" not in page, page
    being_picked = [p for s, p in plans.items() if "pick_lines" in s and "EXISTS" in s]  # /queue
    # Reached from the orders still open, not by reading every pick line the warehouse had.
    assert being_picked and all("ix_orders_status" in p and not _whole(p, "pick_lines") for p in being_picked), (
        being_picked
    )
    scans = {
        statement: plan for statement, plan in plans.items() if any(table in BIG for table in SEQ_SCAN.findall(plan))
    }
    assert not scans, "\n\n".join(f"{s}\n{p}" for s, p in scans.items())
