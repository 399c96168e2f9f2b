"""A mistyped search beside an exact one on a big catalog: what correcting the words costs.

Seeds one SQLite database with ``--products`` (default 100,000) products named as
``bench/bot_throughput.py``'s ``catalog_csv`` names them ("Lantern mug no. 17"), each with a
made-up brand word of its own ("Lantern mug no. 17 Kovbreta"): 100,000 distinct words, the
worst case for the vocabulary a mistyped search is corrected to. Then times the use case
behind the chat's and the Mini App's search (``search_products``) for a brand as typed and
for the same brand mistyped (two letters swapped: found after the correction), a different
brand each round so neither is answered from the read cache's kept results; and, once, building
the vocabulary, which the first mistyped search after a catalog change does. Prints medians
and the ratios to the exact search.

    python bench/search_typos.py [--products 100000] [--rounds 30]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from bot_throughput import WORDS  # the names catalog_csv gives

from domain.usecases.catalog import search_products
from storage import models as m
from storage.db import create_engine, session_factory
from storage.migrate import upgrade_to_head
from storage.repositories import catalog_search
from storage.uow import SqlUnitOfWork

LETTERS, VOWELS = "bcdfghklmnprstvz", "aeiou"


def brand(rng: random.Random) -> str:
    """A pronounceable made-up word of 8 letters, as brands are."""
    return "".join(rng.choice(LETTERS) + rng.choice(VOWELS) for _ in range(4)).capitalize()


async def seed(sessions: object, products: int) -> list[str]:
    rng = random.Random(7)
    brands = list(dict.fromkeys(brand(rng) for _ in range(products * 2)))[:products]
    async with sessions() as session:  # type: ignore[operator]
        await session.execute(insert(m.CategoryRow), [{"name": f"Category {i:02d}"} for i in range(25)])
        categories = list((await session.scalars(select(m.CategoryRow.id))).all())
        items = [
            {
                "sku": f"B{i:06d}",
                "name": f"{rng.choice(WORDS)} {rng.choice(WORDS).lower()} no. {i} {brands[i]}",
                "category_id": categories[i % 25],
                "status": "active",
            }
            for i in range(products)
        ]
        await session.execute(insert(m.ProductGroupRow), [{"code": item["sku"]} for item in items])
        groups = dict((await session.execute(select(m.ProductGroupRow.code, m.ProductGroupRow.id))).all())
        await session.execute(insert(m.ProductRow), [{**item, "group_id": groups[item["sku"]]} for item in items])
        await session.commit()
    return brands


def mistyped(word: str) -> str:
    return word[:3] + word[4] + word[3] + word[5:]  # two neighbouring letters swapped


async def found(uow: SqlUnitOfWork, text: str) -> str:
    results = await search_products(uow, text=text, page=0, page_size=6, currency="GBP", fallback_currency="GBP")
    assert results.total == 1, (text, results.total)
    return results.corrected


async def median_ms(
    uow: SqlUnitOfWork, texts: list[str], lookup: Callable[[SqlUnitOfWork, str], Awaitable[object]] = found
) -> float:
    times = []
    for text in texts:
        started = time.perf_counter()
        await lookup(uow, text)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}")
        await upgrade_to_head(engine)
        sessions = session_factory(engine)
        brands = await seed(sessions, args.products)
        uow = SqlUnitOfWork(sessions)
        picked = random.Random(11).sample(brands, args.rounds * 2 + 1)
        assert await found(uow, mistyped(picked[0])) == picked[0].lower()  # warm: statements, snapshot, words
        exact = await median_ms(uow, picked[1 : args.rounds + 1])
        typo = await median_ms(uow, [mistyped(b) for b in picked[args.rounds + 1 :]])
        async with uow.read_only():  # what the first mistyped search after a catalog change adds: the words
            started = time.perf_counter()
            words = len(await catalog_search.words(uow.session, None))
            built = (time.perf_counter() - started) * 1000
        print(f"{args.products:,} products, {words:,} words to correct to, median of {args.rounds}")
        print(f"exact search (a brand as typed)                    {exact:8.2f} ms  x1.00")
        print(f"mistyped search, corrected (vocabulary kept)        {typo:8.2f} ms  x{typo / exact:.2f}")
        print(f"building the words, once per catalog change         {built:8.2f} ms  x{built / exact:.2f}")
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
