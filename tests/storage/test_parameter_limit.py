"""Files and lookups over PostgreSQL's limit of bound parameters (asyncpg: 32,767), both engines."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.backorders import BackorderTerms
from domain.money import Money
from domain.usecases.imports.lists import import_warehouses
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
PARENTS, SIZES = 8_300, ("S", "M", "L", "XL")  # 33,200 rows: parents of four variants each
KEYS = 40_000


def _products_file() -> str:
    """A parent row a product, its variants inheriting its price, as ``bench/bot_throughput.py``'s."""
    rows = ["sku,name,category,price,currency,parent,options"]
    for i in range(PARENTS):
        sku = f"B{i:06d}"
        rows.append(f"{sku},Item {i},Category {i % 25:02d},{i % 90 + 1}.50,GBP,,Size=S")
        rows += [f"{sku}-{size},,,,,{sku},Size={size}" for size in SIZES[1:]]
    return "\n".join(rows) + "\n"


def _stock_file() -> str:
    """Each variant in a bin of its own: a warehouse of more bins than a statement takes parameters."""
    rows = ["sku,warehouse,bin,quantity"]
    for i in range(PARENTS):
        family = (f"B{i:06d}", *(f"B{i:06d}-{size}" for size in SIZES[1:]))
        rows += [f"{sku},LON,A-{i // 100:03d}-{i % 100:02d}-{k},{i % 7}" for k, sku in enumerate(family, 1)]
    return "\n".join(rows) + "\n"


async def _count(engine: AsyncEngine, table: str) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(text(f"SELECT count(*) FROM {table}")) or 0)


async def test_a_products_file_over_postgresqls_parameter_limit_imports_whole(engine: AsyncEngine) -> None:
    """33,200 rows stored whole, then counted whole by its stock file, each in one transaction."""
    uow = SqlUnitOfWork(session_factory(engine))
    clock = FakeClock(NOW)
    await import_warehouses(uow, "code,name\nLON,London\n")
    products = await import_products(uow, clock, _products_file())
    assert (products.created, products.updated) == (PARENTS * 4, 0)
    assert await _count(engine, "products") == PARENTS * 4 and await _count(engine, "product_groups") == PARENTS
    assert await _count(engine, "product_prices") == PARENTS * 4
    stock = await import_stock(uow, clock, _stock_file())
    counted = sum(1 for i in range(PARENTS) if i % 7) * 4
    assert (stock.updated, stock.unchanged) == (counted, PARENTS * 4 - counted)
    assert await _count(engine, "stock") == PARENTS * 4 and await _count(engine, "inventory_movements") == counted
    assert await _count(engine, "bins") == PARENTS * 4 and await _count(engine, "bin_stock") == counted  # none of 0
    async with uow.read_only():
        ids = await uow.products.ids_by_sku(["B000005", "B008299-XL", "B004000-M"])
        stored = {p.sku: p for p in await uow.products.get_many(sorted(ids.values()))}
        on_hand = {lv.product_id: lv.on_hand for lv in await uow.stock.levels(sorted(ids.values()))}
    assert {sku: p.prices["GBP"] for sku, p in stored.items()} == {
        "B000005": Money(650, "GBP"),
        "B008299-XL": Money(2050, "GBP"),  # its parent's: 8,299 % 90 + 1 = 20
        "B004000-M": Money(4150, "GBP"),
    }
    assert {sku: (p.parent_code, p.options) for sku, p in stored.items()} == {
        "B000005": ("B000005", ("S",)),
        "B008299-XL": ("B008299", ("XL",)),
        "B004000-M": ("B004000", ("M",)),
    }
    assert {sku: on_hand[pid] for sku, pid in ids.items()} == {"B000005": 5, "B008299-XL": 4, "B004000-M": 3}


async def test_lookups_by_more_keys_than_postgresql_binds_find_every_stored_one(engine: AsyncEngine) -> None:
    """40,000 keys to each lookup an import or a whole-catalog scan makes: the stored ones
    are found, the rest are not, and no statement is refused."""
    uow = SqlUnitOfWork(session_factory(engine))
    clock = FakeClock(NOW)
    await import_warehouses(uow, "code,name\nLON,London\nMAN,Manchester\n")
    await import_products(uow, clock, "sku,name,category,price,currency\nA,Mug,K,1,GBP\nB,Cup,K,1,GBP\n")
    await import_stock(uow, clock, "sku,warehouse,bin,quantity\nA,LON,A-01-01-1,4\nB,MAN,A-01-01-1,2\n")
    async with uow:
        stored = await uow.products.ids_by_sku(["A", "B"])
        a, b = stored["A"], stored["B"]
        london = (await uow.warehouses.ids_by_code(["LON"]))["LON"]
        await uow.inventory.set_reorder(a, london, 10, 20)
        await uow.backorders.set_terms(b, BackorderTerms(b, allowed=True))
        await uow.commit()
    skus = [f"X{i:05d}" for i in range(KEYS - 2)] + ["B", "A"]
    ids = [*range(KEYS + 10, 2 * KEYS), b, a]
    async with uow.read_only():
        assert await uow.products.ids_by_sku(skus) == stored
        assert (await uow.warehouses.ids_by_code([*skus, "LON"])) == {"LON": london}
        assert sorted((lv.product_id, lv.on_hand) for lv in await uow.stock.levels(ids)) == sorted([(a, 4), (b, 2)])
        assert [(q.product_id, q.quantity) for q in await uow.inventory.bins(ids)] == [(a, 4), (b, 2)]
        (low,) = await uow.inventory.reorder_levels(None, product_ids=ids)
        assert (low.level.product_id, low.reorder_point) == (a, 10)
        assert list(await uow.backorders.terms(ids)) == [b]
        assert await uow.backorders.waiting(ids) == [] and await uow.backorders.waiting_units(ids) == {}
        assert await uow.purchasing.incoming(ids) == {} and await uow.purchasing.expected_dates(ids) == {}
        assert await uow.demand.suggestions(ids) == []
        assert sorted(p.sku for p in await uow.products.get_many(ids)) == ["A", "B"]
    async with uow:
        await uow.backorders.lock_terms(ids)
        await uow.price_rules.replace_groups([f"G{i}" for i in range(KEYS)], [])
        await uow.products.link_categories({f"C{i:05d}": "Top" for i in range(KEYS)})
        await uow.commit()
    async with engine.connect() as connection:
        parents = await connection.scalar(
            select(func.count()).select_from(m.CategoryRow).where(m.CategoryRow.parent_id.is_not(None))
        )
    assert parents == KEYS
