"""The read cache's incremental reloads: what they give is what a whole reload gives."""

from __future__ import annotations

import random
from collections.abc import Hashable
from typing import Any

import pytest
from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.ports import SystemClock
from domain.stock import StockLevel
from domain.usecases.imports.lists import import_warehouses
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from domain.variants import Sibling
from storage import cache as cache_module
from storage import models as m
from storage.cache import ABSENT, ReadCache
from storage.db import create_engine, session_factory
from storage.repositories import catalog_snapshot
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock

WAREHOUSES = (
    "code,name,address,latitude,longitude,pickup_point\nLON,London,1 Road,51.5,-0.1,false\n"
    "MAN,Manchester,2 Road,53.5,-2.2,false\n"
)
SIZES = ("S", "M", "L", "XL")


def _catalog(parents: int) -> tuple[str, str]:
    rows = ["sku,name,category,price,currency,barcode,weight_g,length_mm,width_mm,height_mm,description,parent,options"]
    stock = ["sku,warehouse,bin,quantity"]
    for i in range(parents):
        sku = f"T{i:03d}"
        rows.append(f"{sku},Tee {i},Cat {i % 3},{10 + i}.00,GBP,,200,,,,A tee,,Size=S")
        rows += [f"{sku}-{size},,,,,,,,,,,{sku},Size={size}" for size in SIZES[1:]]
        for v in [sku] + [f"{sku}-{size}" for size in SIZES[1:]]:
            stock.append(f"{v},LON,A-01-01-1,{20 + i}")
    return "\n".join(rows) + "\n", "\n".join(stock) + "\n"


async def _shop(engine: AsyncEngine, parents: int = 6) -> None:
    uow = SqlUnitOfWork(session_factory(engine, base_currency="GBP"))
    products, stock = _catalog(parents)
    await import_warehouses(uow, WAREHOUSES)
    await import_products(uow, SystemClock(), products)
    await import_stock(uow, FakeClock(), stock)


Seen = tuple[list[Product], list[StockLevel], dict[str, int | None], dict[str, list[str]], dict[str, list[Sibling]]]


async def _everything(uow: SqlUnitOfWork, ids: list[int], skus: list[str]) -> Seen:
    """What browsing can ask of the catalog and the stock levels, all through the read cache."""
    async with uow.read_only():
        products = sorted(await uow.products.get_many(ids), key=lambda p: p.id or 0)
        levels = sorted(await uow.stock.levels(ids), key=lambda lv: (lv.product_id, lv.warehouse_id))
        by_sku = {sku: (p.id if (p := await uow.products.get_by_sku(sku)) else None) for sku in skus}
        parents = {p.parent_code for p in products}
        variants = {code: [v.sku for v in await uow.products.variants(code)] for code in sorted(parents)}
        siblings = {code: await uow.products.siblings(code) for code in sorted(parents)}  # the option buttons' words
    return products, levels, by_sku, variants, siblings


async def _ids_and_skus(engine: AsyncEngine) -> tuple[list[int], list[str]]:
    async with engine.connect() as connection:
        rows = (await connection.execute(select(m.ProductRow.id, m.ProductRow.sku))).all()
    return [r.id for r in rows] + [9999], [r.sku for r in rows] + ["NOPE"]


