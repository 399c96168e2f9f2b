"""Browsing a big category: a page costs the same whatever its number and the category's size.

Seeds one SQLite database with a small category (10 products), a big one (``--products``,
default 100,000) and a 500-category tree above them, then times the use case behind a category
screen (``browse_category``: the tree with its counts, the page's ids from the index, the cards)
for the small category, the big one's first page, and its last page reached by number (an
offset: a stale button, "back to the list") and by pressing Next (keyset: after the previous
page's last product). Prints the median ms of each and the ratios to the small category.

    python bench/category_pages.py [--products 100000] [--rounds 30]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from domain.usecases.catalog import browse_category
from storage import models as m
from storage.db import create_engine, session_factory
from storage.migrate import upgrade_to_head
from storage.uow import SqlUnitOfWork

PAGE = 6


async def seed(uow_sessions: object, products: int) -> dict[str, int]:
    sessions = uow_sessions
    async with sessions() as session:  # type: ignore[operator]
        await session.execute(insert(m.CategoryRow), [{"name": f"Top {i:02}"} for i in range(20)])
        tops = dict((await session.execute(select(m.CategoryRow.name, m.CategoryRow.id))).all())
        rows = [
            {"name": f"Shelf {t:02}-{s:02}", "parent_id": tops[f"Top {t:02}"]} for t in range(20) for s in range(24)
        ]
        await session.execute(insert(m.CategoryRow), rows)
        ids = dict((await session.execute(select(m.CategoryRow.name, m.CategoryRow.id))).all())
        small, big = ids["Shelf 00-00"], ids["Shelf 19-23"]
        items = [{"sku": f"S{i}", "name": f"Small {i:02}", "category_id": small, "status": "active"} for i in range(10)]
        items += [
            {"sku": f"B{i}", "name": f"Big {i:06}", "category_id": big, "status": "active"} for i in range(products)
        ]
        # Each product is a parent with one variant, coded as its SKU.
        await session.execute(insert(m.ProductGroupRow), [{"code": item["sku"]} for item in items])
        groups = {
            code: gid for code, gid in await session.execute(select(m.ProductGroupRow.code, m.ProductGroupRow.id))
        }
        await session.execute(insert(m.ProductRow), [{**item, "group_id": groups[str(item["sku"])]} for item in items])
        await session.commit()
    return {"small": small, "big": big}


async def timed(uow: SqlUnitOfWork, category_id: int, page: int, rounds: int, after: int = 0) -> float:
    async def shown() -> None:
        await browse_category(
            uow,
            category_id=category_id,
            page=page,
            after=after,
            page_size=PAGE,
            currency="GBP",
            fallback_currency="GBP",
        )

    await shown()  # warm: the tree and the statements
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        await shown()
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
        ids = await seed(sessions, args.products)
        uow = SqlUnitOfWork(sessions)
        last = (args.products + PAGE - 1) // PAGE - 1
        small = await timed(uow, ids["small"], 0, args.rounds)
        first = await timed(uow, ids["big"], 0, args.rounds)
        final = await timed(uow, ids["big"], last, args.rounds)
        async with sessions() as session:  # the last product of the page before the last: what Next carries
            boundary = await session.scalar(
                select(m.ProductRow.id).where(m.ProductRow.name == f"Big {last * PAGE - 1:06}")
            )
        pressed = await timed(uow, ids["big"], last, args.rounds, after=boundary or 0)
        top = await timed(uow, 0, 0, args.rounds)
        print(f"501 categories, {args.products:,} products in one of them, median of {args.rounds}")
        print(f"top of the catalog            {top:7.2f} ms")
        print(f"small category (10), page 1   {small:7.2f} ms  x1.00")
        print(f"big category, page 1          {first:7.2f} ms  x{first / small:.2f}")
        print(f"big category, page {last + 1:,} by number (offset)  {final:7.2f} ms  x{final / small:.2f}")
        print(f"big category, page {last + 1:,} by Next (keyset)    {pressed:7.2f} ms  x{pressed / small:.2f}")
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
