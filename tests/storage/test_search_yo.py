"""Russian readers write "е" for "ё": a customer's search finds a name either way, on both engines."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.ports import SystemClock
from domain.usecases.imports.products import import_products
from storage.db import session_factory
from storage.uow import SqlUnitOfWork

PRODUCTS = (
    "sku,name,name_ru,category,price,currency\n"
    "TREE,Christmas tree,Ёлка искусственная,Decor,30.00,GBP\n"
    "HONEY,Мёд липовый,,Food,8.00,GBP\n"
    "LINEN,Лен и хлопок,,Home,5.00,GBP\n"
)


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("елка", ["TREE"]),  # the Russian name, typed without its ё
        ("ЕЛКА", ["TREE"]),
        ("ёлка", ["TREE"]),
        ("мед", ["HONEY"]),  # the name itself
        ("МЕД ЛИП", ["HONEY"]),
        ("лён", ["LINEN"]),  # and the other way round: ё typed, е stored
    ],
)
async def test_a_customers_search_finds_a_name_with_yo_typed_with_ye_and_the_other_way_round(
    engine: AsyncEngine, typed: str, found: list[str]
) -> None:
    uow = SqlUnitOfWork(session_factory(engine, base_currency="GBP"))
    await import_products(uow, SystemClock(), PRODUCTS)
    async with uow.read_only():
        products, total = await uow.products.search(typed, 0, 10)
    assert [p.sku for p in products] == found and total == len(found)


async def test_the_web_catalog_admins_search_reads_yo_and_ye_alike_too(engine: AsyncEngine) -> None:
    uow = SqlUnitOfWork(session_factory(engine, base_currency="GBP"))
    await import_products(uow, SystemClock(), PRODUCTS)
    async with uow:
        found = {typed: [p.sku for p in (await uow.products.staff_list(typed, None, None, 0, 10))[0]]
                 for typed in ("елка", "мед", "лён")}  # fmt: skip
    assert found == {"елка": ["TREE"], "мед": ["HONEY"], "лён": ["LINEN"]}
