"""The stock feed's changes poll on a big catalog: its time, and the plan of the query that finds what changed.

A catalog of ``--products`` products (two warehouses each) on SQLite or PostgreSQL; a channel's token is taken,
then orders hold a unit of ``--moved`` products spread over the catalog and one product is added. Timed (the best
of five, through ``api_stock_changes`` as ``GET /stock/levels?changed_since=`` calls it): a whole poll from the
token, and one page of it from the middle of the catalog (``after`` half way). Then the plan the database chose for
the statement that finds the changed products, as it ran (its own parameters): SQLite's EXPLAIN QUERY PLAN,
PostgreSQL's EXPLAIN ANALYZE. ``--without-indexes`` drops the indexes of migration 0077 first, to show the scan they
save.

    python bench/stock_feed_changes.py [--products 100000] [--moved 10] [--database sqlite|postgresql]
                                       [--without-indexes]

PostgreSQL at 127.0.0.1:5432 (user postgres) for ``--database postgresql``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

from _pg import bench_shop  # bench/_pg.py
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from domain.apikeys import Scope  # noqa: E402
from domain.ports import SystemClock  # noqa: E402
from domain.usecases.api_keys import create_api_key  # noqa: E402
from domain.usecases.imports.lists import import_warehouses  # noqa: E402
from domain.usecases.imports.products import import_products  # noqa: E402
from domain.usecases.imports.stock import import_stock  # noqa: E402
from domain.usecases.intake_stock import FeedPoint, api_stock_changes, api_stock_feed  # noqa: E402

INDEXES = ("ix_stock_available_seq", "ix_products_status_seq")
HOLDS = 300
UPDATES = "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'stock'"
CHUNK = 20_000  # products a file: the import's own limit on one file is far above, memory is not


async def _updates(engine: AsyncEngine) -> tuple[int, int]:
    """Updates of stock so far and how many were HOT, as PostgreSQL's statistics have them: the
    connections are closed first, as a backend reports its counts when it ends."""
    await engine.dispose()
    await asyncio.sleep(1)
    async with engine.connect() as conn:
        updates, hot = (await conn.execute(text(UPDATES))).one()
    await engine.dispose()
    return int(updates), int(hot)


async def main(products: int, kind: str, moved: int, without_indexes: bool) -> None:
    async with bench_shop(kind) as shop:
        engine, uow = shop.engine, shop.uow
        clock = SystemClock()

        started = time.perf_counter()
        skus = [f"B-{n:06d}" for n in range(products)]
        await import_warehouses(uow(), "code,name\nLON,London\nMAN,Manchester\n")
        for start in range(0, products, CHUNK):
            chunk = skus[start : start + CHUNK]
            rows = "".join(f"{sku},Product {sku},Bench,2.50,GBP\n" for sku in chunk)
            await import_products(uow(), clock, "sku,name,category,price,currency\n" + rows)
            counts = "".join(
                f"{sku},{w},A-01-01-1,{n % 40 + 1}\n" for n, sku in enumerate(chunk) for w in ("LON", "MAN")
            )
            await import_stock(uow(), clock, "sku,warehouse,bin,quantity\n" + counts)
        _, key = await create_api_key(uow(), clock, name="marketplace", scopes=frozenset({Scope.STOCK_READ}))
        async with engine.begin() as conn:
            if without_indexes:
                for index in INDEXES:
                    await conn.execute(text(f"DROP INDEX IF EXISTS {index}"))
            if kind == "postgresql":
                await conn.execute(text("ANALYZE"))
        print(f"{products} products, {kind}{' without the indexes' if without_indexes else ''}:")
        print(f"  seeded in {time.perf_counter() - started:.0f} s")

        first = await api_stock_feed(uow(), key=key, skus=[skus[0]])  # the channel's last token
        assert first.point is not None
        ids: dict[str, int] = {}
        async with uow() as work:  # orders held a unit of each of --moved products since
            for sku in skus[:: max(len(skus) // moved, 1)][:moved]:
                product = await work.products.get_by_sku(sku)
                assert product is not None and product.id is not None
                ids[sku] = product.id
                assert await work.stock.try_reserve(product.id, 1, 1)
            await work.commit()
        await import_products(uow(), clock, "sku,name,category,price,currency\nB-NEW,New,Bench,2.50,GBP\n")
        point = first.point
        middle = FeedPoint(point.since, point.since, ids[sorted(ids)[len(ids) // 2]], point.origin)

        async def poll() -> int:
            read, at = 0, point
            while True:
                page = await api_stock_changes(uow(), key=key, point=at)
                read += len(page.stock)
                if not page.more:
                    return read
                at = page.point

        async def page_from_middle() -> int:
            return len((await api_stock_changes(uow(), key=key, point=middle)).stock)

        for name, read in (("a whole poll from the token", poll), ("a page from after half way", page_from_middle)):
            assert await read() > 0  # warm
            took = float("inf")
            for _ in range(5):  # the best of five: the machine is shared and noisy
                begun = time.perf_counter()
                found = await read()
                took = min(took, time.perf_counter() - begun)
            print(f"  {name:<30} {found:>4} products  {took * 1000:>8.1f} ms")

        captured: list[tuple[str, Any]] = []

        def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
            if "status_seq" in statement and not statement.lstrip().upper().startswith("EXPLAIN"):
                captured.append((statement, parameters))

        event.listen(engine.sync_engine, "before_cursor_execute", capture)
        await page_from_middle()
        event.remove(engine.sync_engine, "before_cursor_execute", capture)
        statement, parameters = captured[0]
        explain = "EXPLAIN QUERY PLAN " if kind == "sqlite" else "EXPLAIN ANALYZE "
        async with engine.connect() as conn:
            plan = (await conn.exec_driver_sql(explain + statement, parameters)).all()
        print("  the plan of the page from half way:")
        for row in plan:
            print(f"    {row[-1]}")

        # What the indexes cost: every hold moves available_seq, so it writes the index too
        held = [ids[sku] for sku in sorted(ids)]
        before = await _updates(engine) if kind == "postgresql" else (0, 0)
        begun = time.perf_counter()
        for n in range(HOLDS):
            async with uow() as work:  # a hold, then its release: each moves the available quantity
                if n % 2:
                    await work.stock.release(held[n // 2 % len(held)], 2, 1)
                else:
                    assert await work.stock.try_reserve(held[n // 2 % len(held)], 2, 1)
                await work.commit()
        each = (time.perf_counter() - begun) / HOLDS
        print(f"  a hold or a release (its own transaction): {each * 1e6:.0f} µs on average over {HOLDS}")
        if kind == "postgresql":
            after = await _updates(engine)
            updates, hot = after[0] - before[0], after[1] - before[1]
            print(f"  the holds' updates of stock that were HOT (no index written): {hot} of {updates}")
        await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--moved", type=int, default=10, help="products whose stock moved since the token")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--without-indexes", action="store_true", help="drop migration 0077's indexes first")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.products, arguments.database, arguments.moved, arguments.without_indexes))
