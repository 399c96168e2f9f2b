"""Two ``ordergram serve`` processes on one PostgreSQL and one Redis, behind a round-robin
proxy that spreads Telegram's webhook deliveries and the API's requests across both: chats
work whichever process gets the update, an update delivered again through the other process
is handled once, orders racing for the last units never oversell, one Idempotency-Key makes
one order, every notification is sent once, and exactly one process runs the scheduled jobs."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.harness import load_demo_catalog
from domain.usecases.api_keys import create_api_key
from domain.usecases.stock import stock_drift
from sandbox import SandboxServer, SandboxUser
from sandbox.proxy import RoundRobin, wait_until_serving
from sandbox.server import BotMessage
from storage import models as m
from storage.db import create_engine, session_factory
from storage.uow import SqlUnitOfWork
from tests.conftest import _truncate_all
from tests.fakes import FakeClock
from tests.running_process import start_on_a_free_port, stop_all
from tests.services import redis_or_skip

pytestmark = pytest.mark.postgres
REDIS_DB = os.environ.get("ORDERGRAM_TEST_REDIS", "redis://127.0.0.1:6379/15")


async def _settled(server: SandboxServer, user: SandboxUser, action: Awaitable[Any]) -> BotMessage:
    """Do ``action`` (an update for whichever process the proxy picks) and wait for the bot's
    answer to settle: a reply may be a callback answer, an edit and a new message."""
    replied = server.next_activity(user.id)
    await action
    await asyncio.wait_for(replied, 30)
    seen = None
    while seen != (now := [(m.message_id, m.edits) for m in user.messages()]):
        seen = now
        await asyncio.sleep(0.3)
    return user.messages()[-1]


async def _answer(server: SandboxServer, user: SandboxUser, text: str) -> str:
    return (await _settled(server, user, user.send(text))).text


async def _checkout(server: SandboxServer, user: SandboxUser) -> str:
    """The chat checkout of the customer-journey tests, cash on delivery, step by step."""
    await _settled(server, user, user.send("/checkout"))
    asked = await _settled(server, user, user.share_contact("+44 7911 123456"))
    await _settled(server, user, user.press(asked, "🚚"))
    await _settled(server, user, user.send("221B Baker Street, London NW1 6XE"))
    options = await _settled(server, user, user.send_location(51.5237, -0.1585))
    payment = await _settled(server, user, user.press(options, options.button_texts()[0]))
    review = await _settled(server, user, user.press(payment, "💵"))
    placed = await _settled(server, user, user.press(review, "✅"))
    return placed.text


async def test_two_processes_behind_a_proxy_share_the_work_exactly_once(pg_database: str, tmp_path: Path) -> None:
    redis = await redis_or_skip()
    await redis.flushdb()
    engine = create_engine(pg_database)
    await _truncate_all(engine)
    sessions = session_factory(engine, base_currency="GBP")
    await load_demo_catalog(lambda: SqlUnitOfWork(sessions), FakeClock())
    token, _ = await create_api_key(SqlUnitOfWork(sessions), FakeClock(), name="web")

    server = SandboxServer()
    await server.start()
    proxy = RoundRobin([])
    await proxy.start()
    hook = f"http://127.0.0.1:{proxy.port}/tg/hook"
    env = {
        "DATABASE_URL": pg_database,
        "REDIS_URL": REDIS_DB,
        "WEBHOOK_URL": hook,
        "WEBHOOK_SECRET": "s3cret",
        "DEFAULT_CURRENCY": "GBP",
        "STAFF_CHAT_ID": "-100500",
        "JOBS_TICK_SECONDS": "1",
        "NOTIFY_RATE": "0",
        "NOTIFY_CHAT_INTERVAL": "0",
    }
    processes: list[asyncio.subprocess.Process] = []
    ports: list[int] = []
    try:
        for i in range(2):
            workdir = tmp_path / f"p{i}"
            workdir.mkdir()
            process, port = await start_on_a_free_port(
                server, workdir, "serve", lambda port: {**env, "WEBHOOK_PORT": str(port)}
            )
            processes.append(process)
            ports.append(port)
        proxy.route(ports)
        await wait_until_serving(processes, ports)

        # Chats: every step may land on either process; the cart lives in the shared database.
        customers = [SandboxUser(server, 5000 + i, f"C{i}", wait=False) for i in range(6)]
        for customer in customers:
            assert (await _answer(server, customer, "/start")).startswith(f"Hello, {customer.first_name}!")
            assert "Added" in await _answer(server, customer, "/add 22197 2")
            assert "Popcorn Holder × 2" in await _answer(server, customer, "/cart")
        assert all(n > 0 for n in proxy.served.values())
        for customer in customers[:2]:  # each step may be handled by the other process
            assert "Order " in await _checkout(server, customer)

        # Only Telegram (which knows the secret) may post updates: anything else is refused unread.
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "guess"}):
                async with http.post(hook, json={"update_id": 10**9}, headers=headers) as forged:
                    assert forged.status == 401

        # Telegram sends /start again (no 2xx seen in time); the proxy gives it to the other process
        # (counted at the end, once both have stopped and can send nothing more).
        await server.redeliver(min(server.sent_updates))

        # The API through the proxy: 20 orders for the 3 … and one key sent ten times at once.
        await _set_stock(sessions, "85123A", 3)
        api = f"http://127.0.0.1:{proxy.port}/api/v1/orders"
        auth = {"Authorization": f"Bearer {token}"}
        async with aiohttp.ClientSession() as http:

            async def order(i: int, key: str) -> tuple[int, Any]:
                body = {
                    "customer": {"name": f"C{i % 6}", "telegram_id": 5000 + i % 6},
                    "lines": [{"sku": "85123A", "quantity": 1}],
                    "currency": "GBP",
                    "payment": "cod",
                    "pickup_point": "MAN",
                }
                async with http.post(api, json=body, headers={**auth, "Idempotency-Key": key}) as answer:
                    return answer.status, await answer.json()

            retried = await asyncio.gather(*(order(0, "same-key") for _ in range(10)))
            racing = await asyncio.gather(*(order(i, f"k{i}") for i in range(1, 21)))
        assert {status for status, _ in retried} <= {200, 201} and len({b["code"] for _, b in retried}) == 1
        assert sorted(status for status, _ in racing).count(201) == 2 and {s for s, _ in racing} <= {201, 409}

        # Both notifiers drain the outbox: until nothing is left unsent (a fixed 3 s was not always enough on a
        # loaded machine), then what was sent is counted.
        for _ in range(600):
            async with sessions() as session:
                left = await session.scalar(
                    select(func.count()).select_from(m.OutboxRow).where(m.OutboxRow.sent_at.is_(None))
                )
            if not left:
                break
            await asyncio.sleep(0.1)  # looking again at the outbox, not waiting for time to pass
        async with sessions() as session:
            orders = await session.scalar(select(func.count()).select_from(m.OrderRow))
            stock_row = (
                await session.execute(
                    select(func.sum(m.StockRow.on_hand), func.sum(m.StockRow.reserved))
                    .join(m.ProductRow, m.ProductRow.id == m.StockRow.product_id)
                    .where(m.ProductRow.sku == "85123A")
                )
            ).one()
            unsent = await session.scalar(
                select(func.count()).select_from(m.OutboxRow).where(m.OutboxRow.sent_at.is_(None))
            )
            locks = list(await session.scalars(select(m.JobLockRow.holder)))
        assert orders == 3 + 2 and tuple(stock_row) == (3, 3)  # never more than there was
        assert unsent == 0
        placed_for = [msg for c in customers for msg in c.messages() if "from web is confirmed" in msg.text]
        texts = [msg.text for msg in placed_for]
        assert len(texts) == 3 and len(set(texts)) == 3  # one message per order, none twice
        assert len(set(locks)) == 1
        assert await stock_drift(SqlUnitOfWork(sessions)) == []
    finally:
        outputs = await stop_all(processes, shown=4000)
        await proxy.stop()
        await server.stop()
        await engine.dispose()
        await redis.flushdb()
        await redis.aclose()
    assert sum(msg.text.startswith("Hello, C0!") for msg in customers[0].messages()) == 1  # /start handled once
    leaders = [out.count("now leads the scheduled jobs") for out in outputs]
    assert sorted(leaders) == [0, 1], outputs  # exactly one process ran the jobs, the whole time
    assert all("Traceback" not in out for out in outputs), outputs


async def _set_stock(sessions: Any, sku: str, units: int) -> None:
    async with sessions() as session:
        product_id = await session.scalar(select(m.ProductRow.id).where(m.ProductRow.sku == sku))
        for row in await session.scalars(select(m.StockRow).where(m.StockRow.product_id == product_id)):
            row.on_hand, row.reserved = 0, 0
        for row in await session.scalars(select(m.BinStockRow).where(m.BinStockRow.product_id == product_id)):
            row.quantity = 0
        await session.commit()
    uow = SqlUnitOfWork(sessions)
    async with uow:
        warehouse = await uow.warehouses.get_by_code("MAN")
        assert warehouse is not None
        await uow.stock.set_bin_quantity(
            product_id, warehouse.id or 0, "S-01-01-1", units, "test", "t", FakeClock().now()
        )
        await uow.commit()
