"""The read cache's rules: read-only work cannot write, cached values cannot be changed by
those they are handed to, and every table a cached read reads invalidates what it feeds."""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import pytest
from sqlalchemy import event, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import ProductStatus
from domain.categories import CategoryTree
from domain.customers import Address
from domain.fx import FxRate
from domain.ports import SystemClock
from domain.usecases.cart import set_cart_quantity
from domain.usecases.customers import ensure_customer
from domain.usecases.imports.lists import import_carriers, import_warehouses
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from storage import models as m
from storage.cache import SECTIONS_FED_BY, TTL_OF
from storage.db import WriteInReadOnlyWork, session_factory
from storage.repositories import catalog, catalog_search, catalog_tree, stock_levels
from storage.repositories.cached import fills
from storage.repositories.sql import run
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock

PRODUCTS = (
    "sku,name,category,price,currency,barcode,weight_g,length_mm,width_mm,height_mm,description\n"
    "A1,Mug,Kitchen,4.50,GBP,,300,,,,A mug\n"
)
WAREHOUSES = "code,name,address,latitude,longitude,pickup_point\nLON,London,1 Road,51.5,-0.1,false\n"


async def _shop(engine: AsyncEngine) -> SqlUnitOfWork:
    uow = SqlUnitOfWork(session_factory(engine, base_currency="GBP"))
    await import_warehouses(uow, WAREHOUSES)
    await import_products(uow, SystemClock(), PRODUCTS)
    await import_stock(uow, FakeClock(), "sku,warehouse,bin,quantity\nA1,LON,A-01-01-1,7\n")
    return uow


async def _names(uow: SqlUnitOfWork) -> list[str]:
    async with uow._sessions() as session:
        return list(await session.scalars(select(m.ProductRow.name)))


async def test_a_core_write_inside_read_only_work_raises_and_writes_nothing(engine: AsyncEngine) -> None:
    uow = await _shop(engine)
    with pytest.raises(WriteInReadOnlyWork):
        async with uow.read_only():
            assert await uow.products.get_by_sku("A1") is not None
            await run(uow.session, update(m.ProductRow).values(name="Changed"))
            await uow.commit()
    assert await _names(uow) == ["Mug"]


async def test_an_orm_write_inside_read_only_work_raises_at_the_flush_and_writes_nothing(engine: AsyncEngine) -> None:
    uow = await _shop(engine)
    with pytest.raises(WriteInReadOnlyWork):
        async with uow.read_only():
            uow.session.add(m.CategoryRow(name="Garden"))
            await uow.commit()
    async with uow._sessions() as session:
        assert list(await session.scalars(select(m.CategoryRow.name))) == ["Kitchen"]


async def test_a_repository_write_inside_read_only_work_raises(engine: AsyncEngine) -> None:
    uow = await _shop(engine)
    with pytest.raises(WriteInReadOnlyWork):
        async with uow.read_only():
            await uow.stock.try_reserve(1, 1, 1)
    async with uow:  # the same unit writes as usual once it is not read-only
        assert await uow.stock.try_reserve(1, 1, 1)
        await uow.commit()
    async with uow._sessions() as session:
        assert await session.scalar(select(m.StockRow.reserved)) == 1


# Refused by PostgreSQL's READ ONLY transaction, or undone by its ROLLBACK (a SET stayed on the
# pooled connection for the units after), before read-only work ran in autocommit.
POSTGRESQL_ONLY = (
    "SELECT id FROM products FOR UPDATE",
    "SELECT id FROM products FOR SHARE",
    "SELECT id INTO copied FROM products",
    "SELECT nextval('products_id_seq')",
    "SELECT pg_advisory_lock(1)",
    "SET statement_timeout = 1",
)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE products SET name = 'Changed'",
        "  delete FROM products",
        "WITH gone AS (DELETE FROM products RETURNING id) SELECT count(*) FROM gone",
    ],
)
async def test_a_write_written_as_sql_text_inside_read_only_work_raises_and_writes_nothing(
    engine: AsyncEngine, sql: str
) -> None:
    """The statement check above sees INSERT, UPDATE and DELETE built with SQLAlchemy; SQL
    text is read for the words that write (no database refuses it in read-only work: it
    runs in autocommit on PostgreSQL, and SQLite has no read-only mode)."""
    uow = await _shop(engine)
    with pytest.raises(WriteInReadOnlyWork):
        async with uow.read_only():
            await uow.session.execute(text(sql))
    assert await _names(uow) == ["Mug"]