async def _random_write(engine: AsyncEngine, rng: random.Random, ids: list[int]) -> str:
    """One committed write of the kind a shop makes, chosen at random; what it was."""
    pid = rng.choice(ids[:-1])
    p, s = m.ProductRow, m.StockRow
    kind = rng.choice(
        [
            *("name", "status", "price", "price_gone", "translation", "translation_gone", "category", "options"),
            "option_words",
            *("stock", "reserve", "new_counter", "counter_gone", "new_product"),
        ]
    )
    async with engine.begin() as connection:
        if kind == "name":
            await connection.execute(update(p).where(p.id == pid).values(name=p.name + "!"))
        elif kind == "status":
            status = rng.choice(["active", "hidden", "discontinued"])
            await connection.execute(update(p).where(p.id == pid).values(status=status))
        elif kind == "price":
            pp = m.ProductPriceRow
            found = await connection.scalar(select(func.count()).where(pp.product_id == pid, pp.currency == "EUR"))
            if found:
                values = {"amount_minor": rng.randint(100, 9000)}
                await connection.execute(update(pp).where(pp.product_id == pid, pp.currency == "EUR").values(values))
            else:
                await connection.execute(insert(pp).values(product_id=pid, currency="EUR", amount_minor=1234))
        elif kind == "price_gone":
            pp = m.ProductPriceRow
            await connection.execute(delete(pp).where(pp.product_id == pid, pp.currency == "EUR"))
        elif kind == "translation":
            t = m.ProductTranslationRow
            await connection.execute(delete(t).where(t.product_id == pid, t.language == "ru"))
            await connection.execute(insert(t).values(product_id=pid, language="ru", name=f"Футболка {rng.random()}"))
        elif kind == "option_words":  # the variant's size in Russian: its card's button there
            t = m.ProductTranslationRow
            await connection.execute(delete(t).where(t.product_id == pid, t.language == "ru"))
            words = f"Размер={rng.randrange(99)}"
            await connection.execute(insert(t).values(product_id=pid, language="ru", name="", options=words))
        elif kind == "translation_gone":
            t = m.ProductTranslationRow
            await connection.execute(delete(t).where(t.product_id == pid))
        elif kind == "category":
            category = await connection.scalar(select(p.category_id).where(p.id == pid))
            c = m.CategoryRow
            await connection.execute(update(c).where(c.id == category).values(name=c.name + "+"))
        elif kind == "options":
            group = await connection.scalar(select(p.group_id).where(p.id == pid))
            g = m.ProductGroupRow
            await connection.execute(update(g).where(g.id == group).values(option1_name=g.option1_name + "*"))
        elif kind == "stock":
            await connection.execute(update(s).where(s.product_id == pid).values(on_hand=s.on_hand + 1))
        elif kind == "reserve":
            await connection.execute(
                update(s).where(s.product_id == pid, s.on_hand > s.reserved).values(reserved=s.reserved + 1)
            )
        elif kind == "new_counter":
            manchester = await connection.scalar(select(m.WarehouseRow.id).where(m.WarehouseRow.code == "MAN"))
            here = (s.product_id == pid, s.warehouse_id == manchester)
            if not await connection.scalar(select(func.count()).where(*here)):
                await connection.execute(insert(s).values(product_id=pid, warehouse_id=manchester, on_hand=3))
        elif kind == "counter_gone":  # a delete leaves no number: the next reload is whole
            manchester = await connection.scalar(select(m.WarehouseRow.id).where(m.WarehouseRow.code == "MAN"))
            await connection.execute(delete(s).where(s.product_id == pid, s.warehouse_id == manchester))
        else:
            row = (await connection.execute(select(p).where(p.id == pid))).mappings().one()
            fresh = {k: v for k, v in row.items() if k not in ("id", "change_seq")}
            fresh.update(sku=f"N{rng.randrange(10**9)}", option1=f"N{rng.randrange(10**9)}", barcode=None)
            await connection.execute(insert(p).values(**fresh))
    return kind


async def _loaded_reader(
    engine: AsyncEngine, parents: int, now: list[float]
) -> tuple[SqlUnitOfWork, list[int], list[str]]:
    """A shop of ``parents`` × 4 variants, and a reader whose cache (on the clock ``now[0]``) loaded it whole."""
    await _shop(engine, parents)
    reader = SqlUnitOfWork(session_factory(engine, base_currency="GBP"))
    assert reader._cache is not None
    reader._cache.clock = lambda: now[0]
    ids, skus = await _ids_and_skus(engine)
    await _everything(reader, ids, skus)
    return reader, ids, skus


def _full_loads(cache: ReadCache | None) -> tuple[float, float]:
    """When the catalog and the stock levels were last loaded whole."""
    assert cache is not None
    sections = cache._sections
    return sections["catalog"].full_at, sections["levels"].full_at


