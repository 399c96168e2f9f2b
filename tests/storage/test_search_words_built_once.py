"""The catalog's words for a mistyped search are built once however many searches ask at once, on both engines."""

from __future__ import annotations

import asyncio

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.ports import SystemClock
from domain.search_words import SearchWords
from domain.usecases.imports.products import import_products
from storage.db import session_factory
from storage.uow import SqlUnitOfWork

PRODUCTS = "sku,name,name_ru,category,price,currency\nJUMPER,Wool jumper,Свитер,Knitwear,40.00,GBP\n"


async def _words(sessions: async_sessionmaker[AsyncSession]) -> SearchWords:
    uow = SqlUnitOfWork(sessions)  # a unit of work each, as each update has: one process's read cache
    async with uow.read_only():
        return await uow.products.search_words()


async def test_mistyped_searches_arriving_together_build_the_words_once_and_all_get_them(engine: AsyncEngine) -> None:
    sessions = session_factory(engine, base_currency="GBP")
    await import_products(SqlUnitOfWork(sessions), SystemClock(), PRODUCTS)
    builds: list[str] = []

    def count(*args: object) -> None:
        if "category_translations" in str(args[2]) and "UNION" in str(args[2]).upper():
            builds.append(str(args[2]))

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        found = await asyncio.gather(*(_words(sessions) for _ in range(6)))
        again = await _words(sessions)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    assert len(builds) == 1  # six searches at once: one read of every name, one build
    assert all(words.corrected("jumpr") == "jumper" and "свитер" in words for words in [*found, again])
