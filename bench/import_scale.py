"""CSV imports at shop scale: 100,000 products and 500,000 stock rows, then a refused file.

    python bench/import_scale.py [URL] [--products 100000] [--warehouses 5]

Without a URL a fresh SQLite file in a temporary directory (a PostgreSQL URL must name an empty
database). Imports, as ``ordergram import`` does (``import_file``, one unit of work per file):
the warehouses, ``--products`` products, one stock row per product and warehouse, then the
same stock file again (every row unchanged), then a stock file whose last row names an unknown
SKU and one whose last row would count below what is reserved: each must be refused with its
line number and change nothing. Prints each file's time against the 60 s target (products +
stock), the process's CPU time beside it (what other jobs on a shared machine do not inflate:
wall time is CPU time plus the time spent waiting for a core) and the load average.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from sqlalchemy import text  # noqa: E402

from bot.runtime import settle_heap  # noqa: E402
from domain.errors import ImportRejected  # noqa: E402
from domain.ports import SystemClock  # noqa: E402
from domain.usecases.import_files import import_file  # noqa: E402
from storage.db import create_engine, session_factory  # noqa: E402
from storage.migrate import upgrade_to_head  # noqa: E402
from storage.uow import SqlUnitOfWork  # noqa: E402

TARGET = 60.0  # seconds, products + stock on SQLite (issue 24)


def warehouses_csv(count: int) -> bytes:
    rows = ["code,name,address,latitude,longitude"]
    rows += [f"W{w},Warehouse {w},{w} Dock Road,51.{w},-0.{w}" for w in range(count)]
    return ("\n".join(rows) + "\n").encode()


def ean13(number: int) -> str:
    digits = f"{number:012d}"
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
    return f"{digits}{check}"


def products_csv(count: int) -> bytes:
    rows = ["sku,name,category,price,currency,barcode,weight_g,description"]
    rows += [
        f"SKU{i:06d},Product {i},Category {i % 40}/Shelf {i % 7},{1 + i % 97}.{i % 100:02d},EUR,"
        f"{ean13(400000000000 + i)},{100 + i % 900},A thing numbered {i}"
        for i in range(count)
    ]
    return ("\n".join(rows) + "\n").encode()


def stock_csv(products: int, warehouses: int, *, last: str = "") -> bytes:
    rows = ["sku,warehouse,bin,quantity"]
    rows += [
        f"SKU{i:06d},W{w},A-{i % 20:02d}-01-1,{(i * 7 + w) % 50}" for i in range(products) for w in range(warehouses)
    ]
    if last:
        rows.append(last)
    return ("\n".join(rows) + "\n").encode()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", nargs="?")
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--warehouses", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url = args.url or f"sqlite+aiosqlite:///{scratch}/imports.sqlite3"
        engine = create_engine(url)
        await upgrade_to_head(engine)
        sessions = session_factory(engine)
        clock = SystemClock()
        settle_heap()  # as ``ordergram import`` and the bot do
        print(f"{engine.dialect.name}: load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)

        async def timed(label: str, kind: str, data: bytes) -> tuple[float, float]:
            start, cpu = time.perf_counter(), time.process_time()
            try:
                report = await import_file(SqlUnitOfWork(sessions), clock, kind, data)
                outcome = f"{report.created:,} created, {report.updated:,} updated, {report.unchanged:,} unchanged"
            except ImportRejected as rejected:
                shown = "; ".join(f"line {line}: {reason}" for line, reason in rejected.problems[:3])
                outcome = f"refused ({len(rejected.problems)} problems): {shown}"
            took, cpu = time.perf_counter() - start, time.process_time() - cpu
            print(f"  {label:<38} {took:7.1f} s  (CPU {cpu:5.1f} s)  {outcome}", flush=True)
            return took, cpu

        products, warehouses = args.products, args.warehouses
        stock = stock_csv(products, warehouses)
        await timed(f"{warehouses} warehouses", "warehouses", warehouses_csv(warehouses))
        catalog = await timed(f"{products:,} products", "products", products_csv(products))
        counts = await timed(f"{products * warehouses:,} stock rows", "stock", stock)
        spent, cpu = catalog[0] + counts[0], catalog[1] + counts[1]
        verdict = "met" if spent <= TARGET else "NOT met"
        print(f"  products + stock: {spent:.1f} s, CPU {cpu:.1f} s (≤ {TARGET:g} s: {verdict})", flush=True)
        print(f"  load average now {os.getloadavg()[0]:.1f}", flush=True)
        await timed("the same stock file again", "stock", stock)
        async with engine.begin() as connection:  # something reserved, so a recount can fall below it
            one = await connection.scalar(text("SELECT id FROM products WHERE sku = 'SKU000001'"))
            await connection.execute(text("UPDATE stock SET reserved = on_hand WHERE product_id = :id"), {"id": one})
            before = await connection.scalar(text("SELECT sum(on_hand) FROM stock"))
        await timed("stock, last row an unknown SKU", "stock", stock_csv(products, warehouses, last="NOPE,W0,,1"))
        under = stock.replace(b"\nSKU000001,W1,A-01-01-1,8\n", b"\nSKU000001,W1,A-01-01-1,3\n")  # 8, all reserved
        assert under != stock
        await timed("stock, line 8 under reserved", "stock", under)
        async with engine.connect() as connection:
            after = await connection.scalar(text("SELECT sum(on_hand) FROM stock"))
        print(f"  on hand before and after the refused files: {before:,} / {after:,}", flush=True)
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
