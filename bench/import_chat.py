"""Files sent in chat while the bot serves others: how long the event loop stalls.

    python bench/import_chat.py [URL] [--products 50000] [--warehouses 5]

Without a URL a fresh SQLite file in a temporary directory. Imports a ``--products``-row
Windows-1251 products file (Cyrillic names, as a Russian Excel saves "CSV") the way ``/import``
in chat does (``import_file``), then the same file again (every row unchanged), then a stock
file counting each product in ``--warehouses`` warehouses and a sales history (demand) file of
two days per product and warehouse. Beside each, a
task that asks the loop for a turn every millisecond records the longest wait it had (the
longest any other customer's update waited for the process to look at it), and the time
SQLite's write lock was held (every other customer's checkout waits that long on SQLite).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from import_scale import ean13, stock_csv, warehouses_csv  # noqa: E402  (the same barcodes as the shop-scale bench)
from sqlalchemy import event  # noqa: E402

from bot.runtime import settle_heap  # noqa: E402
from domain.ports import SystemClock  # noqa: E402
from domain.usecases.import_files import import_file  # noqa: E402
from storage.db import READ_ONLY_OPTION, create_engine, session_factory  # noqa: E402
from storage.migrate import upgrade_to_head  # noqa: E402
from storage.uow import SqlUnitOfWork  # noqa: E402


def demand_csv(products: int, warehouses: int) -> bytes:
    rows = ["sku,warehouse,date,quantity"]
    rows += [
        f"SKU{i:06d},W{w},2026-11-{day:02d},{1 + (i + w) % 9}"
        for i in range(products)
        for w in range(warehouses)
        for day in (2, 3)
    ]
    return ("\n".join(rows) + "\n").encode()


def products_cp1251(count: int) -> bytes:
    rows = ["sku;name;category;price;currency;barcode;weight_g;description"]
    rows += [
        f"SKU{i:06d};Товар номер {i};Категория {i % 40}/Полка {i % 7};{1 + i % 97},{i % 100:02d};RUB;"
        f"{ean13(400000000000 + i)};{100 + i % 900};Описание товара {i}, очень полезного"
        for i in range(count)
    ]
    return ("\r\n".join(rows) + "\r\n").encode("cp1251")


def write_locks(engine: Any) -> list[float]:
    """How long each writing transaction of ``engine`` held SQLite's write lock, as they end."""
    held: list[float] = []
    began: dict[int, float] = {}

    @event.listens_for(engine.sync_engine, "begin")
    def _begun(connection: Any) -> None:
        if not connection.get_execution_options().get(READ_ONLY_OPTION, False):
            began[id(connection)] = time.perf_counter()

    @event.listens_for(engine.sync_engine, "commit")
    @event.listens_for(engine.sync_engine, "rollback")
    def _ended(connection: Any) -> None:
        if (start := began.pop(id(connection), None)) is not None:
            held.append(time.perf_counter() - start)

    return held


class Stalls:
    """The longest the loop kept a task that asked for a turn every millisecond waiting."""

    def __init__(self) -> None:
        self.worst = 0.0
        self.asked = time.perf_counter()
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        while True:
            self.asked = time.perf_counter()
            await asyncio.sleep(0.001)
            self.worst = max(self.worst, time.perf_counter() - self.asked - 0.001)

    async def __aenter__(self) -> Stalls:
        self._task = asyncio.get_running_loop().create_task(self._tick())
        await asyncio.sleep(0.01)  # ticking before the import starts
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._task is not None
        self.worst = max(self.worst, time.perf_counter() - self.asked - 0.001)  # a turn still awaited
        self._task.cancel()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", nargs="?")
    parser.add_argument("--products", type=int, default=50_000)
    parser.add_argument("--warehouses", type=int, default=5)
    args = parser.parse_args()
    data = products_cp1251(args.products)
    counts, sold = stock_csv(args.products, args.warehouses), demand_csv(args.products, args.warehouses)
    with tempfile.TemporaryDirectory() as scratch:
        url = args.url or f"sqlite+aiosqlite:///{scratch}/imports.sqlite3"
        engine = create_engine(url)
        await upgrade_to_head(engine)
        sessions = session_factory(engine)
        held = write_locks(engine)
        settle_heap()
        print(f"{engine.dialect.name}: {args.products:,} products, {len(data) / 1e6:.1f} MB Windows-1251", flush=True)
        await import_file(SqlUnitOfWork(sessions), SystemClock(), "warehouses", warehouses_csv(args.warehouses))
        files = [("products", data), ("products", data), ("stock", counts), ("demand", sold)]
        rows = f"stock, {counts.count(10) - 1:,} rows", f"demand, {sold.count(10) - 1:,} rows"
        labels = ("first import", "the same file again", *rows)
        for label, (kind, file) in zip(labels, files, strict=True):
            await asyncio.sleep(0.05)
            held.clear()
            start, cpu = time.perf_counter(), time.process_time()
            async with Stalls() as stalls:
                report = await import_file(SqlUnitOfWork(sessions), SystemClock(), kind, file)
            took, cpu = time.perf_counter() - start, time.process_time() - cpu
            print(
                f"  {label:<22} {took:6.1f} s (CPU {cpu:5.1f} s)  loop's worst stall {stalls.worst * 1000:7.0f} ms"
                f"  write lock held {max(held, default=0.0):5.2f} s  "
                f"{report.created:,} created, {report.updated:,} updated, {report.unchanged:,} unchanged",
                flush=True,
            )
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
