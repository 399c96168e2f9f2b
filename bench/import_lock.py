"""Checkouts while a shop's first big products file is imported: how long they wait, how many fail.

    python bench/import_lock.py [--products 100000] [--every 0.1]

On a fresh SQLite file (the default engine), a shop with one mug in stock and a customer a
checkout, each with the mug in their cart. A checkout (``place_order``, pickup, cash) is started
every ``--every`` seconds, first with nothing else running (the baseline), then while the
first import of a ``--products``-row products file runs — in this process (``/import`` sent in
chat: the bot's other writers wait for their turn at SQLite's write lock) and in another
process (``ordergram import`` beside a running bot: a writer waits for the lock up to the
busy timeout, then fails with "database is locked"). Printed for each: checkouts started, placed
and failed (with the first error), their latency p50 / worst, and the worst as a multiple of the
baseline's; for the import in this process, how long it held the write lock at once.

First, with no checkouts, what the import's audit trail costs: the import alone, the History
rows (``product_changes``, one ``created`` a new product) it wrote, and the time their INSERT
took inside it (``storage.repositories.catalog_history.record``, timed where it runs).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from import_chat import write_locks  # noqa: E402
from import_scale import products_csv  # noqa: E402

from bot.runtime import settle_heap  # noqa: E402
from domain.catalog import Product  # noqa: E402
from domain.customers import Customer  # noqa: E402
from domain.money import Money  # noqa: E402
from domain.orders import Delivery, DeliveryMethod, PaymentMethod  # noqa: E402
from domain.ports import SystemClock  # noqa: E402
from domain.usecases.checkout import CheckoutPolicy, CheckoutRequest, place_order  # noqa: E402
from domain.usecases.import_files import import_file  # noqa: E402
from domain.warehouse import Warehouse  # noqa: E402
from storage.db import create_engine, session_factory  # noqa: E402
from storage.migrate import upgrade_to_head  # noqa: E402
from storage.repositories import catalog_history  # noqa: E402
from storage.uow import SqlUnitOfWork  # noqa: E402

CUSTOMERS = 2_000  # more than any run starts checkouts


async def shop(url: str) -> tuple[Any, int]:
    """A migrated shop: the mug at pickup shop W1, and ``CUSTOMERS`` customers with it in their cart."""
    engine = create_engine(url)
    await upgrade_to_head(engine)
    clock = SystemClock()
    uow = SqlUnitOfWork(session_factory(engine))
    async with uow:
        mug = Product(sku="MUG", name="Mug", category="C", prices={"EUR": Money(1000, "EUR")})
        mug = await uow.products.upsert(mug)
        w1 = await uow.warehouses.upsert(Warehouse("W1", "Shop", latitude=52.0, longitude=13.0, is_pickup_point=True))
        await uow.stock.set_bin_quantity(mug.id or 0, w1.id or 0, "A-01-01-1", 1_000_000, "count", "t", clock.now())
        for i in range(CUSTOMERS):
            customer = Customer(telegram_id=10_000 + i, first_name=f"C{i}", created_at=clock.now())
            customer = await uow.customers.add(customer)
            await uow.carts.set(customer.id or 0, mug.id or 0, 1, clock.now())
        await uow.commit()
    return engine, w1.id or 0


class Checkouts:
    """A checkout started every ``every`` seconds by the next customer; latencies and failures."""

    def __init__(self, engine: Any, warehouse: int, every: float, first: int) -> None:
        self.sessions, self.warehouse, self.every, self.next = session_factory(engine), warehouse, every, first
        self.latencies: list[float] = []
        self.failures: Counter[str] = Counter()
        self.running: set[asyncio.Task[None]] = set()

    async def one(self, customer_id: int) -> None:
        request = CheckoutRequest(
            customer_id=customer_id,
            checkout_key=f"k{customer_id}",
            phone="+4930123456",
            delivery=Delivery(DeliveryMethod.PICKUP, pickup_warehouse_id=self.warehouse),
            shipping_rate_id=None,
            payment_method=PaymentMethod.COD,
            currency="EUR",
            fallback_currency="EUR",
        )
        start = time.perf_counter()
        try:
            await place_order(SqlUnitOfWork(self.sessions), SystemClock(), CheckoutPolicy(), request)
        except Exception as failed:  # noqa: BLE001  (whatever a customer would have been told went wrong)
            self.failures[f"{type(failed).__name__}: {str(failed).splitlines()[0][:80]}"] += 1
        self.latencies.append(time.perf_counter() - start)

    async def run_while(self, busy: asyncio.Future[Any] | None, seconds: float = 0.0) -> None:
        """Start checkouts until ``busy`` is done (or for ``seconds``), then wait for them all."""
        until = time.perf_counter() + seconds
        while (busy is not None and not busy.done()) or (busy is None and time.perf_counter() < until):
            task = asyncio.get_running_loop().create_task(self.one(self.next))
            self.running.add(task)
            task.add_done_callback(self.running.discard)
            self.next += 1
            await asyncio.sleep(self.every)
        await asyncio.gather(*self.running)

    def line(self, label: str, baseline: float | None) -> str:
        done = sorted(self.latencies)
        worst = done[-1] if done else 0.0
        versus = f" ({worst / baseline:,.0f}× the baseline's)" if baseline else ""
        failed = sum(self.failures.values())
        first = f" — {next(iter(self.failures))}" if self.failures else ""
        return (
            f"  {label:<34} {len(done):4} started, {len(done) - failed:4} placed, {failed:4} failed;"
            f" p50 {statistics.median(done) * 1000:8.0f} ms, worst {worst * 1000:8.0f} ms{versus}{first}"
        )


async def child(url: str, path: str) -> None:
    """The other process: ``ordergram import products FILE`` as the CLI runs it."""
    engine = create_engine(url)
    settle_heap()
    data = await asyncio.to_thread(Path(path).read_bytes)
    await import_file(SqlUnitOfWork(session_factory(engine)), SystemClock(), "products", data)
    await engine.dispose()


async def audit_cost(url: str, data: bytes) -> str:
    """The first import alone on a fresh shop: its time, the write lock's, the History rows and their INSERT's time."""
    engine, _ = await shop(url)
    held = write_locks(engine)
    spent: list[float] = []
    record = catalog_history.record

    async def timed(s: Any, changes: Any) -> None:
        start = time.perf_counter()
        await record(s, changes)
        spent.append(time.perf_counter() - start)

    catalog_history.record = timed
    try:
        start = time.perf_counter()
        await import_file(SqlUnitOfWork(session_factory(engine)), SystemClock(), "products", data)
        took = time.perf_counter() - start
    finally:
        catalog_history.record = record
    async with engine.connect() as connection:
        rows = (await connection.exec_driver_sql("SELECT count(*) FROM product_changes")).scalar_one()
    await engine.dispose()
    audit = sum(spent)
    return (
        f"  import alone: {took:.2f} s, write lock held {max(held):.2f} s at once; {rows:,} History rows written"
        f" in {audit:.3f} s ({100 * audit / took:.1f}% of the import)"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--every", type=float, default=0.1)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        await child(*args.child)
        return
    data = products_csv(args.products)
    with tempfile.TemporaryDirectory() as scratch:
        file = Path(scratch) / "products.csv"
        file.write_bytes(data)
        every = f"a checkout every {args.every * 1000:.0f} ms"
        print(f"SQLite: first import of {args.products:,} products; {every}", flush=True)
        print(await audit_cost(f"sqlite+aiosqlite:///{scratch}/audit.sqlite3", data), flush=True)
        baseline = 0.0
        for where in ("this process", "another process"):
            url = f"sqlite+aiosqlite:///{scratch}/{where.replace(' ', '_')}.sqlite3"
            engine, warehouse = await shop(url)
            settle_heap()
            if where == "this process":
                alone = Checkouts(engine, warehouse, args.every, 1)
                await alone.run_while(None, seconds=3.0)
                baseline = max(alone.latencies)
                print(alone.line("alone (baseline)", None), flush=True)
            held = write_locks(engine)

            checkouts = Checkouts(engine, warehouse, args.every, CUSTOMERS // 2 if where == "this process" else 1)
            start = time.perf_counter()
            if where == "this process":
                importing: asyncio.Future[Any] = asyncio.ensure_future(
                    import_file(SqlUnitOfWork(session_factory(engine)), SystemClock(), "products", data)
                )
            else:
                process = await asyncio.create_subprocess_exec(sys.executable, __file__, "--child", url, str(file))
                importing = asyncio.ensure_future(process.wait())
            await checkouts.run_while(importing)
            took = time.perf_counter() - start
            importing.result()
            lock = f", write lock held {max(held):.1f} s at once" if where == "this process" else ""
            print(f"  import in {where}: {took:.1f} s{lock}", flush=True)
            print(checkouts.line(f"while importing in {where}", baseline), flush=True)
            await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
