"""SQLite: a customer's search takes its candidates from the trigram table, which every write to a name keeps right."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.ports import SystemClock
from domain.usecases.imports.products import import_products
from storage.db import create_engine, session_factory
from storage.migrate import upgrade_to_head
from storage.repositories.numbered_inserts import SET_ASIDE_FROM
from storage.uow import SqlUnitOfWork

HEADER = "sku,name,name_ru,category,price,currency\n"
PRODUCTS = HEADER + "".join(
    f"P{i},Product {i} {'Ceramic mug' if i % 50 == 0 else 'Bath towel'},Ёлка {i},Decor,3.00,GBP\n" for i in range(200)
)


@pytest.fixture
async def sqlite(tmp_path: Any) -> Any:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'shop.sqlite3'}")
    await upgrade_to_head(engine)
    yield engine
    await engine.dispose()


def _uow(engine: AsyncEngine) -> SqlUnitOfWork:
    return SqlUnitOfWork(session_factory(engine, base_currency="GBP"))


async def _found(engine: AsyncEngine, needle: str) -> list[str]:
    async with _uow(engine).read_only() as uow:
        products, total = await uow.products.search(needle, 0, 100, word_forms=False)
    assert total == len(products)
    return sorted(p.sku for p in products)


async def _index_agrees_with_the_names(engine: AsyncEngine) -> None:
    """Every product's row holds its name and every translation's, folded as the search folds them."""
    async with engine.connect() as connection:
        stored: dict[int, str] = dict((await connection.execute(text("SELECT rowid, names FROM product_search"))).all())
        names: dict[int, list[str]] = {}
        for product_id, name in (await connection.execute(text("SELECT id, name FROM products"))).all():
            names.setdefault(product_id, []).append(name)
        for product_id, name in await connection.execute(text("SELECT product_id, name FROM product_translations")):
            names[product_id].append(name)
    expected = {i: sorted(n.lower().replace("ё", "е") for n in ns) for i, ns in names.items()}
    assert {i: sorted(n.split("\x1f")) for i, n in stored.items()} == expected


async def test_a_search_of_three_or_more_characters_on_sqlite_reads_the_trigram_table_not_every_product(
    sqlite: AsyncEngine,
) -> None:
    await import_products(_uow(sqlite), SystemClock(), PRODUCTS)
    captured: dict[str, tuple[Any, ...]] = {}

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if "LIKE" in statement:
            captured.setdefault(statement, tuple(parameters or ()))

    event.listen(sqlite.sync_engine, "before_cursor_execute", capture)
    try:
        assert await _found(sqlite, "ceramic") == [f"P{i}" for i in sorted(map(str, range(0, 200, 50)))]
    finally:
        event.remove(sqlite.sync_engine, "before_cursor_execute", capture)
    async with sqlite.connect() as connection:
        plans = [
            "\n".join(row[-1] for row in (await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {s}", p)).all())
            for s, p in captured.items()
        ]
    assert plans and all("VIRTUAL TABLE INDEX" in plan for plan in plans), plans
    assert not any(re.search(r"SCAN (products|product_translations)\b", plan) for plan in plans), plans


async def test_a_search_of_fewer_than_three_characters_still_finds_every_name_on_sqlite(sqlite: AsyncEngine) -> None:
    await import_products(_uow(sqlite), SystemClock(), HEADER + "A,Mug,,Decor,1,GBP\nB,Ёж,Ёж,Decor,1,GBP\n")
    assert await _found(sqlite, "mu") == ["A"] and await _found(sqlite, "еж") == ["B"]


async def test_an_imports_new_products_and_translations_are_found_by_the_trigram_table_at_once(
    sqlite: AsyncEngine,
) -> None:
    await import_products(_uow(sqlite), SystemClock(), PRODUCTS)
    await _index_agrees_with_the_names(sqlite)
    assert await _found(sqlite, "елка 199") == ["P199"] and await _found(sqlite, "ЁЛКА 42") == ["P42"]


async def test_a_big_import_whose_numbering_triggers_are_set_aside_still_fills_the_trigram_table(
    sqlite: AsyncEngine,
) -> None:
    many = HEADER + "".join(f"Q{i},Quilt {i},Плед {i},Home,3.00,GBP\n" for i in range(SET_ASIDE_FROM + 1))
    await import_products(_uow(sqlite), SystemClock(), many)
    await _index_agrees_with_the_names(sqlite)
    assert await _found(sqlite, f"плед {SET_ASIDE_FROM}") == [f"Q{SET_ASIDE_FROM}"]


async def test_a_renamed_product_and_translation_are_found_by_their_new_names_and_not_their_old(
    sqlite: AsyncEngine,
) -> None:
    await import_products(_uow(sqlite), SystemClock(), PRODUCTS)
    renamed = HEADER + "P7,Woollen scarf,Шарф шерстяной,Decor,3.00,GBP\nP8,Product 8 Bath towel,Ёлка 8,Decor,4.00,GBP\n"
    await import_products(_uow(sqlite), SystemClock(), renamed)
    await _index_agrees_with_the_names(sqlite)
    assert await _found(sqlite, "woollen") == ["P7"] and await _found(sqlite, "шерстян") == ["P7"]
    assert await _found(sqlite, "product 7 bath") == [] and await _found(sqlite, "елка 7") == [
        f"P7{i}" for i in range(10)
    ]


async def test_a_product_saved_alone_keeps_the_trigram_table_right(sqlite: AsyncEngine) -> None:
    await import_products(_uow(sqlite), SystemClock(), PRODUCTS)
    async with _uow(sqlite) as uow:
        product = await uow.products.get_by_sku("P3")
        assert product is not None
        await uow.products.upsert(replace(product, name="Linen apron", names={"ru": "Фартук льняной"}))
        await uow.commit()
    await _index_agrees_with_the_names(sqlite)
    assert await _found(sqlite, "apron") == ["P3"] and await _found(sqlite, "ФАРТУК") == ["P3"]
