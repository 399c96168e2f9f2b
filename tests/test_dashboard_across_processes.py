"""Two ``ordergram serve`` processes on one database and one Redis: an order taken by one
reaches a dashboard's event stream held open on the other as its next snapshot (Redis pub/sub
carries the change: the stream has no timer that reads the shop again); the stream's ticket,
spent on one, opens nothing on the other."""

from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path
from typing import Any

import aiohttp

from bot.harness import load_demo_catalog
from bot.webapp.events import CHANNEL
from bot.webapp.initdata import sign
from domain.usecases.api_keys import create_api_key
from sandbox import SandboxServer
from sandbox.proxy import wait_until_serving
from storage.db import create_engine, session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.running_process import migrated, start_on_a_free_port, stop_all
from tests.services import redis_or_skip

REDIS_DB = os.environ.get("ORDERGRAM_TEST_REDIS", "redis://127.0.0.1:6379/14")
ADMIN = 1
# Only against a hang: the stream reads the shop again only when told of a change (its keep-alive every
# 15 s reads nothing), so a change that did not cross never arrives at all, however long one waits.
HANG_S = 120


async def next_snapshot(stream: aiohttp.ClientResponse) -> dict[str, Any]:
    data: dict[str, Any] | None = None
    while True:
        line = (await stream.content.readline()).decode()
        if line.startswith("data: "):
            data = json.loads(line.removeprefix("data: "))
        elif line == "\n" and data is not None:
            return data


async def subscribed(redis: Any, processes: int) -> None:
    """Until ``processes`` listen on the dashboard's channel: a change published before a process
    subscribes is not kept for it (pub/sub), so an order placed at once could cross to no one."""
    async with asyncio.timeout(HANG_S):
        # Redis tells no one of a subscription: asked again.
        while dict(await redis.pubsub_numsub(CHANNEL)).get(CHANNEL.encode(), 0) < processes:  # noqa: ASYNC110
            await asyncio.sleep(0.05)


async def test_an_order_taken_by_one_process_reaches_the_dashboard_stream_of_the_other(
    tmp_path: Path,
) -> None:
    redis = await redis_or_skip()
    database = f"sqlite+aiosqlite:///{tmp_path / 'shared.sqlite3'}"
    await migrated(database)
    engine = create_engine(database)
    sessions = session_factory(engine, base_currency="GBP")
    await load_demo_catalog(lambda: SqlUnitOfWork(sessions), FakeClock())
    key, _ = await create_api_key(SqlUnitOfWork(sessions), FakeClock(), name="web")
    await engine.dispose()

    server = SandboxServer()
    await server.start()
    env = {
        "DATABASE_URL": database,
        "REDIS_URL": REDIS_DB,
        "DEFAULT_CURRENCY": "GBP",
        "ADMIN_IDS": str(ADMIN),
        "WEBAPP_URL": "https://shop.test",
        "NOTIFY_RATE": "0",
        "NOTIFY_CHAT_INTERVAL": "0",
        "LOG_LEVEL": "INFO",
        # The watcher's own notifier, sending the order's messages to staff, would wake its process's
        # streams itself: passes a minute apart leave Redis the only one that can tell it of the order.
        "NOTIFIER_INTERVAL_SECONDS": "60",
    }
    processes: list[asyncio.subprocess.Process] = []
    ports: list[int] = []

    def env_for(port: int) -> dict[str, str]:
        hook = f"http://127.0.0.1:{(ports or [port])[0]}/tg/hook"  # Telegram's updates go to the first; irrelevant
        return {**env, "WEBHOOK_PORT": str(port), "WEBHOOK_URL": hook}

    init_data = sign(
        {"auth_date": str(int(time.time())), "user": json.dumps({"id": ADMIN, "first_name": "Ada"})}, server.token
    )
    try:
        for i in range(2):
            workdir = tmp_path / f"p{i}"
            workdir.mkdir()
            process, port = await start_on_a_free_port(server, workdir, "serve", env_for)
            processes.append(process)
            ports.append(port)
        watcher, taker = (f"http://127.0.0.1:{port}" for port in ports)
        await wait_until_serving(processes, ports)
        await subscribed(redis, processes=2)
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None)) as http:
            async with http.get(
                f"{watcher}/app/api/dashboard/ticket", headers={"Authorization": f"tma {init_data}"}
            ) as r:
                ticket = (await r.json())["ticket"]
            async with http.get(f"{watcher}/app/api/dashboard/events?ticket={ticket}") as stream:
                assert (await next_snapshot(stream))["today"]["orders"] == 0
                async with http.get(f"{taker}/app/api/dashboard/events?ticket={ticket}") as again:
                    assert again.status == 401  # spent on the first process: the other knows it
                body = {
                    "customer": {"name": "Ann", "phone": "+44 7911 123456"},
                    "lines": [{"sku": "85123A", "quantity": 1}],
                    "currency": "GBP",
                    "payment": "cod",
                    "pickup_point": "MAN",
                }
                headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": "across-processes"}
                async with http.post(f"{taker}/api/v1/orders", json=body, headers=headers) as placed:
                    assert placed.status == 201, await placed.text()

                async def counted() -> dict[str, Any]:
                    while (snapshot := await next_snapshot(stream))["today"]["orders"] != 1:
                        pass  # another test's process on this Redis woke it: our shop had not changed
                    return snapshot

                snapshot = await asyncio.wait_for(counted(), HANG_S)
                assert snapshot["by_status"]["allocated"] + snapshot["by_status"]["placed"] >= 1
    finally:
        outputs = await stop_all(processes, shown=3000)
        await server.stop()
        await redis.aclose()
    assert all("Traceback" not in out for out in outputs), outputs
    serves = "the webhook (/tg/hook); the intake API (/api/v1); the Mini App (/app); /healthz, /readyz, /metrics"
    assert f"listening on http://127.0.0.1:{ports[1]}: {serves}" in outputs[1]
