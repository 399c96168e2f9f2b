"""Uncached exact search on a big catalog, through the trigram index against reading every name.

Seeds ``--products`` (default 100,000) products as ``bench/search_typos.py`` does, each with a
made-up brand word of its own, then times the use case behind the chat's and the Mini App's
search (``search_products``) for a brand as typed, a different brand each round so none is
answered from the read cache's kept results: first as it runs (SQLite: candidates from the FTS5
trigram table, migration 0072; PostgreSQL: pg_trgm's GIN indexes, 0071), then the way it ran
before (SQLite: every name read, as for a text of fewer than three characters; PostgreSQL: the
indexes dropped for the run, then made again). Prints medians and the ratio. ``--staff-list``
times the catalog admin's list instead (``staff_list``: a SKU, barcode or name, a page of ten);
on SQLite it reads names through the trigram table too, on PostgreSQL it matches SKUs and names
with an OR the trigram indexes do not serve.

    python bench/search_scale.py [--products 100000] [--rounds 30] [--staff-list] [--pg postgresql+asyncpg://…/emptydb]

``--pg`` names an empty PostgreSQL database the bench may fill (migrated to head first).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from search_typos import found, median_ms, seed  # also puts the project on sys.path
from sqlalchemy import text

from storage.db import create_engine, session_factory
from storage.migrate import upgrade_to_head
from storage.repositories import catalog_search
from storage.uow import SqlUnitOfWork

Lookup = Callable[[SqlUnitOfWork, str], Awaitable[object]]


async def listed(uow: SqlUnitOfWork, text: str) -> None:
    async with uow.read_only() as work:
        _, total = await work.products.staff_list(text, None, None, 0, 10)
    assert total == 1, (text, total)


TRIGRAM_INDEXES = {"ix_products_name_trgm": "products", "ix_product_translations_name_trgm": "product_translations"}


async def _unindexed_pg(engine: Any, uow: SqlUnitOfWork, texts: list[str], lookup: Lookup) -> float:
    async with engine.begin() as connection:
        for index in TRIGRAM_INDEXES:
            await connection.execute(text(f"DROP INDEX {index}"))
    try:
        return await median_ms(uow, texts, lookup)
    finally:
        async with engine.begin() as connection:
            for index, table in TRIGRAM_INDEXES.items():
                folded = "replace(lower(name), 'ё', 'е')"
                await connection.execute(text(f"CREATE INDEX {index} ON {table} USING gin (({folded}) gin_trgm_ops)"))


async def _unindexed_sqlite(uow: SqlUnitOfWork, texts: list[str], lookup: Lookup) -> float:
    kept = catalog_search.INDEXED_FROM
    catalog_search.INDEXED_FROM = 10**9  # no text is long enough: every name is read, as before
    try:
        return await median_ms(uow, texts, lookup)
    finally:
        catalog_search.INDEXED_FROM = kept


async def measure(url: str, products: int, rounds: int, staff: bool = False) -> None:
    engine = create_engine(url)
    await upgrade_to_head(engine)
    sessions = session_factory(engine)
    brands = await seed(sessions, products)
    if engine.dialect.name == "postgresql":
        async with engine.begin() as connection:
            await connection.execute(text("ANALYZE"))
    uow = SqlUnitOfWork(sessions)
    picked = random.Random(11).sample(brands, rounds * 2 + 1)
    lookup: Lookup = listed if staff else found
    await lookup(uow, picked[0])  # warm: statements, snapshot
    indexed = await median_ms(uow, picked[1 : rounds + 1], lookup)
    rest = picked[rounds + 1 :]
    scanned = await (
        _unindexed_pg(engine, uow, rest, lookup)
        if engine.dialect.name == "postgresql"
        else _unindexed_sqlite(uow, rest, lookup)
    )
    what = "the staff list (a brand as typed, a page of ten)" if staff else "exact search (a brand as typed)"
    print(f"{engine.dialect.name}: {products:,} products, {what}, median of {rounds}")
    print(f"  every name read, as before   {scanned:9.2f} ms  x1.00")
    print(
        f"  through the trigram index    {indexed:9.2f} ms  x{indexed / scanned:.3f}  ({scanned / indexed:.0f}× faster)"
    )
    await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--staff-list", action="store_true", help="time the catalog admin's list, not the search")
    parser.add_argument("--pg", help="an empty PostgreSQL database to fill and measure too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
        await measure(url, args.products, args.rounds, args.staff_list)
    if args.pg:
        await measure(args.pg, args.products, args.rounds, args.staff_list)


if __name__ == "__main__":
    asyncio.run(main())
