"""Orders per second through the HTTP intake API: SQLite vs PostgreSQL, one process vs two.

Each setting starts real ``ordergram serve`` processes (long polling against the sandbox Bot
API; the API on its own port), with the demo catalog and plenty of stock, and has
``--clients`` concurrent clients POST ``--orders`` orders (one line, cash on delivery, pickup,
a fresh Idempotency-Key each), then the same number again in POST /orders/batch requests of
``--batch`` orders from a quarter as many clients (a connector catching up). Two processes
share PostgreSQL and Redis behind a round-robin proxy (``sandbox/proxy.py``). Ratios are measured
in one run, since the machine is noisy.

    python bench/api_throughput.py [--orders 400] [--clients 16] [--batch 50]

Needs PostgreSQL at 127.0.0.1:5432 (user postgres) and Redis at 127.0.0.1:6379 for the
PostgreSQL rows; the SQLite row runs anywhere.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import socket
import sys
import tempfile
import time
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import aiohttp
from _pg import fresh_pg  # bench/_pg.py

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.harness import load_demo_catalog  # noqa: E402
from domain.ports import SystemClock  # noqa: E402
from domain.usecases.api_keys import create_api_key  # noqa: E402
from sandbox import SandboxServer  # noqa: E402
from sandbox.proxy import RoundRobin, wait_until_serving  # noqa: E402
from storage.db import create_engine, session_factory  # noqa: E402
from storage.migrate import upgrade_to_head  # noqa: E402
from storage.uow import SqlUnitOfWork  # noqa: E402

REDIS = "redis://127.0.0.1:6379/13"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def prepare(url: str) -> tuple[str, list[str]]:
    """Migrate, load the demo catalog, give every product a million units at MAN (orders spread
    over the catalog, as real ones do); returns an API key and the SKUs."""
    engine = create_engine(url)
    await upgrade_to_head(engine)
    sessions = session_factory(engine, base_currency="GBP")
    clock = SystemClock()
    await load_demo_catalog(lambda: SqlUnitOfWork(sessions), clock)
    uow = SqlUnitOfWork(sessions)
    async with uow:
        warehouse = await uow.warehouses.get_by_code("MAN")
        assert warehouse is not None
        products, _ = await uow.products.search("", 0, 1000)
        for product in products:
            await uow.stock.set_bin_quantity(
                product.id or 0, warehouse.id or 0, "S-09-09-9", 1_000_000, "bench", "b", clock.now()
            )
        await uow.commit()
    skus = [p.sku for p in products]
    token, _ = await create_api_key(SqlUnitOfWork(sessions), clock, name=f"bench-{secrets.token_hex(3)}")
    await engine.dispose()
    return token, skus


async def start(server: SandboxServer, url: str, port: int, workdir: Path, redis: str | None) -> Any:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "BOT_TOKEN": server.token,
        "TELEGRAM_API_URL": server.url,
        "DATABASE_URL": url,
        "DEFAULT_CURRENCY": "GBP",
        "WEBHOOK_PORT": str(port),
        "NOTIFY_RATE": "0",
        "NOTIFY_CHAT_INTERVAL": "0",
        "API_RATE_LIMIT": "0",  # the shop's capacity is measured, not one channel's allowance (30/s)
    }
    if redis:
        env["REDIS_URL"] = redis
    await asyncio.to_thread(workdir.mkdir, parents=True, exist_ok=True)
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "serve",
        env=env,
        cwd=workdir,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def load(port: int, token: str, skus: list[str], orders: int, clients: int, batch: int = 0) -> tuple[float, int]:
    """Orders per second, and how many were not placed; ``batch``: that many orders a POST
    /orders/batch (0: one POST /orders each)."""
    queue: asyncio.Queue[list[int]] = asyncio.Queue()
    size = max(batch, 1)
    for first in range(0, orders, size):
        queue.put_nowait(list(range(first, min(first + size, orders))))
    failed = 0
    run = secrets.token_hex(4)

    def body(i: int) -> dict[str, Any]:
        # A hundred customers a load, new each load: none reaches the shop's cap of unpaid (cash on delivery) orders.
        return {
            "customer": {"name": "Bench", "email": f"bench{i % 100}.{run}@example.com"},
            "lines": [{"sku": skus[i % len(skus)], "quantity": 1}],
            "currency": "GBP",
            "payment": "cod",
            "pickup_point": "MAN",
        }

    async def client(http: aiohttp.ClientSession) -> None:
        nonlocal failed
        root, auth = f"http://127.0.0.1:{port}/api/v1/orders", {"Authorization": f"Bearer {token}"}
        while not queue.empty():
            numbers = queue.get_nowait()
            if not batch:
                headers = {**auth, "Idempotency-Key": f"{run}-{numbers[0]}"}
                async with http.post(root, json=body(numbers[0]), headers=headers) as answer:
                    await answer.read()
                    failed += answer.status != 201
                continue
            entries = [{"idempotency_key": f"{run}-{i}", "order": body(i)} for i in numbers]
            async with http.post(f"{root}/batch", json={"orders": entries}, headers=auth) as answer:
                results = (await answer.json())["results"] if answer.status == 200 else []
                failed += len(numbers) - sum(r["status"] == 201 for r in results)

    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector) as http:
        started = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        elapsed = time.perf_counter() - started
    return orders / elapsed, failed


async def setting(
    label: str, url: str, processes: int, redis: str | None, args: argparse.Namespace, tmp: Path
) -> float:
    token, skus = await prepare(url)
    server = SandboxServer()
    await server.start()
    ports = [free_port() for _ in range(processes)]
    running = [await start(server, url, port, tmp / f"{label}-{i}", redis) for i, port in enumerate(ports)]
    proxy = None
    try:
        await wait_until_serving(running, ports)
        target = ports[0]
        if processes > 1:
            proxy = RoundRobin(ports)
            await proxy.start()
            target = proxy.port
        await load(target, token, skus, max(20, args.orders // 10), args.clients)  # warm-up
        rate, failed = await load(target, token, skus, args.orders, args.clients)
        # The same orders in batches, as a connector catching up sends them: fewer clients, as it has.
        batched, batch_failed = await load(target, token, skus, args.orders, max(1, args.clients // 4), args.batch)
    finally:
        if proxy is not None:
            await proxy.stop()
        for process in running:
            process.send_signal(signal.SIGTERM)
        for process in running:
            await process.wait()
        await server.stop()
    print(f"{label:<34} {rate:8.1f} orders/s   ({args.orders} orders, {args.clients} clients, {failed} not 201)")
    print(
        f"{'  … in batches of ' + str(args.batch):<34} {batched:8.1f} orders/s   "
        f"({args.orders} orders, {max(1, args.clients // 4)} clients, {batch_failed} not 201)"
    )
    return rate


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=400)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--batch", type=int, default=50, help="orders a POST /orders/batch (at most 100)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ordergram-api-bench-") as folder:
        tmp = Path(folder)
        sqlite = await setting("SQLite, 1 process", f"sqlite+aiosqlite:///{tmp / 'bench.sqlite3'}", 1, None, args, tmp)
        async with AsyncExitStack() as stack:
            try:
                pg = await stack.enter_async_context(fresh_pg())
            except OSError as exc:
                print(f"PostgreSQL not reachable ({exc}); its rows are skipped")
                return
            one = await setting("PostgreSQL, 1 process", pg, 1, None, args, tmp)
            two = await setting("PostgreSQL + Redis, 2 processes", pg, 2, REDIS, args, tmp)
    print(f"PostgreSQL / SQLite (1 process): {one / sqlite:.2f}")
    print(f"2 processes / 1 process (PostgreSQL): {two / one:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