@pytest.mark.postgres
@pytest.mark.parametrize("sql", POSTGRESQL_ONLY)
async def test_postgresql_sql_that_locks_or_changes_the_session_inside_read_only_work_raises(
    pg_engine: AsyncEngine, sql: str
) -> None:
    uow = await _shop(pg_engine)
    with pytest.raises(WriteInReadOnlyWork):
        async with uow.read_only():
            await uow.session.execute(text(sql))
    assert await _names(uow) == ["Mug"]


async def test_a_write_written_as_sql_text_with_its_columns_inside_read_only_work_raises(engine: AsyncEngine) -> None:
    uow = await _shop(engine)
    with pytest.raises(WriteInReadOnlyWork):
        async with uow.read_only():
            renaming = text("UPDATE products SET name = 'Changed' RETURNING id")
            await uow.session.execute(renaming.columns(m.ProductRow.id))
    assert await _names(uow) == ["Mug"]


async def test_a_select_that_locks_its_rows_inside_read_only_work_raises(engine: AsyncEngine) -> None:
    """PostgreSQL's READ ONLY transaction refused it; in autocommit the lock would be let go
    the moment it was taken, so nothing it guards would be guarded."""
    uow = await _shop(engine)
    with pytest.raises(WriteInReadOnlyWork):
        async with uow.read_only():
            await uow.session.execute(select(m.ProductRow.id).with_for_update())
    async with uow:  # a writer locks as ever
        assert len((await uow.session.execute(select(m.ProductRow.id).with_for_update())).all()) == 1


async def test_sql_text_that_only_reads_runs_in_read_only_work(engine: AsyncEngine) -> None:
    uow = await _shop(engine)
    async with uow.read_only():
        found = await uow.session.scalar(text("SELECT name AS updated_name FROM products WHERE status <> 'deleted'"))
    assert found == "Mug"


CachedRead = tuple[str, Callable[[], Awaitable[Any]]]
CARRIERS = (Path(__file__).resolve().parents[2] / "bot" / "demo_data" / "carriers.csv").read_text(encoding="utf-8")


def _vandalise(value: Any) -> None:
    """Change everything a caller could change in ``value``, in place."""
    if isinstance(value, list):
        for item in value:
            _vandalise(item)
        value.append("vandal")
    elif isinstance(value, dict):
        for item in value.values():
            _vandalise(item)
        value["vandal"] = "vandal"
    elif dataclasses.is_dataclass(value) and not cast(Any, value).__dataclass_params__.frozen:
        for field in dataclasses.fields(value):
            _vandalise(getattr(value, field.name))
        for field in dataclasses.fields(value):
            setattr(value, field.name, "vandal")


