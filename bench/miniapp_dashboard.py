"""The staff dashboard under load: first paint, and how soon a placed order shows, at 20 orders/s.

One ``serve``-like process (the bot on the sandbox, the intake API and the Mini App on one
aiohttp server, embedded SQLite), an admin's dashboard open on the event stream, and a client
placing ``--rate`` orders per second through the intake API for ``--seconds``. Printed:

* first paint: the page, its script, ``/app/api/me`` and the first snapshot, median of 20, idle
  and under the load (the ratio in one run: the machine is shared and noisy);
* live-update latency: from an order's ``201`` (its commit) to the snapshot counting it.

    python bench/miniapp_dashboard.py [--rate 20] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.api import add_api  # noqa: E402
from bot.demo_miniapp import signed_init_data  # noqa: E402
from bot.harness import running_bot  # noqa: E402
from bot.webapp import add_webapp  # noqa: E402
from domain.apikeys import Scope  # noqa: E402
from domain.usecases.api_keys import create_api_key  # noqa: E402

ADMIN = 1


async def first_paint(http: aiohttp.ClientSession, root: str, auth: dict[str, str]) -> float:
    started = time.perf_counter()
    for path in ("/app/dashboard", "/app/static/dashboard.js", "/app/static/common.js"):
        async with http.get(root + path) as answer:
            await answer.read()
    for path in ("/app/api/me", "/app/api/dashboard"):
        async with http.get(root + path, headers=auth) as answer:
            assert answer.status == 200, await answer.text()
            await answer.read()
    return time.perf_counter() - started


async def median_paint(http: aiohttp.ClientSession, root: str, auth: dict[str, str], n: int = 20) -> float:
    return statistics.median([await first_paint(http, root, auth) for _ in range(n)])


async def main(rate: float, seconds: float) -> None:
    with tempfile.TemporaryDirectory(prefix="ordergram-bench-") as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}"
        async with running_bot(url, default_currency="GBP", admin_ids=[ADMIN]) as running:
            runtime = running.runtime
            uow = runtime.uow()
            async with uow:  # plenty of stock, so every order is placed
                man = await uow.warehouses.get_by_code("MAN")
                assert man is not None
                products, _ = await uow.products.search("", 0, 1000)
                for product in products:
                    await uow.stock.set_bin_quantity(
                        product.id or 0, man.id or 0, "S-09-09-9", 1_000_000, "bench", "b", runtime.clock.now()
                    )
                await uow.commit()
            skus = [p.sku for p in products]
            token, _ = await create_api_key(
                runtime.uow(), runtime.clock, name="bench", scopes=frozenset({Scope.ORDERS})
            )
            app = web.Application()
            add_api(app, runtime.sessions, runtime.settings, runtime.clock)
            add_webapp(app, runtime)
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", 0).start()
            root = f"http://127.0.0.1:{runner.addresses[0][1]}"
            auth = {"Authorization": "tma " + signed_init_data(running, ADMIN, "Ada")}
            try:
                async with aiohttp.ClientSession() as http:
                    idle = await median_paint(http, root, auth)
                    await load(http, root, auth, token, skus, rate, seconds, idle)
            finally:
                await runner.cleanup()


async def load(
    http: aiohttp.ClientSession,
    root: str,
    auth: dict[str, str],
    token: str,
    skus: list[str],
    rate: float,
    seconds: float,
    idle: float,
) -> None:
    async with http.get(root + "/app/api/dashboard/ticket", headers=auth) as answer:
        ticket = (await answer.json())["ticket"]
    seen: list[tuple[float, int]] = []  # (when, today's orders) per snapshot
    stream = await http.get(f"{root}/app/api/dashboard/events?ticket={ticket}", timeout=aiohttp.ClientTimeout())

    async def read_stream() -> None:
        async for line in stream.content:
            if line.startswith(b"data: "):
                seen.append((time.perf_counter(), json.loads(line[6:])["today"]["orders"]))

    reader = asyncio.create_task(read_stream())
    while not seen:  # noqa: ASYNC110 - a bench's wait for the first event
        await asyncio.sleep(0.01)
    base = seen[0][1]
    placed: list[float] = []  # when each order's 201 arrived, in order of arrival

    async def place(i: int) -> None:
        body = {
            "customer": {"name": f"Bench {i}", "email": f"bench{i}@example.com"},
            "lines": [{"sku": skus[i % len(skus)], "quantity": 1}],
            "currency": "GBP",
            "payment": "cod",
            "pickup_point": "MAN",
        }
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": secrets.token_hex(8)}
        async with http.post(root + "/api/v1/orders", json=body, headers=headers) as answer:
            assert answer.status == 201, await answer.text()
            placed.append(time.perf_counter())

    total = int(rate * seconds)
    tasks = []
    started = time.perf_counter()
    for i in range(total):
        tasks.append(asyncio.create_task(place(i)))
        await asyncio.sleep(max(0.0, started + (i + 1) / rate - time.perf_counter()))
    under_load = await median_paint(http, root, auth, n=5)  # measured while orders still arrive
    await asyncio.gather(*tasks)
    deadline = time.perf_counter() + 5
    while (not seen or seen[-1][1] < base + total) and time.perf_counter() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    reader.cancel()
    stream.close()
    achieved = total / (placed[-1] - started)
    latencies = []
    for n, at in enumerate(sorted(placed), start=1):
        shown = next((when for when, count in seen if count >= base + n and when >= at), None)
        if shown is None:  # a snapshot taken before this order's 201 may already count it
            shown = next((when for when, count in seen if count >= base + n), None)
        if shown is not None:
            latencies.append(max(0.0, shown - at))
    latencies.sort()
    print(f"orders placed: {total} at {achieved:.1f}/s (target {rate:g}/s); snapshots pushed: {len(seen)}")
    print(
        f"first paint (page + script + me + snapshot): idle {idle * 1000:.0f} ms, under load "
        f"{under_load * 1000:.0f} ms (x{under_load / idle:.2f})"
    )
    print(
        f"live update, 201 → snapshot counting it: p50 {pct(latencies, 50):.0f} ms, "
        f"p95 {pct(latencies, 95):.0f} ms, max {latencies[-1] * 1000:.0f} ms ({len(latencies)}/{total} seen)"
    )


def pct(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, int(len(values) * p / 100))] * 1000


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    asyncio.run(main(args.rate, args.seconds))
