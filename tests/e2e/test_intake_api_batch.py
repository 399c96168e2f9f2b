"""A batch of orders (POST /api/v1/orders/batch) on each engine: each order placed on its own, once per key."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.api import make_api_app
from bot.api_models import MAX_BATCH
from bot.harness import RunningBot
from domain.apikeys import Scope
from domain.usecases.api_keys import create_api_key
from storage import models as m
from tests.e2e.conftest import ADMIN, refused_calls, shop_on
from tests.e2e.intake_api import ORDER
from tests.e2e.journeys import stock
from tests.fakes import FakeClock

BATCH = "/api/v1/orders/batch"


@pytest.fixture
async def shop_on_each_engine(database_url: str, clock: FakeClock) -> AsyncIterator[RunningBot]:
    async with shop_on(database_url, clock, staff_chat_id=-100500, admin_ids=[ADMIN]) as bot:
        yield bot
        assert refused_calls(bot) == []


@pytest.fixture
async def client(shop_on_each_engine: RunningBot) -> AsyncIterator[TestClient[Any, Any]]:
    runtime = shop_on_each_engine.runtime
    token, _ = await create_api_key(runtime.uow(), runtime.clock, name="marketplace", scopes=frozenset({Scope.ORDERS}))
    app = make_api_app(runtime.sessions, runtime.settings, runtime.clock)
    async with TestClient(TestServer(app), headers={"Authorization": f"Bearer {token}"}) as api:
        yield api


def _order(reference: str, quantity: int, sku: str = "85123A") -> dict[str, Any]:
    return {**ORDER, "reference": reference, "lines": [{"sku": sku, "quantity": quantity}]}


THREE = {
    "orders": [
        {"idempotency_key": "mp-1", "order": _order("MP-1", 2)},
        {"idempotency_key": "mp-2", "order": _order("MP-2", 1, sku="NO-SUCH-SKU")},
        {"idempotency_key": "mp-3", "order": _order("MP-3", 3)},
    ]
}


async def _count(shop: RunningBot, model: type[m.Base]) -> int:
    async with shop.runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def _reserved(levels: list[tuple[str, int, int]]) -> int:
    return sum(reserved for _, _, reserved in levels)


async def test_a_batch_places_each_order_on_its_own_and_a_refused_one_refuses_none_of_the_others(
    shop_on_each_engine: RunningBot, client: TestClient[Any, Any]
) -> None:
    shop = shop_on_each_engine
    before, outbox_before = await stock(shop, "85123A"), await _count(shop, m.OutboxRow)
    answer = await client.post(BATCH, json=THREE)
    body = await answer.json()
    assert answer.status == 200, body
    assert [(r["index"], r["idempotency_key"], r["outcome"], r["status"]) for r in body["results"]] == [
        (0, "mp-1", "created", 201),
        (1, "mp-2", "refused", 422),
        (2, "mp-3", "created", 201),
    ]
    assert (body["created"], body["already_placed"], body["refused"]) == (2, 0, 1)
    assert [body["results"][i]["order"]["reference"] for i in (0, 2)] == ["MP-1", "MP-3"]
    # The refusal is the very problem POST /orders gives the order sent alone (which places nothing either).
    alone = await client.post("/api/v1/orders", json=THREE["orders"][1]["order"], headers={"Idempotency-Key": "x"})
    assert body["results"][1]["problem"] == await alone.json() and alone.status == 422
    assert body["results"][1]["problem"]["field"] == "lines.0.sku"
    async with shop.runtime.sessions() as session:
        references = sorted(await session.scalars(select(m.OrderRow.reference)))
    assert references == ["MP-1", "MP-3"]
    assert _reserved(await stock(shop, "85123A")) - _reserved(before) == 2 + 3
    # Each placed order's notifications went through the outbox, as a single order's do.
    assert await _count(shop, m.OutboxRow) > outbox_before


async def test_the_same_batch_again_places_nothing_and_answers_each_order_already_placed(
    shop_on_each_engine: RunningBot, client: TestClient[Any, Any]
) -> None:
    shop = shop_on_each_engine
    first = await (await client.post(BATCH, json=THREE)).json()
    held, outbox = await stock(shop, "85123A"), await _count(shop, m.OutboxRow)
    again = await client.post(BATCH, json=THREE)
    body = await again.json()
    assert again.status == 200
    assert [(r["outcome"], r["status"]) for r in body["results"]] == [
        ("already_placed", 200),
        ("refused", 422),  # never placed: refused again, as the same order alone would be
        ("already_placed", 200),
    ]
    assert [body["results"][i]["order"]["code"] for i in (0, 2)] == [
        first["results"][i]["order"]["code"] for i in (0, 2)
    ]
    assert await _count(shop, m.OrderRow) == 2
    assert await stock(shop, "85123A") == held and await _count(shop, m.OutboxRow) == outbox
    # An order of the batch sent alone under its key is the same order too.
    alone = await client.post("/api/v1/orders", json=THREE["orders"][0]["order"], headers={"Idempotency-Key": "mp-1"})
    assert alone.status == 200 and (await alone.json())["code"] == first["results"][0]["order"]["code"]


async def test_batches_sent_at_once_with_overlapping_keys_place_each_key_once(
    shop_on_each_engine: RunningBot, client: TestClient[Any, Any]
) -> None:
    shop = shop_on_each_engine
    before = await stock(shop, "85123A")
    entries = {key: {"idempotency_key": key, "order": _order(key.upper(), 1)} for key in ("a", "b", "c", "d")}
    batches = [[entries[k] for k in keys] for keys in (("a", "b", "c"), ("c", "b", "d"), ("d", "a"))]
    answers = await asyncio.gather(*(client.post(BATCH, json={"orders": batch}) for batch in batches))
    bodies = [await answer.json() for answer in answers]
    assert [answer.status for answer in answers] == [200, 200, 200], bodies
    outcomes = [r for body in bodies for r in body["results"]]
    # A key another batch is placing that very moment is a conflict to retry, never a second order.
    assert {r["outcome"] for r in outcomes} <= {"created", "already_placed", "refused"}
    assert all(r["problem"]["field"] == "Idempotency-Key" for r in outcomes if r["outcome"] == "refused")
    assert sorted(r["idempotency_key"] for r in outcomes if r["outcome"] == "created") == ["a", "b", "c", "d"]
    async with shop.runtime.sessions() as session:
        references = sorted(await session.scalars(select(m.OrderRow.reference)))
    assert references == ["A", "B", "C", "D"]
    assert _reserved(await stock(shop, "85123A")) - _reserved(before) == 4


async def test_a_batch_over_the_limit_is_refused_whole_naming_the_limit(
    shop_on_each_engine: RunningBot, client: TestClient[Any, Any]
) -> None:
    shop = shop_on_each_engine
    orders = [{"idempotency_key": f"k{i}", "order": _order(f"R{i}", 1)} for i in range(MAX_BATCH + 1)]
    settings = shop.runtime.settings.model_copy(update={"api_rate_limit": "0"})  # the API's own limit alone
    app = make_api_app(shop.runtime.sessions, settings, shop.runtime.clock)
    async with TestClient(TestServer(app), headers=dict(client.session.headers)) as unlimited:
        answer = await unlimited.post(BATCH, json={"orders": orders})
        problem = await answer.json()
    assert answer.status == 413 and answer.content_type == "application/problem+json"
    assert problem["max_orders"] == MAX_BATCH and problem["field"] == "orders"
    assert f"at most {MAX_BATCH} orders a batch" in problem["detail"]
    # Under the shop's API_RATE_LIMIT (30 a second), a batch of more than it allows could never go through.
    limited = await client.post(BATCH, json={"orders": orders[:31]})
    assert limited.status == 413 and (await limited.json())["max_orders"] == 30
    assert await _count(shop, m.OrderRow) == 0


async def test_a_batch_without_a_valid_api_key_is_unauthorized_and_places_nothing(
    shop_on_each_engine: RunningBot, client: TestClient[Any, Any]
) -> None:
    for headers in ({"Authorization": ""}, {"Authorization": "Bearer og_12345678_nope"}):
        answer = await client.post(BATCH, json=THREE, headers=headers)
        assert answer.status == 401 and (await answer.json())["field"] == "Authorization"
    assert await _count(shop_on_each_engine, m.OrderRow) == 0


async def test_each_order_of_a_batch_counts_against_the_keys_rate_limit(
    shop_on_each_engine: RunningBot, client: TestClient[Any, Any]
) -> None:
    shop = shop_on_each_engine
    settings = shop.runtime.settings.model_copy(update={"api_rate_limit": "5/minute"})
    app = make_api_app(shop.runtime.sessions, settings, shop.runtime.clock)
    three = [{"idempotency_key": f"k{i}", "order": _order(f"R{i}", 1)} for i in range(3)]
    async with TestClient(TestServer(app), headers=dict(client.session.headers)) as limited:
        assert (await limited.post(BATCH, json={"orders": three})).status == 200
        # Three orders counted, not one request: three more go over 5 a minute, and place nothing.
        over = await limited.post(
            BATCH, json={"orders": [{**e, "idempotency_key": f"n{i}"} for i, e in enumerate(three)]}
        )
        problem = await over.json()
        assert over.status == 429 and over.headers["Retry-After"] == str(problem["retry_after"])
        assert "A batch of 3 orders goes over 5 requests a minute" in problem["detail"]
    assert await _count(shop, m.OrderRow) == 3