async def test_after_random_writes_elsewhere_an_incremental_reload_gives_what_a_whole_reload_gives(
    engine: AsyncEngine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process (its own engine) writes at random; this process's cache, reloading
    only what changed once its entries run out, must then equal a cache loaded from scratch."""
    monkeypatch.setattr(cache_module, "FULL_RELOAD_EVERY_S", 1e9)
    await _shop(engine)
    other = create_engine(database_url)
    rng = random.Random(19)
    now = [1000.0]
    reader = SqlUnitOfWork(session_factory(engine, base_currency="GBP"))
    assert reader._cache is not None
    reader._cache.clock = lambda: now[0]
    try:
        ids, skus = await _ids_and_skus(engine)
        await _everything(reader, ids, skus)  # the first load is whole
        incremental = reused = offered = 0
        for _ in range(25):
            kinds = [await _random_write(other, rng, ids) for _ in range(rng.randint(1, 4))]
            before = _full_loads(reader._cache)
            base = dict(reader._cache._sections["catalog"].base or {})
            now[0] += cache_module.CATALOG_TTL_S + 1  # every entry ran out: both sections reload
            ids, skus = await _ids_and_skus(engine)
            seen = await _everything(reader, ids, skus)
            assert seen == await _everything(SqlUnitOfWork(session_factory(engine, base_currency="GBP")), ids, skus), (
                kinds
            )
            after = _full_loads(reader._cache)
            if "counter_gone" not in kinds:
                assert after[0] == before[0] and after[1] == before[1], kinds  # neither section reloaded whole
                incremental += 1
                kept = reader._cache._sections["catalog"].base or {}
                products = [key for key in base if type(key) is int]
                reused += sum(kept.get(key) is base[key] for key in products)
                offered += len(products)
        assert incremental >= 10
        if engine.dialect.name == "sqlite":
            # The products no write touched were not read and built again. (On PostgreSQL the
            # marker is the oldest transaction running anywhere on the server: on a shared one
            # it lags, and a reload reads more again; correct still, as asserted above.)
            assert reused > offered / 2
    finally:
        await other.dispose()


async def test_a_price_changed_by_another_process_is_seen_when_the_catalog_s_time_to_live_ends(
    engine: AsyncEngine, database_url: str
) -> None:
    await _shop(engine, parents=2)
    now = [1000.0]
    reader = SqlUnitOfWork(session_factory(engine, base_currency="GBP"))
    assert reader._cache is not None
    reader._cache.clock = lambda: now[0]

    async def card() -> tuple[int, int]:
        async with reader.read_only():
            product = await reader.products.get_by_sku("T001-M")
            assert product is not None and product.id is not None
            levels = await reader.stock.levels([product.id])
        return product.prices["GBP"].amount, sum(level.available for level in levels)

    assert await card() == (1100, 21)
    other = create_engine(database_url)  # another process: its own engine, its own cache
    try:
        others = SqlUnitOfWork(session_factory(other, base_currency="GBP"))
        await import_products(others, SystemClock(), "sku,name,category,price,currency\nT001-M,Tee 1,Cat 1,12.50,GBP\n")
        async with other.begin() as connection:
            product_id = await connection.scalar(select(m.ProductRow.id).where(m.ProductRow.sku == "T001-M"))
            await connection.execute(update(m.StockRow).where(m.StockRow.product_id == product_id).values(reserved=5))
    finally:
        await other.dispose()
    assert await card() == (1100, 21)  # within the time-to-live: what was loaded
    now[0] += cache_module.SNAPSHOT_STOCK_TTL_S + 1
    assert await card() == (1100, 16)  # stock: seconds
    now[0] += cache_module.CATALOG_TTL_S
    assert await card() == (1250, 16)  # catalog: a minute
    assert reader._cache._sections["catalog"].full_at == 1000.0  # both by incremental reloads
    assert reader._cache._sections["levels"].full_at == 1000.0


def _snapshot_keys(cache: ReadCache, section: str) -> set[Hashable]:
    """The keys the section answers from its snapshot (every key of its last load but the holes)."""
    found = cache._sections[section]
    return {key for key in found.base or {} if key not in found.holes}


async def test_a_write_by_this_process_during_a_reload_is_read_again_by_the_next(engine: AsyncEngine) -> None:
    """A hold committed here while the levels reload keeps its row out of that reload
    (it may be older than the hold) and the next incremental reload reads it again."""
    await _shop(engine, parents=2)
    now = [1000.0]
    uow = SqlUnitOfWork(session_factory(engine, base_currency="GBP"))
    cache = uow._cache
    assert cache is not None
    cache.clock = lambda: now[0]
    ids, _ = await _ids_and_skus(engine)
    async with uow.read_only():
        await uow.stock.levels(ids)
    now[0] += cache_module.SNAPSHOT_STOCK_TTL_S + 1
    target = ids[0]
    async with uow.read_only() as _:
        reading = uow.stock
        async with uow._sessions() as session, session.begin():  # committed after the reader began
            await session.execute(update(m.StockRow).where(m.StockRow.product_id == target).values(reserved=7))
        levels: Any = await reading.levels(ids)
    assert target not in _snapshot_keys(cache, "levels")  # a hole: not filled from the older read
    assert sum(lv.available for lv in levels if lv.product_id == target) in (20, 13)
    now[0] += cache_module.SNAPSHOT_STOCK_TTL_S + 1
    async with uow.read_only():
        levels = await uow.stock.levels([target])
    assert sum(lv.available for lv in levels) == 13
    assert cache._sections["levels"].full_at == 1000.0


async def test_every_change_trigger_is_there_at_head_on_both_engines(engine: AsyncEngine) -> None:
    """A later migration that rebuilds ``products`` or ``stock`` (SQLite's batch mode copies
    the table) would drop their triggers, and incremental reloads would miss writes."""
    if engine.dialect.name == "postgresql":
        names = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'change_seq%'"
        expected = 6
    else:
        names = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'change_seq%'"
        expected = 12
    async with engine.connect() as connection:
        assert len((await connection.execute(text(names))).all()) == expected


def test_an_incremental_reload_keeps_unchanged_entries_and_replaces_changed_and_deleted_ones() -> None:
    now = [1000.0]
    cache = ReadCache(clock=lambda: now[0])
    assert cache.wants_snapshot("levels")
    unchanged = ["one"]
    loaded: dict[Hashable, Any] = {1: unchanged, 2: ["two"], 3: ["three"], 4: ["four"]}
    cache.snapshot_done("levels", loaded, read_at_generation=0, marker=5, size=4)
    cache.written({"stock": {4}})  # committed here before the reload begins: a hole it fills
    now[0] += cache_module.SNAPSHOT_STOCK_TTL_S + 1
    assert cache.get("levels", 1) is None  # the snapshot ran out: asked again
    # A reader that read row 1 meanwhile does not replace the snapshot's entry with one that
    # expires sooner (it would then be gone from a complete section: "known not to exist").
    cache.put("levels", 1, ["one"], read_at_generation=cache.generation)
    assert cache.wants_snapshot("levels")
    since = cache.snapshot_since("levels")
    assert since is not None and (since.marker, since.stale) == (5, frozenset({4}))
    changes: dict[Hashable, Any] = {2: ["two, changed"], 3: ABSENT, 4: ["four, read again"]}  # row 3 was deleted
    cache.snapshot_patched("levels", changes, read_at_generation=cache.generation, marker=9, size=3)
    now[0] += cache_module.STOCK_TTL_S + 1  # past a put entry's life, within the snapshot's
    assert cache.get("levels", 1) is unchanged
    assert cache.get("levels", 2) == ["two, changed"]
    assert cache.get("levels", 3) is ABSENT
    assert cache.get("levels", 4) == ["four, read again"]
    since = cache.snapshot_since("levels")
    assert since is not None and (since.marker, since.size, since.stale) == (9, 3, frozenset())
    assert cache._sections["levels"].full_at == 1000.0


async def test_a_stock_import_elsewhere_numbers_its_rows_once_and_is_seen_by_an_incremental_reload(
    engine: AsyncEngine, database_url: str
) -> None:
    """A stock file writes its counters with one number for the whole file (not two trigger
    statements a row); a reader in another process still sees every changed counter."""
    now = [1000.0]
    reader, ids, skus = await _loaded_reader(engine, 3, now)
    other = create_engine(database_url)
    try:
        others = SqlUnitOfWork(session_factory(other, base_currency="GBP"))
        await import_stock(
            others, FakeClock(), "sku,warehouse,bin,quantity\nT000-M,LON,A-01-01-1,7\nT002,LON,A-01-01-1,40\n"
        )
    finally:
        await other.dispose()
    now[0] += cache_module.SNAPSHOT_STOCK_TTL_S + 1
    seen = await _everything(reader, ids, skus)
    assert seen == await _everything(SqlUnitOfWork(session_factory(engine, base_currency="GBP")), ids, skus)
    on_hand = {level.product_id: level.on_hand for level in seen[1]}
    assert [on_hand[seen[2][sku] or 0] for sku in ("T000-M", "T002")] == [7, 40]
    assert _full_loads(reader._cache)[1] == 1000.0  # by an incremental reload
    if engine.dialect.name == "sqlite":
        async with engine.connect() as connection:
            numbers = (
                await connection.execute(select(m.StockRow.change_seq).where(m.StockRow.on_hand.in_([7, 40])))
            ).scalars()
            assert len(set(numbers)) == 1  # one number for the file's rows: the triggers stood aside


async def test_a_products_import_elsewhere_numbers_its_rows_once_and_is_seen_by_an_incremental_reload(
    engine: AsyncEngine, database_url: str
) -> None:
    """A products file writes its products, variants, prices and translations with one number
    for the whole file (not two trigger statements a row); a reader in another process sees
    every change, and a later edit of an imported price, which leaves the price row's number
    as the import wrote it, is still numbered by the triggers and seen too."""
    await _shop(engine, parents=3)
    now = [1000.0]
    reader = SqlUnitOfWork(session_factory(engine, base_currency="GBP"))
    assert reader._cache is not None
    reader._cache.clock = lambda: now[0]
    await _everything(reader, *await _ids_and_skus(engine))
    other = create_engine(database_url)
    products = (
        "sku,name,category,price,currency,price_eur,name_ru,parent,options,options_ru\n"
        "T000,Tee zero,Cat 0,11.00,GBP,13.00,Футболка,,Size=S,Размер=S\n"  # renamed, a price and translations added
        "T000-XXL,,,,,,,T000,Size=XXL,Размер=XXL\n"  # a new variant, filled from its parent row
        "T001-M,Tee 1,Cat 1,12.50,GBP,,,T001,Size=M,\n"  # a variant's price changed
        "N001,New one,Cat 9,5.00,GBP,,,,,\n"  # a new product in a new category
    )
    try:
        others = SqlUnitOfWork(session_factory(other, base_currency="GBP"))
        await import_products(others, SystemClock(), products)

        async def reload_and_compare() -> Seen:
            now[0] += cache_module.CATALOG_TTL_S + 1
            ids, skus = await _ids_and_skus(engine)
            seen = await _everything(reader, ids, skus)
            assert seen == await _everything(SqlUnitOfWork(session_factory(engine, base_currency="GBP")), ids, skus)
            assert reader._cache is not None and reader._cache._sections["catalog"].full_at == 1000.0
            return seen

        seen = await reload_and_compare()
        by_sku = {p.sku: p for p in seen[0]}
        assert by_sku["T000"].name == "Tee zero" and by_sku["T000"].names == {"ru": "Футболка"}
        assert by_sku["T000"].prices["EUR"].amount == 1300 and by_sku["T000-XXL"].prices["GBP"].amount == 1100
        assert by_sku["T001-M"].prices["GBP"].amount == 1250 and by_sku["N001"].name == "New one"
        assert seen[3]["T000"] == ["T000", "T000-M", "T000-L", "T000-XL", "T000-XXL"]
        assert by_sku["T000-XXL"].option_translations == (("ru", ("Размер",), ("XXL",)),)
        assert [s.words for s in seen[4]["T000"]] == [(("ru", ("S",)),), (), (), (), (("ru", ("XXL",)),)]
        if engine.dialect.name == "sqlite":
            async with engine.connect() as connection:
                imported = select(m.ProductRow.id).where(m.ProductRow.sku.in_(["T000", "T000-XXL", "T001-M", "N001"]))
                numbers = set(
                    (
                        await connection.execute(select(m.ProductRow.change_seq).where(m.ProductRow.id.in_(imported)))
                    ).scalars()
                )
                prices = set(
                    (
                        await connection.execute(
                            select(m.ProductPriceRow.change_seq).where(m.ProductPriceRow.product_id.in_(imported))
                        )
                    ).scalars()
                )
                assert len(numbers) == 1 and prices == numbers  # one number for the file: the triggers stood aside
        pp = m.ProductPriceRow
        async with other.begin() as connection:  # an edit after the import, leaving change_seq alone
            t000 = await connection.scalar(select(m.ProductRow.id).where(m.ProductRow.sku == "T000"))
            await connection.execute(
                update(pp).where(pp.product_id == t000, pp.currency == "EUR").values(amount_minor=1450)
            )
    finally:
        await other.dispose()
    seen = await reload_and_compare()
    assert {p.sku: p for p in seen[0]}["T000"].prices["EUR"].amount == 1450


async def test_a_reload_after_a_variant_moved_and_one_hidden_elsewhere_rebuilds_only_their_entries(
    engine: AsyncEngine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process moves T001-M to T002's family (and category) and hides T003-L: the next
    reload hands the cache only those two products' entries and their families', nothing is
    derived again for the rest, and readers see what a cache loaded from scratch sees."""
    now = [1000.0]
    reader, ids, skus = await _loaded_reader(engine, 6, now)
    patched: list[set[Hashable]] = []
    snapshot_patched = ReadCache.snapshot_patched

    def spy(self: ReadCache, section: str, changes: Any, **kwargs: Any) -> None:
        patched.append(set(changes))
        snapshot_patched(self, section, changes, **kwargs)

    monkeypatch.setattr(ReadCache, "snapshot_patched", spy)
    monkeypatch.setattr(catalog_snapshot, "whole", None)  # a whole build now would fail
    p, g = m.ProductRow, m.ProductGroupRow
    other = create_engine(database_url)
    try:
        async with other.begin() as connection:
            moved = await connection.scalar(select(p.id).where(p.sku == "T001-M"))
            hidden = await connection.scalar(select(p.id).where(p.sku == "T003-L"))
            target = await connection.scalar(select(g.id).where(g.code == "T002"))
            category = await connection.scalar(select(p.category_id).where(p.sku == "T002"))
            values = {"group_id": target, "option1": "XS", "category_id": category}
            await connection.execute(update(p).where(p.id == moved).values(**values))
            await connection.execute(update(p).where(p.id == hidden).values(status="hidden"))
    finally:
        await other.dispose()
    now[0] += cache_module.CATALOG_TTL_S + 1
    seen = await _everything(reader, ids, skus)
    family_keys = {(kind, code) for kind in ("parent", "family") for code in ("T001", "T002")}
    assert patched[0] == {moved, hidden, ("family", "T003"), *family_keys}  # their SKUs stand as they were
    assert _full_loads(reader._cache)[0] == 1000.0
    monkeypatch.undo()
    fresh = SqlUnitOfWork(session_factory(engine, base_currency="GBP"))
    assert seen == await _everything(fresh, ids, skus)
    for uow in (reader, fresh):
        async with uow.read_only():
            families = [await uow.products.siblings(code) for code in ("T001", "T002", "T003")]
        assert [len(f) for f in families] == [3, 5, 4]
        assert [s.listed for s in families[2]] == [True, True, False, True]


def test_a_patched_reload_changes_only_the_keys_it_names_and_a_row_written_meanwhile_stays_a_hole() -> None:
    now = [1000.0]
    cache = ReadCache(clock=lambda: now[0])
    assert cache.wants_snapshot("levels")
    unchanged = ["one"]
    cache.snapshot_done("levels", {1: unchanged, 2: ["two"], 3: ["three"]}, read_at_generation=0, marker=5, size=3)
    now[0] += cache_module.SNAPSHOT_STOCK_TTL_S + 1
    assert cache.wants_snapshot("levels")
    since = cache.snapshot_since("levels")
    assert since is not None and since.size == 3
    reading_at = cache.generation
    cache.written({"stock": {4}})  # committed here while the load reads: row 4 may be older than it
    changes: dict[Hashable, Any] = {2: ["two, changed"], 3: ABSENT, 4: ["four, read before the write"]}
    cache.snapshot_patched("levels", changes, read_at_generation=reading_at, marker=9, size=3)
    assert cache.get("levels", 1) is unchanged
    assert cache.get("levels", 2) == ["two, changed"]
    assert cache.get("levels", 3) is ABSENT
    assert cache.get("levels", 4) is None  # asked again
    since = cache.snapshot_since("levels")
    assert since is not None and (since.marker, since.size, since.stale) == (9, 3, frozenset({4}))
    assert cache._sections["levels"].full_at == 1000.0
