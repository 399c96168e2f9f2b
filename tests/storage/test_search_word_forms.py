"""A customer types a word as she says it — «кружки», «полотенца», "mugs", the words in
another order — and a search that finds nothing as typed looks again by each word's stem:
she is not told "nothing found" for a product the shop sells (both engines)."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.ports import SystemClock
from domain.usecases.imports.products import import_products
from storage.db import session_factory
from storage.uow import SqlUnitOfWork

PRODUCTS = (
    "sku,name,name_ru,category,price,currency,parent,options\n"
    "MUG,Ceramic mug,Кружка керамическая,Kitchen,4.00,GBP,,\n"
    "CUP,Tea cup,Чашка чайная,Kitchen,3.00,GBP,,\n"
    "CANDLE,Scented candle,Свеча ароматическая,Decor,5.00,GBP,,\n"
    "TOWEL,Bath towel,Полотенце банное,Home,9.00,GBP,,Size=50x90\n"
    "TOWEL-70,,,,12.00,GBP,TOWEL,Size=70x140\n"
)


async def _found(engine: AsyncEngine, typed: str) -> tuple[list[str], int]:
    uow = SqlUnitOfWork(session_factory(engine, base_currency="GBP"))
    await import_products(uow, SystemClock(), PRODUCTS)
    async with uow.read_only():
        products, total = await uow.products.search(typed, 0, 10)
    return [p.sku for p in products], total


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("кружки", ["MUG"]),  # the plural
        ("Кружку", ["MUG"]),  # another case
        ("свечи", ["CANDLE"]),
        ("полотенца", ["TOWEL"]),  # one hit for the product, whatever its sizes
        ("банное полотенце", ["TOWEL"]),  # the words in another order
        ("чайные чашки", ["CUP"]),
        ("mugs", ["MUG"]),
        ("candles", ["CANDLE"]),
        ("towel bath", ["TOWEL"]),
    ],
)
async def test_a_word_in_another_form_or_order_finds_the_product(
    engine: AsyncEngine, typed: str, found: list[str]
) -> None:
    assert await _found(engine, typed) == (found, len(found))


@pytest.mark.parametrize("typed", ["кружки чайные", "вилки", "mugs of gold", "xyz"])
async def test_every_word_must_match_so_a_stem_search_finds_nothing_unrelated(engine: AsyncEngine, typed: str) -> None:
    assert await _found(engine, typed) == ([], 0)


async def test_a_name_found_as_typed_is_not_joined_by_stem_matches(engine: AsyncEngine) -> None:
    """«чашка» as typed finds the cup alone; the stem search is for when the text finds nothing."""
    assert await _found(engine, "чашка") == (["CUP"], 1)
