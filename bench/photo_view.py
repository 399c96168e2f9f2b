"""What a Mini App photo view costs the shop before the photo's bytes: the decision alone.

    python bench/photo_view.py [--products 2000] [--views 3000]

On a fresh SQLite shop (``--products`` products with stock in five warehouses, imported as
``ordergram import`` does), ``/app/photo/ID`` decides whether the product is listed and which
photo it has. Timed over ``--views`` views of products picked at random, warm read cache, in one
run: building the product's whole card for it (``product_card``: variants, stock, rates, the
price list — what the view did) against reading the listed product alone (``listed_photo``).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from import_scale import products_csv, stock_csv, warehouses_csv  # noqa: E402

from bot.runtime import settle_heap  # noqa: E402
from domain.ports import SystemClock  # noqa: E402
from domain.usecases.import_files import import_file  # noqa: E402
from domain.usecases.product_cards import product_card  # noqa: E402
from domain.usecases.product_lookup import listed_photo  # noqa: E402
from storage.db import create_engine, session_factory  # noqa: E402
from storage.migrate import upgrade_to_head  # noqa: E402
from storage.uow import SqlUnitOfWork  # noqa: E402


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=2_000)
    parser.add_argument("--views", type=int, default=3_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        engine = create_engine(f"sqlite+aiosqlite:///{scratch}/photos.sqlite3")
        await upgrade_to_head(engine)
        sessions, clock = session_factory(engine), SystemClock()
        for kind, data in (
            ("warehouses", warehouses_csv(5)),
            ("products", products_csv(args.products)),
            ("stock", stock_csv(args.products, 5)),
        ):
            await import_file(SqlUnitOfWork(sessions), clock, kind, data)
        async with SqlUnitOfWork(sessions).read_only() as uow:
            ids = sorted((await uow.products.ids_by_sku([f"SKU{i:06d}" for i in range(args.products)])).values())
        pick = random.Random(7)
        views = [pick.choice(ids) for _ in range(args.views)]
        settle_heap()

        async def card(product_id: int) -> str:
            found = await product_card(
                SqlUnitOfWork(sessions), product_id=product_id, currency="EUR", fallback_currency="EUR"
            )
            return found.product.photo_file_id or ""

        async def alone(product_id: int) -> str:
            return await listed_photo(SqlUnitOfWork(sessions), product_id=product_id)

        timings: dict[str, list[float]] = {"the whole card (before)": [], "the listed product (now)": []}
        for _ in range(3):  # interleaved rounds: the machine's load falls on both alike
            for spent, decide in zip(timings.values(), (card, alone), strict=True):
                for product_id in views[:200]:  # the read cache warmed for what is timed
                    await decide(product_id)
                start = time.perf_counter()
                for product_id in views:
                    await decide(product_id)
                spent.append((time.perf_counter() - start) / len(views))
        best = {label: min(spent) for label, spent in timings.items()}
        print(f"SQLite, {args.products:,} products, {args.views:,} photo views (best of 3 rounds):", flush=True)
        for label, seconds in best.items():
            print(f"  {label:<26} {seconds * 1e6:8.1f} µs a view", flush=True)
        before, now = best.values()
        print(f"  the listed product alone: {now / before:.2f}× the card's cost ({before / now:.1f}× as many views)")
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
