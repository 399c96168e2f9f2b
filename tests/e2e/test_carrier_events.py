"""Carrier callbacks on each engine: a carrier that sends the same tracking update twice (or
several times at once) tells the customer once; a new place is news, and is told."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.api import make_api_app
from bot.harness import RunningBot
from domain.apikeys import Scope
from domain.orders import OrderStatus
from domain.usecases.api_keys import create_api_key
from domain.usecases.dispatch import ship_order
from domain.usecases.orders import transition_order
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN, refused_calls, shop_on
from tests.e2e.test_intake_api import ORDER
from tests.fakes import FakeClock


@pytest.fixture
async def shop_on_each_engine(database_url: str, clock: FakeClock) -> AsyncIterator[RunningBot]:
    async with shop_on(database_url, clock, staff_chat_id=-100500, admin_ids=[ADMIN]) as bot:
        yield bot
        assert refused_calls(bot) == []


async def test_a_repeated_carrier_event_changes_nothing_and_tells_the_customer_nothing(
    shop_on_each_engine: RunningBot,
) -> None:
    shop = shop_on_each_engine
    runtime = shop.runtime
    token, _ = await create_api_key(runtime.uow(), runtime.clock, name="web shop", scopes=frozenset(Scope))
    alice = SandboxUser(shop.server, 1001, "Alice")
    await alice.send("/start")
    known = {**ORDER, "customer": {"name": "Alice", "telegram_id": 1001, "email": "alice@example.com"}}
    app = make_api_app(runtime.sessions, runtime.settings, runtime.clock)
    client: TestClient[Any, Any]
    async with TestClient(TestServer(app), headers={"Authorization": f"Bearer {token}"}) as client:
        placed = await client.post("/api/v1/orders", json=known, headers={"Idempotency-Key": "a"})
        code = (await placed.json())["code"]
        for step in (OrderStatus.PICKING, OrderStatus.PICKED, OrderStatus.PACKED):
            await transition_order(runtime.uow(), runtime.clock, code=code, target=step, actor="staff:1")
        await ship_order(runtime.uow(), runtime.clock, staff_id=ADMIN, code=code, carrier="DPD", tracking="DPD-42")
        await runtime.notifier.drain()
        told_before = len(alice.messages())

        async def event(location: str) -> dict[str, Any]:
            answer = await client.post(
                "/api/v1/shipments/DPD-42/events", json={"event": "in_transit", "location": location}
            )
            assert answer.status == 200, await answer.text()
            return dict(await answer.json())

        first = await event("Birmingham hub")
        again = await event("Birmingham hub")  # the carrier delivered its callback twice
        at_once = await asyncio.gather(*(event("Leeds hub") for _ in range(5)))
        await runtime.notifier.drain()

    assert first == {"order": code, "status": "shipped", "changed": True}
    assert again == {"order": code, "status": "shipped", "changed": False}
    assert sorted(a["changed"] for a in at_once) == [False] * 4 + [True]
    told = [message.text for message in alice.messages()[told_before:]]
    assert [("Birmingham hub" in t, "Leeds hub" in t) for t in told] == [(True, False), (False, True)], told
    async with runtime.sessions() as session:
        queued = await session.scalar(
            select(func.count()).select_from(m.OutboxRow).where(m.OutboxRow.template == "order_in_transit")
        )
    assert queued == 2  # nothing waits to be sent either
