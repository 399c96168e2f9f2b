"""Carrier callbacks on each engine: a carrier that sends the same tracking update twice (or
several times at once) tells the customer once; a new place is news, and is told."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select, update

from bot.api import make_api_app
from bot.harness import RunningBot
from domain.apikeys import CarrierKeyNeedsCarrier, Scope
from domain.orders import OrderStatus
from domain.usecases.api_keys import api_keys, create_api_key
from domain.usecases.dispatch import ship_order
from domain.usecases.orders import transition_order
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN, refused_calls, shop_on
from tests.e2e.intake_api import ORDER
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
    token, _ = await create_api_key(
        runtime.uow(), runtime.clock, name="web shop", scopes=frozenset(Scope), carriers=frozenset({"DPD"})
    )
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


async def _shipped_by(shop: RunningBot, client: TestClient[Any, Any], token: str, carrier: str, tracking: str) -> str:
    runtime = shop.runtime
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": tracking}
    placed = await client.post("/api/v1/orders", json=ORDER, headers=headers)
    code = str((await placed.json())["code"])
    for step in (OrderStatus.PICKING, OrderStatus.PICKED, OrderStatus.PACKED):
        await transition_order(runtime.uow(), runtime.clock, code=code, target=step, actor="staff:1")
    await ship_order(runtime.uow(), runtime.clock, staff_id=ADMIN, code=code, carrier=carrier, tracking=tracking)
    return code


async def _state(shop: RunningBot, code: str) -> tuple[str, int, int]:
    async with shop.runtime.sessions() as session:
        status = await session.scalar(select(m.OrderRow.status).where(m.OrderRow.code == code))
        parcels_done = await session.scalar(
            select(func.count()).select_from(m.ParcelRow).where(m.ParcelRow.delivered_at.is_not(None))
        )
        told = await session.scalar(
            select(func.count()).select_from(m.OutboxRow).where(m.OutboxRow.template.like("%transit%"))
        )
    return str(status), int(parcels_done or 0), int(told or 0)


async def test_a_carrier_key_reports_only_its_own_carriers_parcels(shop_on_each_engine: RunningBot) -> None:
    shop = shop_on_each_engine
    runtime = shop.runtime
    web, _ = await create_api_key(runtime.uow(), runtime.clock, name="web shop")
    dpd, key = await create_api_key(
        runtime.uow(), runtime.clock, name="DPD", scopes=frozenset({Scope.CARRIER}), carriers=frozenset({"dpd"})
    )
    assert key.carriers == {"dpd"}
    app = make_api_app(runtime.sessions, runtime.settings, runtime.clock)
    client: TestClient[Any, Any]
    async with TestClient(TestServer(app)) as client:
        royal = await _shipped_by(shop, client, web, "Royal Mail", "RM-1")
        ours = await _shipped_by(shop, client, web, "DPD", "DPD-1")
        before = await _state(shop, royal)
        as_dpd = {"Authorization": f"Bearer {dpd}"}
        for event in ({"event": "delivered"}, {"event": "in_transit", "location": "Leeds hub"}):
            refused = await client.post("/api/v1/shipments/RM-1/events", json=event, headers=as_dpd)
            problem = await refused.json()
            assert refused.status == 403 and refused.content_type == "application/problem+json", problem
            assert problem["title"] == "Wrong carrier" and "Royal Mail" not in problem["detail"], problem
            assert "dpd only" in problem["detail"]  # the key's own carriers, as it was made
        assert await _state(shop, royal) == before == ("shipped", 0, 0)
        done = await client.post("/api/v1/shipments/DPD-1/events", json={"event": "delivered"}, headers=as_dpd)
        assert (await done.json()) == {"order": ours, "status": "delivered", "changed": True}


async def test_a_carrier_key_made_without_a_carrier_is_refused_until_replaced(shop_on_each_engine: RunningBot) -> None:
    """A key made before keys named their carriers (migration 0044 leaves it with none)."""
    shop = shop_on_each_engine
    runtime = shop.runtime
    web, _ = await create_api_key(runtime.uow(), runtime.clock, name="web shop")
    old, _ = await create_api_key(
        runtime.uow(), runtime.clock, name="carrier", scopes=frozenset({Scope.CARRIER}), carriers=frozenset({"DPD"})
    )
    async with runtime.sessions() as session:
        await session.execute(update(m.ApiKeyRow).where(m.ApiKeyRow.name == "carrier").values(carriers=""))
        await session.commit()
    app = make_api_app(runtime.sessions, runtime.settings, runtime.clock)
    client: TestClient[Any, Any]
    async with TestClient(TestServer(app)) as client:
        code = await _shipped_by(shop, client, web, "DPD", "DPD-7")
        refused = await client.post(
            "/api/v1/shipments/DPD-7/events", json={"event": "delivered"}, headers={"Authorization": f"Bearer {old}"}
        )
        problem = await refused.json()
        assert refused.status == 403 and problem["title"] == "Wrong carrier", problem
        assert "--carrier" in problem["detail"], problem
    assert await _state(shop, code) == ("shipped", 0, 0)


async def test_a_carrier_key_must_name_its_carrier_when_it_is_made(shop_on_each_engine: RunningBot) -> None:
    runtime = shop_on_each_engine.runtime
    with pytest.raises(CarrierKeyNeedsCarrier):
        await create_api_key(runtime.uow(), runtime.clock, name="DPD", scopes=frozenset({Scope.CARRIER}))
    with pytest.raises(CarrierKeyNeedsCarrier):
        await create_api_key(runtime.uow(), runtime.clock, name="till", carriers=frozenset({"DPD"}))
    assert await api_keys(runtime.uow()) == []
