"""The scale seeder (bench/seed_scale.py) on SQLite and PostgreSQL: every table's invariants
hold on what it wrote, and the bot's own read paths serve the seeded shop."""

from __future__ import annotations

import gettext
from collections import defaultdict
from datetime import UTC, date, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.i18n import locales_dir
from domain.customers import Customer
from domain.orders import ORDER_TRANSITIONS, OrderStatus
from domain.usecases.order_queue import fulfilment_queue
from domain.usecases.orders import my_order, my_orders
from domain.usecases.staff_order import order_for_staff
from handlers.views.memos import entry_memo
from storage.db import create_engine, session_factory
from storage.uow import SqlUnitOfWork
from tests.storage.seeding import load_seeder

seed = load_seeder().seed
END = date(2026, 12, 1)
OPEN = ("placed", "paid", "allocated", "picking", "picked", "packed")
SHIPPED = ("shipped", "delivered", "completed")


async def _seeded(database_url: str, engine: AsyncEngine) -> dict[str, int]:
    await engine.dispose()  # the seeder takes the SQLite file alone while it writes
    rows: dict[str, int] = await seed(database_url, scale=0.001, seed=7, end=END, data=None)
    return rows


async def _scalar(engine: AsyncEngine, sql: str) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(text(sql)) or 0)


async def _rows(engine: AsyncEngine, sql: str) -> list[Any]:
    async with engine.connect() as connection:
        return [tuple(r) for r in await connection.execute(text(sql))]


async def test_seeded_tables_keep_every_invariant(database_url: str, engine: AsyncEngine) -> None:
    rows = await _seeded(database_url, engine)
    assert rows["orders"] == 1_000 and rows["customers"] == 100 and rows["products"] == 20
    for table, count in rows.items():
        assert await _scalar(engine, f"SELECT count(*) FROM {table}") == count, table
    assert rows["order_lines"] >= rows["orders"] and rows["returns"] >= 0 and rows["journal_entries"] > 0
    # Stock: reserved is the sum of its reservations, on hand is what its bins hold.
    assert await _scalar(engine, "SELECT count(*) FROM reservations") > 0
    assert not await _rows(
        engine,
        "SELECT s.product_id, s.warehouse_id FROM stock s WHERE s.reserved <> (SELECT coalesce(sum(r.quantity), 0) "
        "FROM reservations r WHERE r.product_id = s.product_id AND r.warehouse_id = s.warehouse_id)",
    )
    assert not await _rows(
        engine,
        "SELECT s.product_id FROM stock s WHERE s.on_hand <> (SELECT coalesce(sum(b.quantity), 0) FROM bin_stock b "
        "JOIN bins ON bins.id = b.bin_id WHERE b.product_id = s.product_id AND bins.warehouse_id = s.warehouse_id)",
    )
    # Orders: totals are their lines plus shipping.
    assert not await _rows(
        engine,
        "SELECT o.id FROM orders o WHERE o.total_minor <> o.subtotal_minor + o.shipping_minor OR o.subtotal_minor <> "
        "(SELECT sum(l.quantity * l.unit_price_minor) FROM order_lines l WHERE l.order_id = o.id)",
    )
    # Journal: every entry balances, its lines add up to its totals.
    assert not await _rows(
        engine,
        "SELECT e.id FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id GROUP BY e.id, e.debit_total, "
        "e.credit_total HAVING sum(l.debit_minor) <> e.debit_total OR sum(l.credit_minor) <> e.credit_total "
        "OR e.debit_total <> e.credit_total",
    )
    assert await _scalar(engine, "SELECT sum(debit_minor) - sum(credit_minor) FROM journal_lines") == 0