async def _shop_with_everything_cached(engine: AsyncEngine) -> tuple[SqlUnitOfWork, dict[str, CachedRead]]:
    """A shop with a row behind every cached read, and those reads: name -> (the section it
    fills, the read)."""
    uow = await _shop(engine)
    clock = FakeClock()
    await import_carriers(uow, CARRIERS)
    shopper = await ensure_customer(uow, clock, telegram_id=91, first_name="Ann")
    assert shopper.id is not None
    await set_cart_quantity(uow, clock, customer_id=shopper.id, product_id=1, quantity=2, hold_minutes=30)
    async with uow:
        await uow.fx.add(FxRate("GBP", "EUR", Decimal("1.17"), datetime(2026, 1, 1, tzinfo=UTC)), "test")
        await uow.commit()
    reads: dict[str, CachedRead] = {
        "customer": ("customers", lambda: uow.customers.get_by_telegram_id(91)),
        "product": ("catalog", lambda: uow.products.get(1)),
        "product by sku": ("catalog", lambda: uow.products.get_by_sku("A1")),
        "products": ("catalog", lambda: uow.products.get_many([1])),
        "warehouses": ("reference", lambda: uow.warehouses.all()),
        "levels": ("levels", lambda: uow.stock.levels([1])),
        "holds": ("holds", lambda: uow.stock.customer_holds(shopper.id or 0)),
        "cart": ("carts", lambda: uow.carts.lines(shopper.id or 0)),
        "rates": ("reference", lambda: uow.fx.latest_against("GBP")),
        "carriers": ("reference", lambda: uow.carriers.all()),
        "category tree": ("tree", lambda: uow.products.category_nodes()),
        "category listing": ("tree", lambda: uow.products.listing(1)),
        "search": ("search", lambda: catalog_search.first_matches(uow.session, uow._cache_view, "mug")),
        "search words": ("words", lambda: uow.products.search_words()),
    }
    return uow, reads


async def test_nothing_a_caller_changes_in_what_the_cache_handed_out_reaches_the_next_caller(
    engine: AsyncEngine,
) -> None:
    uow, reads = await _shop_with_everything_cached(engine)
    for name, (_, read) in reads.items():
        async with uow.read_only():
            first = await read()  # from the database: what the cache now holds came from it
        truth = copy.deepcopy(first)
        assert first, name
        _vandalise(first)
        async with uow.read_only():
            second = await read()  # from the cache
        assert second == truth, name
        _vandalise(second)
        async with uow.read_only():
            assert await read() == truth, name


async def test_a_customer_s_saved_addresses_handed_out_from_the_cache_are_the_caller_s_own(engine: AsyncEngine) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    await ensure_customer(uow, FakeClock(), telegram_id=92, first_name="Bo")
    async with uow.read_only():
        first = await uow.customers.get_by_telegram_id(92)
    assert first is not None
    first.addresses.append(Address("1 Road"))
    async with uow.read_only():
        again = await uow.customers.get_by_telegram_id(92)
    assert again is not None and again.addresses == []


TABLE_READ = re.compile(r"\b(?:FROM|JOIN)\s+(\w+)")


