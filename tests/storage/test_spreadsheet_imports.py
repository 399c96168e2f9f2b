"""Imports on SQLite and PostgreSQL: demand horizon, catalog cost, a large stock file all or nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import bindparam, event, insert, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.accounting import Account
from domain.errors import ImportRejected
from domain.money import Money
from domain.orders import Order
from domain.ports import SystemClock
from domain.usecases.import_files import import_file
from domain.usecases.imports.lists import import_warehouses
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_demand
from domain.usecases.reports import _stock_values
from domain.usecases.stock_books import book_cost_of_goods
from storage import models as m
from storage.cache import ALL_ROWS
from storage.db import _CONNECTION_INFO, WRITTEN_TABLES, session_factory
from storage.repositories.numbered_inserts import SET_ASIDE_FROM
from storage.repositories.sql import _table, run, run_many
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock

SHEETS = Path(__file__).parent.parent / "fixtures" / "spreadsheets"
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


async def test_demand_before_the_history_kept_is_reported_not_dropped_silently(engine: AsyncEngine) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    await import_warehouses(uow, "code,name\nLON,London\n")
    await import_products(uow, SystemClock(), "sku,name,category,price,currency\nA,Mug,K,1,GBP\n")
    rows = ["A,LON,2021-03-01,4", "A,LON,2024-12-01,2", "A,LON,2024-12-02,3", "A,LON,2026-11-30,1"]
    report = await import_demand(uow, FakeClock(NOW), "sku,warehouse,date,quantity\n" + "\n".join(rows) + "\n")
    assert (report.created, report.skipped, report.skipped_before) == (2, 2, date(2024, 12, 2))
    async with uow.read_only():
        ids = list((await uow.products.ids_by_sku(["A"])).values())
        kept = await uow.demand.weekly(ids, date(2000, 1, 3), date(2026, 11, 30))
    (series,) = kept.values()  # from the week of 2024-12-02 (Monday) to the week of 2026-11-30
    assert (series[0], series[-1], sum(series), len(series)) == (3, 1, 4, 105)


async def test_a_catalog_cost_values_stock_and_goods_sold_without_supplier_terms(engine: AsyncEngine) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    uow.base_currency = "GBP"
    clock = FakeClock(NOW)
    await import_warehouses(uow, "code,name\nLON,London\nMAN,Manchester\n")
    await import_file(uow, clock, "products", (SHEETS / "products-excel.csv").read_bytes())
    await import_file(uow, clock, "stock", (SHEETS / "stock-sheets.tsv").read_bytes())
    async with uow.read_only():
        values = {v.warehouse: v for v in await _stock_values(uow)}
        products = await uow.products.ids_by_sku(["XL-1", "XL-3"])
        warehouses = await uow.warehouses.ids_by_code(["LON"])
    assert values["LON"].value == Money(40 * 420, "GBP") and values["LON"].unknown_cost_units == 0
    assert values["MAN"].value == Money(3 * 61050, "GBP")
    order = Order("AB12CD34", 1, "GBP", [])
    async with uow:
        await book_cost_of_goods(uow, order, {(products["XL-1"], warehouses["LON"]): 2}, NOW)
        await uow.commit()
    async with uow.read_only():
        opening, entry = await uow.journal.entries(NOW - timedelta(days=1), NOW + timedelta(days=1))
    # The stock file is booked into inventory at the value the catalog's cost gives it.
    assert (opening.source, opening.total) == ("import:stock", 40 * 420 + 3 * 61050)
    debit = {line.account: line.debit for line in entry.lines}
    assert debit[Account.COGS] == 2 * 420 and "no cost known" not in entry.memo


async def test_reimporting_a_large_catalog_finds_every_product_unchanged(engine: AsyncEngine) -> None:
    """More products than one query may name (chunks of ids): each is compared with what is stored."""
    uow = SqlUnitOfWork(session_factory(engine))
    rows = "".join(f"S-{i};Item {i};Cat {i % 7};{i % 90},50;GBP;{i % 5},25\n" for i in range(2500))
    text = "sku;name;category;price;currency;cost\n" + rows
    first = await import_products(uow, SystemClock(), text)
    again = await import_products(uow, SystemClock(), text)
    assert (first.created, again.created, again.updated, again.unchanged) == (2500, 0, 0, 2500)


async def _stock_rows(engine: AsyncEngine) -> tuple[list[Any], list[Any], int]:
    async with engine.connect() as connection:
        counters = (await connection.execute(text("SELECT * FROM stock ORDER BY product_id, warehouse_id"))).all()
        bins = (await connection.execute(text("SELECT * FROM bin_stock ORDER BY product_id, bin_id"))).all()
        moves = await connection.scalar(text("SELECT count(*) FROM inventory_movements"))
    return list(counters), list(bins), int(moves or 0)


async def test_a_large_stock_file_is_all_or_nothing_with_the_line_of_each_count_below_reserved(
    engine: AsyncEngine,
) -> None:
    """More rows than one query may name: counters equal their bins after it, and a file with
    one count under what is reserved (line 1,502) changes nothing and names that line."""
    uow = SqlUnitOfWork(session_factory(engine))
    await import_warehouses(uow, "code,name\nLON,London\nMAN,Manchester\n")
    await import_products(
        uow, SystemClock(), "sku,name,category,price,currency\n" + "".join(f"S{i},I{i},K,1,GBP\n" for i in range(1500))
    )
    rows = [f"S{i},{w},A-0{i % 3 + 1}-01-1,{i % 9}" for i in range(1500) for w in ("LON", "MAN")]
    report = await import_file(
        uow, FakeClock(NOW), "stock", ("sku,warehouse,bin,quantity\n" + "\n".join(rows)).encode()
    )
    assert (report.updated, report.unchanged) == (
        sum(1 for i in range(1500) if i % 9) * 2,
        sum(1 for i in range(1500) if not i % 9) * 2,
    )
    counters, bins, moves = await _stock_rows(engine)
    assert len(counters) == 3000 and moves == report.updated
    by_counter = {(c.product_id, c.warehouse_id): c.on_hand for c in counters}
    assert sum(by_counter.values()) == sum(b.quantity for b in bins) == sum(i % 9 for i in range(1500)) * 2
    async with engine.begin() as connection:  # S750 at LON: 3 on hand, 2 reserved
        await connection.execute(text("UPDATE stock SET reserved = 2 WHERE on_hand = 3"))
    before = await _stock_rows(engine)
    again = [*rows]
    again[1500] = "S750,LON,A-01-01-1,0"  # line 1,502 (the header is line 1): 0 on hand, 2 reserved
    again[0] = "S0,LON,A-01-01-1,5"  # a change before it, rolled back with the rest
    with pytest.raises(ImportRejected) as rejected:
        await import_file(uow, FakeClock(NOW), "stock", ("sku,warehouse,bin,quantity\n" + "\n".join(again)).encode())
    assert [(line, str(reason)) for line, reason in rejected.value.problems] == [(1502, "Only 1 available.")]
    assert await _stock_rows(engine) == before


async def test_many_rows_written_through_the_driver_are_stored_and_noted_as_any_write(engine: AsyncEngine) -> None:
    """``run_many`` (sqlite3's executemany on embedded SQLite, SQLAlchemy's elsewhere) stores
    what ``run`` stores — values fixed in the statement, column defaults, a timestamp as its
    type writes it — updates and counts its rows, and notes them for the read cache."""
    uow = SqlUnitOfWork(session_factory(engine))
    await import_warehouses(uow, "code,name\nLON,London\n")
    await import_products(uow, SystemClock(), "sku,name,category,price,currency\nA,Mug,K,1,GBP\nB,Cup,K,1,GBP\n")
    async with engine.connect() as connection:
        a, b = (await connection.execute(text("SELECT id FROM products ORDER BY sku"))).scalars()
        london = await connection.scalar(text("SELECT id FROM warehouses"))
    stock, moves = _table(m.StockRow), _table(m.InventoryMovementRow)
    move = insert(moves).values(reason="count", actor="import")
    async with uow._sessions() as session, session.begin():
        rows = [{"product_id": p, "warehouse_id": london, "delta": 2, "at": NOW} for p in (a, b)]
        await run(session, move, rows[:1])
        counted = (1, -1)  # asyncpg's executemany does not count its rows
        assert await run_many(session, move, rows[1:]) in counted
        new_counter = insert(stock).values(reserved=0)
        assert await run_many(session, new_counter, [{"product_id": a, "warehouse_id": london}]) in counted
        await run(session, new_counter, [{"product_id": b, "warehouse_id": london}])
        add = (
            update(stock)
            .where(stock.c.product_id == bindparam("stock_product_id"))
            .values(on_hand=stock.c.on_hand + bindparam("n"))
        )
        assert await run_many(session, add, [{"stock_product_id": a, "n": 5}, {"stock_product_id": b, "n": 5}]) in (
            2,
            -1,
        )
        notes = session.info[_CONNECTION_INFO][WRITTEN_TABLES]
        assert notes["stock"] == {a, b} and notes["inventory_movements"] is ALL_ROWS
    async with engine.connect() as connection:
        stored = (
            await connection.execute(
                text(
                    "SELECT product_id, warehouse_id, bin_id, delta, reason, actor, CAST(at AS TEXT)"
                    " FROM inventory_movements ORDER BY product_id"
                )
            )
        ).all()
        counters = (
            await connection.execute(
                text("SELECT product_id, on_hand, reserved, reorder_point FROM stock ORDER BY product_id")
            )
        ).all()
    assert [tuple(row)[1:] for row in stored] == [tuple(stored[0])[1:]] * 2
    assert [row[0] for row in stored] == [a, b]
    assert [tuple(row)[1:4] for row in counters] == [(5, 0, 0), (5, 0, 0)]


async def test_sales_dated_after_the_shops_today_reject_the_file_naming_the_lines_and_nothing_is_kept(
    engine: AsyncEngine,
) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    await import_warehouses(uow, "code,name\nLON,London\n")
    await import_products(uow, SystemClock(), "sku,name,category,price,currency\nA,Mug,K,1,GBP\n")
    rows = ["A,LON,2026-12-01,4", "A,LON,2026-12-04,2", "A,LON,2026-12-05,3"]  # NOW is 2026-12-03
    with pytest.raises(ImportRejected) as rejected:
        await import_demand(uow, FakeClock(NOW), "sku,warehouse,date,quantity\n" + "\n".join(rows) + "\n")
    assert [(line, str(reason)) for line, reason in rejected.value.problems] == [
        (3, "2026-12-04 is still to come: sales history ends today."),  # the shop's (UTC) tomorrow
        (4, "2026-12-05 is still to come: sales history ends today."),
    ]
    async with uow.read_only():
        ids = list((await uow.products.ids_by_sku(["A"])).values())
        assert await uow.demand.weekly(ids, date(2026, 11, 30), date(2026, 11, 30)) == {}


async def test_a_sales_history_imported_again_replaces_only_its_own_pairs_imported_days(engine: AsyncEngine) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    await import_warehouses(uow, "code,name\nLON,London\nMAN,Manchester\n")
    await import_products(uow, SystemClock(), "sku,name,category,price,currency\nA,Mug,K,1,GBP\nB,Cup,K,1,GBP\n")
    header = "sku,warehouse,date,quantity\n"
    await import_demand(uow, FakeClock(NOW), header + "A,LON,2026-11-02,1\nA,LON,2026-11-09,2\nB,LON,2026-11-02,4\n")
    async with uow:
        ids = await uow.products.ids_by_sku(["A", "B"])
        lon = (await uow.warehouses.ids_by_code(["LON"]))["LON"]
        await uow.demand.record([(ids["A"], lon, date(2026, 11, 2), 8)], "shipment AB12CD34")  # Ordergram's own
        await uow.commit()
    again = await import_demand(uow, FakeClock(NOW), header + "A,LON,2026-11-09,7\nA,LON,2026-11-16,3\n")
    assert (again.created, again.updated) == (1, 1)  # 11-16 new, 11-09 replaced
    async with uow.read_only():
        weeks = await uow.demand.weekly([ids["A"], ids["B"]], date(2026, 11, 2), date(2026, 11, 16))
    # A: the imported 11-02 is gone (the file no longer gives it), the shipment stays; B untouched.
    assert weeks == {(ids["A"], lon): [8, 7, 3], (ids["B"], lon): [4, 0, 0]}


async def test_a_sales_history_file_is_written_in_a_few_statements_not_two_per_product(engine: AsyncEngine) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    await import_warehouses(uow, "code,name\nLON,London\nMAN,Manchester\n")
    products = "\n".join(f"P{i},Thing {i},K,1,GBP" for i in range(600))
    await import_products(uow, SystemClock(), "sku,name,category,price,currency\n" + products + "\n")
    rows = "\n".join(
        f"P{i},{w},2026-11-{day:02d},{1 + i % 5}" for i in range(600) for w in ("LON", "MAN") for day in (2, 3)
    )
    sent: list[str] = []

    def count(*args: Any) -> None:
        sent.append(str(args[2]))

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        report = await import_demand(uow, FakeClock(NOW), "sku,warehouse,date,quantity\n" + rows + "\n")
        again = await import_demand(uow, FakeClock(NOW), "sku,warehouse,date,quantity\n" + rows + "\n")
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    assert (report.created, report.updated, again.created, again.updated) == (2_400, 0, 0, 2_400)
    assert len(sent) < 60, sent[:5]  # 1,200 (product, warehouse) pairs: two statements a pair were 4,800


async def test_products_a_file_creates_beside_stored_ones_get_their_own_ids_parents_and_prices(
    engine: AsyncEngine,
) -> None:
    """New rows are read back by id past the last stored one (not by their codes): each SKU keeps
    its own parent, options and price, whatever was stored before."""
    uow = SqlUnitOfWork(session_factory(engine))
    header = "sku,name,category,price,currency,parent,options\n"
    await import_products(uow, SystemClock(), header + "OLD-1,Old,K,1,GBP,,\nOLD-2,Older,K,2,GBP,,\n")
    rows = [f"TEE-{size},Tee {size},Clothing > Tees,{3 + i},GBP,TEE,Size={size}" for i, size in enumerate("SML")]
    report = await import_products(uow, SystemClock(), header + "\n".join([*rows, "MUG,Mug,K,9.50,GBP,,"]) + "\n")
    assert (report.created, report.updated, report.unchanged) == (4, 0, 0)
    async with uow.read_only():
        ids = await uow.products.ids_by_sku(["OLD-1", "OLD-2", "TEE-S", "TEE-M", "TEE-L", "MUG"])
        found = {p.sku: p for p in await uow.products.get_many(sorted(ids.values()))}
    assert {sku: (found[sku].id, found[sku].prices["GBP"].amount) for sku in found} == {
        "OLD-1": (ids["OLD-1"], 100),
        "OLD-2": (ids["OLD-2"], 200),
        "TEE-S": (ids["TEE-S"], 300),
        "TEE-M": (ids["TEE-M"], 400),
        "TEE-L": (ids["TEE-L"], 500),
        "MUG": (ids["MUG"], 950),
    }
    assert {sku: (found[sku].parent_code, found[sku].options) for sku in ("TEE-S", "TEE-L", "MUG")} == {
        "TEE-S": ("TEE", ("S",)),
        "TEE-L": ("TEE", ("L",)),
        "MUG": ("MUG", ()),
    }


async def test_a_products_import_leaves_the_change_numbering_triggers_as_they_were(engine: AsyncEngine) -> None:
    """A bulk insert sets SQLite's numbering triggers aside (its rows carry their number); they are
    back, unchanged, once it is written: a price edited afterwards numbers its product again."""
    triggers = text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
    async with engine.connect() as connection:
        before = (await connection.execute(triggers)).all() if engine.dialect.name == "sqlite" else []
    uow = SqlUnitOfWork(session_factory(engine))
    await import_warehouses(uow, "code,name\nLON,London\n")
    many = range(SET_ASIDE_FROM)  # rows enough for the triggers to be set aside
    products = "\n".join(["A,Mug,K,1,GBP,Кружка", *(f"P{i},Thing {i},K,1,GBP,Вещь {i}" for i in many)])
    await import_products(uow, SystemClock(), "sku,name,category,price,currency,name_ru\n" + products + "\n")
    for quantity in (5, 7):  # counters made, then moved
        stock = "\n".join([f"A,LON,{quantity}", *(f"P{i},LON,{quantity}" for i in many)])
        await import_file(uow, FakeClock(NOW), "stock", ("sku,warehouse,quantity\n" + stock + "\n").encode())
    async with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            assert (await connection.execute(triggers)).all() == before
            set_aside = {"products_insert", "product_prices_insert", "product_translations_insert", "stock_insert"}
            assert {name for name, _ in before} >= {f"change_seq_{name}" for name in set_aside | {"stock_update"}}
        assert await connection.scalar(text("SELECT sum(on_hand) FROM stock")) == 7 * (SET_ASIDE_FROM + 1)
        assert await connection.scalar(text("SELECT count(*) FROM product_translations")) == SET_ASIDE_FROM + 1
        counted = await connection.scalar(text("SELECT max(change_seq) FROM stock"))
        await connection.execute(text("UPDATE stock SET reserved = 1"))
        assert await connection.scalar(text("SELECT min(change_seq) FROM stock")) != counted
        numbered = await connection.scalar(text("SELECT change_seq FROM products WHERE sku = 'A'"))
        await connection.execute(
            text(
                "UPDATE product_prices SET amount_minor = 150"
                " WHERE product_id = (SELECT id FROM products WHERE sku = 'A')"
            )
        )
        assert await connection.scalar(text("SELECT change_seq FROM products WHERE sku = 'A'")) != numbered