async def test_seeded_journal_entries_keep_their_memo_keys_as_the_bot_writes_them(
    database_url: str, engine: AsyncEngine
) -> None:
    """/journal reads a memo from its key and values in the reader's language; a seeded entry
    without them (as before 19fbb6ef) was read from its English by the old patterns only."""
    await _seeded(database_url, engine)
    async with SqlUnitOfWork(session_factory(engine)) as uow:
        entries = await uow.journal.entries(datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
    assert [e.memo for e in entries if e.keyed is None] == []
    assert [e.memo for e in entries if e.keyed is not None and e.keyed.text() != e.memo] == []
    russian = gettext.translation("messages", locales_dir(), ["ru"]).gettext
    read = {e.keyed.key: (e.memo, entry_memo(e, russian)) for e in entries if e.keyed is not None}
    assert set(read) == {
        "sale {code} (card)",
        "sale {code} (cash on delivery)",
        "shipment {code}",
        "return {rma}: restocked",
        "refund owed, {rest}",
        "refund paid, return {rma}",
    }
    code = read["shipment {code}"][0].removeprefix("shipment ")
    rma = read["refund paid, return {rma}"][0].removeprefix("refund paid, return ")
    assert read["refund owed, {rest}"] == (f"refund owed, return {rma}", f"к возврату покупателю, возврат товара {rma}")
    assert read["shipment {code}"][1] == f"отгрузка {code}"
    assert read["sale {code} (card)"][1].startswith("продажа ") and read["sale {code} (card)"][1].endswith(" (карта)")


async def test_seeded_statuses_follow_the_lifecycle_and_match_payments_and_shipments(
    database_url: str, engine: AsyncEngine
) -> None:
    await _seeded(database_url, engine)
    history: defaultdict[int, list[tuple[str | None, str]]] = defaultdict(list)
    for order_id, from_status, to_status in await _rows(
        engine, "SELECT order_id, from_status, to_status FROM order_history ORDER BY order_id, at, id"
    ):
        history[order_id].append((from_status, to_status))
    orders = await _rows(
        engine,
        "SELECT o.id, o.status, o.payment_method, o.total_minor, o.tracking_number, "
        "(SELECT coalesce(sum(amount_minor), 0) FROM payments p WHERE p.order_id = o.id AND p.kind = 'payment'), "
        "(SELECT count(*) FROM packages k WHERE k.order_id = o.id), "
        "(SELECT coalesce(sum(quantity), 0) FROM reservations r WHERE r.order_id = o.id), "
        "(SELECT coalesce(sum(quantity), 0) FROM demand d WHERE d.source = 'shipment ' || o.code), "
        "(SELECT sum(quantity) FROM order_lines l WHERE l.order_id = o.id) FROM orders o",
    )
    seen = set()
    for order_id, status, method, total, tracking, paid, packages, allocated, shipped_units, units in orders:
        steps = history[order_id]
        assert steps[0] == (None, "placed") and steps[-1][1] == status
        for (_, before), (after_from, after) in pairwise(steps):
            assert after_from == before and OrderStatus(after) in ORDER_TRANSITIONS[OrderStatus(before)]
        reached = {to for _, to in steps}
        card_paid = method == "card" and "paid" in reached
        assert paid == (total if card_paid or (method == "cod" and "delivered" in reached) else 0)
        assert packages == (1 if "packed" in reached else 0)
        assert allocated == (units if status in OPEN else 0)
        assert (bool(tracking), shipped_units) == ((True, units) if status in SHIPPED else (False, 0))
        seen.add(status)
    assert {"cancelled", "delivered", "completed"} <= seen
    # Returns: refunded once, owed and paid back, on orders that were delivered.
    assert not await _rows(
        engine,
        "SELECT r.id FROM returns r JOIN orders o ON o.id = r.order_id "
        "WHERE o.status NOT IN ('delivered', 'completed') OR r.refund_minor <> "
        "(SELECT sum(amount_minor) FROM payments p WHERE p.order_id = r.order_id AND p.kind = 'refunded')",
    )


async def test_the_bots_read_paths_serve_the_seeded_shop(database_url: str, engine: AsyncEngine) -> None:
    await _seeded(database_url, engine)
    uow = SqlUnitOfWork(session_factory(engine))
    customer_id, count = (await _rows(
        engine, "SELECT customer_id, count(*) FROM orders GROUP BY customer_id ORDER BY count(*) DESC, customer_id"
    ))[0]  # fmt: skip
    page = await my_orders(uow, customer_id=customer_id, page=0, page_size=5)  # /orders
    assert page.pages == (count + 4) // 5 and len(page.orders) == min(5, count)
    created = [o.created_at.timestamp() for o in page.orders if o.created_at is not None]
    assert len(created) == len(page.orders) and created == sorted(created, reverse=True)  # newest first
    newest = page.orders[0]
    order = await my_order(uow, customer_id=customer_id, code=newest.code)  # /order CODE
    assert order.total.amount == sum(x.quantity * x.unit_price.amount for x in order.lines) + (
        order.shipping.amount if order.shipping else 0
    )
    assert order.history[-1].to_status is order.status
    staff_view = await order_for_staff(uow, staff_id=100, code=newest.code)  # staff /order
    assert staff_view.customer is not None and staff_view.customer.id == customer_id
    _, queue = await fulfilment_queue(uow, staff_id=100, warehouse_code="LON")  # /queue
    in_queue = await _scalar(
        engine,
        "SELECT count(DISTINCT o.id) FROM orders o JOIN reservations r ON r.order_id = o.id "
        "WHERE r.warehouse_id = 1 AND o.status IN ('allocated', 'picking', 'picked', 'packed')",
    )
    assert len(queue) == in_queue
    # New rows take ids after the seeded ones (the PostgreSQL sequences moved past them).
    async with uow:
        added = await uow.customers.add(Customer(telegram_id=1, first_name="New", created_at=datetime.now(UTC)))
        await uow.commit()
    assert added.id == 101


async def test_the_same_seed_seeds_the_same_shop(tmp_path: Path) -> None:
    shops = []
    for name, seed_value in (("a", 7), ("b", 7), ("c", 8)):
        url = f"sqlite+aiosqlite:///{tmp_path / name}.sqlite3"
        await seed(url, scale=0.001, seed=seed_value, end=END, data=None)
        engine = create_engine(url)
        shops.append(
            (
                await _rows(
                    engine, "SELECT code, customer_id, status, total_minor, created_at FROM orders ORDER BY id"
                ),
                await _rows(
                    engine, "SELECT entry_id, account, debit_minor, credit_minor FROM journal_lines ORDER BY id"
                ),
            )
        )
        await engine.dispose()
    assert shops[0] == shops[1] and shops[0] != shops[2]