@pytest.mark.parametrize("snapshots", [True, False], ids=["whole tables", "row by row"])
async def test_every_table_a_cached_read_reads_clears_the_section_it_fills(
    engine: AsyncEngine, snapshots: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each cached read runs on a cold cache while the SQL it sends is recorded: every table
    in a FROM or JOIN of that SQL must be one whose committed writes clear the section the
    read fills, or what it cached would outlive a change to that table."""
    uow, reads = await _shop_with_everything_cached(engine)
    assert {section for section, _ in reads.values()} == set(TTL_OF)  # a read for every section
    if not snapshots:  # the catalog and the stock levels too big to hold whole: read per row
        monkeypatch.setattr(catalog, "SNAPSHOT_MAX_ROWS", 0)
        monkeypatch.setattr(stock_levels, "SNAPSHOT_MAX_ROWS", 0)
    sent: list[str] = []

    def record(*args: object) -> None:
        sent.append(str(args[2]))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        for name, (section, read) in reads.items():
            assert uow._cache is not None
            uow._cache.clear()
            sent.clear()
            async with uow.read_only():
                await read()
            tables = {table for statement in sent for table in TABLE_READ.findall(statement)}
            assert tables, name
            forgotten = {table for table in tables if section not in SECTIONS_FED_BY.get(table, ())}
            assert not forgotten, f"{name}: writes to {forgotten} would not clear {section!r}"
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


def test_a_statement_cannot_declare_it_fills_a_section_the_cache_does_not_have() -> None:
    with pytest.raises(KeyError, match="no cached section 'catalogue'"):
        fills("catalogue", select(m.ProductRow.id))
    assert all("catalogue" not in sections for sections in SECTIONS_FED_BY.values())


async def test_withdrawing_one_product_changes_the_cached_category_counts_at_once(engine: AsyncEngine) -> None:
    """A write naming one product clears only that row of the catalog, but the whole tree:
    its counts sum over every product."""
    uow = await _shop(engine)
    async with uow.read_only():
        before = CategoryTree(await uow.products.category_nodes())
        assert [(c.name, c.product_count) for c in before.children(None)] == [("Kitchen", 1)]
    await _edit(uow, "A1", status=ProductStatus.HIDDEN)
    async with uow.read_only():
        assert CategoryTree(await uow.products.category_nodes()).children(None) == []


async def _edit(uow: SqlUnitOfWork, sku: str, **changes: Any) -> None:
    """Change a product as a manager's edit does, committed."""
    async with uow:
        product = await uow.products.get_by_sku(sku)
        assert product is not None
        for name, value in changes.items():
            setattr(product, name, value)
        await uow.products.upsert(product)
        await uow.commit()


async def test_a_product_renamed_hidden_or_added_changes_the_cached_search_results_at_once(engine: AsyncEngine) -> None:
    """Search results are kept per text; a committed write to one product clears them all:
    it can move that product into or out of any text's results."""
    uow = await _shop(engine)

    async def found(text: str) -> list[str]:
        async with uow.read_only():
            products, total = await uow.products.search(text, 0, 10)
        assert total == len(products)
        return [p.sku for p in products]

    assert await found("mug") == ["A1"] and await found("cup") == []
    await _edit(uow, "A1", name="Cup")
    assert await found("mug") == [] and await found("cup") == ["A1"]
    await import_products(uow, SystemClock(), PRODUCTS.replace("A1,Mug", "A2,Big mug"))
    assert await found("mug") == ["A2"]
    await _edit(uow, "A2", status=ProductStatus.HIDDEN)
    assert await found("mug") == []


async def test_a_category_page_from_the_cached_listing_is_the_page_the_database_reads(engine: AsyncEngine) -> None:
    """Pages by offset and next to a shown page (after its last, before its first), with
    names that repeat, variants listed once, hidden products left out: the cached listing
    gives exactly the ids the keyset reads give; a product hidden shows at once."""
    uow = await _shop(engine)
    header = PRODUCTS.splitlines()[0] + ",parent,options"
    rows = [f"K{i:02d},{'Cup' if i % 3 else 'Bowl'} {i % 4},Kitchen,1.00,GBP,,100,,,,,," for i in range(23)]
    rows[3] += "Size=S"  # K03 comes in two sizes: listed once
    rows.append("K03-L,,,,,,,,,,,K03,Size=L")
    await import_products(uow, SystemClock(), "\n".join([header, *rows]) + "\n")
    await _edit(uow, "K05", status=ProductStatus.HIDDEN)

    async def pages() -> list[tuple[int, int, int, int, list[int], list[int]]]:
        async with uow.read_only():
            kitchen = next(n.id for n in await uow.products.category_nodes() if n.name == "Kitchen")
            ids = await uow.products.listing(kitchen)
            seen = []
            for offset, limit in [(0, 5), (5, 5), (20, 5), (30, 5), (3, 7)]:
                for after, before in [(0, 0), *((i, 0) for i in ids), *((0, i) for i in ids), (999, 0), (0, 999)]:
                    cached = catalog_tree.page_of(ids, offset, limit, after, before)
                    read = await catalog_tree.page(uow.products.s, None, kitchen, offset, limit, after, before)
                    seen.append((offset, limit, after, before, cached, read))
            return seen

    for offset, limit, after, before, cached, read in await pages():
        assert cached == read, (offset, limit, after, before)
    async with uow.read_only():
        listed = await uow.products.listing(1)
    await _edit(uow, "K01", status=ProductStatus.HIDDEN)
    async with uow.read_only():
        hidden = await uow.products.get_by_sku("K01")
        assert hidden is not None and hidden.id in listed
        assert hidden.id not in await uow.products.listing(1)
