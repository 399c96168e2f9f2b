"""A marketplace syncing a catalog's stock over the intake API: one SKU a request vs the stock feed.

A catalog of ``--products`` products (two warehouses each) on SQLite or PostgreSQL, the API served in
this process on a real port, one client reading every product's stock three ways: ``GET /stock?sku=``
for each, ``GET /stock/levels`` a page of 100 at a time, and ``GET /stock/levels?sku=…`` naming 100
a request; then the incremental sync a client runs every minute: ``?changed_since=`` its last token,
after orders moved ``--moved`` products' stock. Each way is read once to warm the caches, then timed:
the best of three.

    python bench/stock_feed.py [--products 800] [--moved 10] [--database sqlite|postgresql]

PostgreSQL at 127.0.0.1:5432 (user postgres) for ``--database postgresql``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
from _pg import bench_shop  # bench/_pg.py
from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.api import make_api_app  # noqa: E402
from bot.config import Settings  # noqa: E402
from domain.apikeys import Scope  # noqa: E402
from domain.ports import SystemClock  # noqa: E402
from domain.usecases.api_keys import create_api_key  # noqa: E402
from domain.usecases.imports.lists import import_warehouses  # noqa: E402
from domain.usecases.imports.products import import_products  # noqa: E402
from domain.usecases.imports.stock import import_stock  # noqa: E402

PAGE = 100


async def timed(name: str, requests: int, read: Callable[[], Awaitable[int]]) -> float:
    assert await read() > 0  # warm: the stock snapshot and the key's cache loaded, as a syncing client finds them
    took = float("inf")
    for _ in range(3):  # the best of three: the machine is shared and noisy
        started = time.perf_counter()
        products = await read()
        took = min(took, time.perf_counter() - started)
    print(f"  {name:<44} {requests:>5} requests  {products:>5} products  {took * 1000:>8.0f} ms")
    return took


async def main(products: int, kind: str, moved: int) -> None:
    async with bench_shop(kind) as shop:
        uow = shop.uow
        clock = SystemClock()

        skus = [f"B-{n:05d}" for n in range(products)]
        await import_warehouses(uow(), "code,name\nLON,London\nMAN,Manchester\n")
        rows = "".join(f"{sku},Product {sku},Bench,2.50,GBP\n" for sku in skus)
        await import_products(uow(), clock, "sku,name,category,price,currency\n" + rows)
        stock = "".join(f"{sku},{w},A-01-01-1,{n % 40 + 1}\n" for n, sku in enumerate(skus) for w in ("LON", "MAN"))
        await import_stock(uow(), clock, "sku,warehouse,bin,quantity\n" + stock)
        token, _ = await create_api_key(uow(), clock, name="marketplace", scopes=frozenset({Scope.STOCK_READ}))

        settings = Settings(bot_token="1:bench", database_url=shop.url, api_rate_limit="0", api_auth_failure_limit="0")
        runner = web.AppRunner(make_api_app(shop.sessions, settings, clock))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        base = f"http://127.0.0.1:{port}/api/v1"
        headers = {"Authorization": f"Bearer {token}"}
        async with aiohttp.ClientSession(headers=headers) as client:

            async def one_by_one() -> int:
                for sku in skus:
                    async with client.get(f"{base}/stock", params={"sku": sku}) as answer:
                        assert answer.status == 200, await answer.text()
                        await answer.read()
                return len(skus)

            async def paged() -> int:
                read, query = 0, {"limit": str(PAGE)}
                while True:
                    async with client.get(f"{base}/stock/levels", params=query) as answer:
                        page = await answer.json()
                    read += len(page["stock"])
                    if page["next_cursor"] is None:
                        return read
                    query = {"limit": str(PAGE), "cursor": page["next_cursor"]}

            async def named() -> int:
                read = 0
                for start in range(0, len(skus), PAGE):
                    params = [("sku", sku) for sku in skus[start : start + PAGE]]
                    async with client.get(f"{base}/stock/levels", params=params) as answer:
                        read += len((await answer.json())["stock"])
                return read

            print(f"{products} products, {kind}:")
            single = await timed("GET /stock?sku= one by one", len(skus), one_by_one)
            pages = await timed(f"GET /stock/levels?limit={PAGE} (cursor)", -(-len(skus) // PAGE), paged)
            listed = await timed(f"GET /stock/levels?sku=… ({PAGE} named)", -(-len(skus) // PAGE), named)
            print(f"  paged is {single / pages:.0f}x, named {single / listed:.0f}x faster than one by one")

            async with client.get(f"{base}/stock/levels", params={"limit": "1"}) as answer:
                token = (await answer.json())["changes_token"]  # the last sync's token
            async with uow() as work:  # orders held a unit of each of --moved products since
                for sku in skus[:: max(len(skus) // moved, 1)][:moved]:
                    product = await work.products.get_by_sku(sku)
                    assert product is not None and product.id is not None
                    assert await work.stock.try_reserve(product.id, 1, 1)
                await work.commit()

            async def incremental() -> int:
                read, since = 0, token
                while True:
                    async with client.get(f"{base}/stock/levels", params={"changed_since": since}) as answer:
                        page = await answer.json()
                    read += len(page["stock"])
                    if page["next_cursor"] is None:
                        return read
                    since = page["next_cursor"]

            changed = await timed(f"GET /stock/levels?changed_since= ({moved} moved)", 1, incremental)
            print(f"  the incremental sync is {pages / changed:.0f}x faster than reading every page")
        await runner.cleanup()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=800)
    parser.add_argument("--moved", type=int, default=10, help="products whose stock moved since the last sync")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.products, arguments.database, arguments.moved))
