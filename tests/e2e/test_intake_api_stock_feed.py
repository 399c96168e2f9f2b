"""The intake API's stock feed: many SKUs' stock in one request, by SKU, a page of the whole catalog, or what moved."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.api import make_api_app
from bot.api_feed_tokens import feed_point, feed_token
from bot.harness import RunningBot
from domain.apikeys import Scope
from domain.catalog import ProductStatus
from domain.stock import StockMark
from domain.usecases.api_keys import create_api_key
from domain.usecases.intake_stock import FeedPoint
from storage import models as m
from tests.e2e.conftest import ADMIN, hire, shop_on
from tests.e2e.intake_api import ORDER
from tests.fakes import FakeClock

Client = TestClient[Any, Any]


@asynccontextmanager
async def marketplace(shop: RunningBot) -> AsyncIterator[Client]:
    """A marketplace's client: it reads stock and places orders."""
    runtime = shop.runtime
    scopes = frozenset({Scope.STOCK_READ, Scope.ORDERS})
    token, _ = await create_api_key(runtime.uow(), runtime.clock, name="marketplace", scopes=scopes)
    app = make_api_app(runtime.sessions, runtime.settings, runtime.clock)
    async with TestClient(TestServer(app), headers={"Authorization": f"Bearer {token}"}) as client:
        yield client


@pytest.fixture
async def market(shop_on_each_engine: RunningBot) -> AsyncIterator[Client]:
    async with marketplace(shop_on_each_engine) as client:
        yield client


async def _skus(shop: RunningBot) -> list[str]:
    async with shop.runtime.sessions() as session:
        return list(await session.scalars(select(m.ProductRow.sku).order_by(m.ProductRow.id)))


async def _one(client: Client, sku: str) -> dict[str, Any]:
    answer = await client.get("/api/v1/stock", params={"sku": sku})
    assert answer.status == 200, await answer.text()
    return dict(await answer.json())


async def test_several_skus_come_in_one_answer_each_as_the_single_form_gives_it(
    shop_on_each_engine: RunningBot, market: Client
) -> None:
    skus = (await _skus(shop_on_each_engine))[:3]
    # An order reserves some, so reserved and available differ from on hand in the figures compared.
    placed = await market.post("/api/v1/orders", json=ORDER, headers={"Idempotency-Key": "feed-1"})
    assert placed.status == 201, await placed.text()
    asked = ["85123a", *skus, "NOPE-1", "85123A"]  # any letter case; a repeat answered once
    answer = await market.get("/api/v1/stock/levels", params=[("sku", sku) for sku in asked])
    page = await answer.json()
    assert answer.status == 200, page
    expected = ["85123A", *(sku for sku in skus if sku != "85123A")]
    assert [entry["sku"] for entry in page["stock"]] == expected
    assert page["stock"] == [await _one(market, sku) for sku in expected]
    reserved = next(entry for entry in page["stock"] if entry["sku"] == "85123A")
    assert sum(w["reserved"] for w in reserved["warehouses"]) == 2
    assert page["unknown"] == ["NOPE-1"] and page["next_cursor"] is None


async def test_the_whole_catalog_pages_through_every_sku_once_with_the_single_forms_figures(
    shop_on_each_engine: RunningBot, market: Client
) -> None:
    every = await _skus(shop_on_each_engine)
    assert len(every) > 7  # more than one page of 7
    seen: list[dict[str, Any]] = []
    query: dict[str, str] = {"limit": "7"}
    while True:
        answer = await market.get("/api/v1/stock/levels", params=query)
        page = await answer.json()
        assert answer.status == 200, page
        assert 1 <= len(page["stock"]) <= 7 and page["unknown"] == []
        seen += page["stock"]
        if page["next_cursor"] is None:
            break
        query = {"limit": "7", "cursor": page["next_cursor"]}
    assert [entry["sku"] for entry in seen] == every
    assert seen[0] == await _one(market, every[0]) and seen[-1] == await _one(market, every[-1])
    whole = await (await market.get("/api/v1/stock/levels")).json()  # 100 a page unless asked
    assert whole["stock"] == seen[:100]


async def test_a_feed_asked_for_wrongly_is_a_problem_naming_the_query_field(market: Client) -> None:
    for query, field, said in (
        ([("sku", f"SKU-{n}") for n in range(101)], "sku", "at most 100"),
        ([("sku", "")], "sku", "a SKU"),
        ([("sku", "no spaces please")], "sku", "not a SKU"),
        ([("sku", "85123A"), ("cursor", "5")], "sku", "one or the other"),
        ([("sku", "85123A"), ("limit", "5")], "sku", "one or the other"),
        ([("limit", "0")], "limit", "1 to 100"),
        ([("limit", "101")], "limit", "1 to 100"),
        ([("cursor", "abc")], "cursor", "next_cursor"),
        ([("skus", "85123A")], "skus", "sku, limit, cursor"),
    ):
        answer = await market.get("/api/v1/stock/levels", params=query)
        problem = await answer.json()
        assert (answer.status, problem["field"], problem["title"]) == (422, field, "Invalid request"), problem
        assert problem["detail"].startswith(f"{field}: ") and said in problem["detail"], problem


async def test_the_single_form_refuses_a_second_sku_and_names_the_feed(market: Client) -> None:
    answer = await market.get("/api/v1/stock", params=[("sku", "85123A"), ("sku", "22423")])
    problem = await answer.json()
    assert (answer.status, problem["field"]) == (422, "sku"), problem
    assert "/api/v1/stock/levels" in problem["detail"]
    assert (await _one(market, "85123A"))["sku"] == "85123A"  # one SKU: as before


async def test_a_key_without_stock_read_learns_nothing_of_the_feed(shop_on_each_engine: RunningBot) -> None:
    runtime = shop_on_each_engine.runtime
    token, _ = await create_api_key(runtime.uow(), runtime.clock, name="orders only", scopes=frozenset({Scope.ORDERS}))
    app = make_api_app(runtime.sessions, runtime.settings, runtime.clock)
    async with TestClient(TestServer(app), headers={"Authorization": f"Bearer {token}"}) as client:
        answer = await client.get("/api/v1/stock/levels?sku=85123A")
        problem = await answer.json()
    assert (answer.status, problem["scope"]) == (403, "stock:read") and "stock" not in problem


async def _changes(client: Client, token: str, limit: int = 100) -> tuple[list[dict[str, Any]], str]:
    """One read of the incremental feed, every page followed; the token to keep."""
    seen: list[dict[str, Any]] = []
    while True:
        answer = await client.get("/api/v1/stock/levels", params={"changed_since": token, "limit": str(limit)})
        page = await answer.json()
        assert answer.status == 200, page
        seen += page["stock"]
        token = page["changes_token"]
        if page["next_cursor"] is None:
            return seen, token
        assert page["next_cursor"] == token


async def test_a_token_kept_from_a_stock_answer_brings_back_only_what_moved_since(
    shop_on_each_engine: RunningBot, market: Client
) -> None:
    first = await (await market.get("/api/v1/stock/levels", params={"sku": "85123A"})).json()
    token = first["changes_token"]
    assert isinstance(token, str) and first["stock"][0]["available"] > 2
    assert (await _changes(market, token))[0] == []  # nothing moved
    placed = await market.post("/api/v1/orders", json=ORDER, headers={"Idempotency-Key": "feed-2"})
    assert placed.status == 201, await placed.text()
    moved, newer = await _changes(market, token, limit=1)
    assert [entry["sku"] for entry in moved] == ["85123A"]
    assert moved[0] == await _one(market, "85123A")
    assert moved[0]["available"] == first["stock"][0]["available"] - 2
    assert (await _changes(market, newer))[0] == []  # the order was brought once
    paged = await (await market.get("/api/v1/stock/levels", params={"limit": "3"})).json()
    later = await market.get("/api/v1/stock/levels", params={"limit": "3", "cursor": paged["next_cursor"]})
    assert isinstance(paged["changes_token"], str) and (await later.json())["changes_token"] is None


async def test_a_malformed_edited_or_foreign_token_is_a_problem_naming_changed_since(
    shop_on_each_engine: RunningBot, market: Client
) -> None:
    token = (await (await market.get("/api/v1/stock/levels", params={"sku": "85123A"})).json())["changes_token"]
    body, _, signature = token.partition(".")
    foreign = feed_token(FeedPoint(StockMark(1)), "another shop's secret")
    edited = feed_token(FeedPoint(StockMark(1)), shop_on_each_engine.runtime.settings.bot_token)[:-1] + "A"
    for query, said in (
        ([("changed_since", "yesterday")], "changes_token"),
        ([("changed_since", "")], "changes_token"),
        ([("changed_since", f"{body}x.{signature}")], "changes_token"),
        ([("changed_since", foreign)], "changes_token"),
        ([("changed_since", edited)], "changes_token"),
        ([("changed_since", "é" * 40)], "changes_token"),
        ([("changed_since", "x" * 2001)], "changes_token"),
        ([("changed_since", token), ("sku", "85123A")], "not with sku or cursor"),
        ([("changed_since", token), ("cursor", "5")], "not with sku or cursor"),
        ([("changed_since", token), ("limit", "0")], "1 to 100"),
    ):
        answer = await market.get("/api/v1/stock/levels", params=query)
        problem = await answer.json()
        field = "limit" if said == "1 to 100" else "changed_since"
        assert (answer.status, problem["field"], problem["title"]) == (422, field, "Invalid request"), problem
        assert said in problem["detail"], problem
    document = await (await market.get("/api/v1/openapi.json")).json()
    names = [p["name"] for p in document["paths"]["/api/v1/stock/levels"]["get"]["parameters"]]
    assert names == ["sku", "limit", "cursor", "changed_since"]


async def test_a_token_signed_before_the_bot_token_changed_is_refused_saying_a_whole_read_gives_a_new_one(
    shop_on_each_engine: RunningBot, market: Client
) -> None:
    """Tokens are signed with BOT_TOKEN: after it is replaced, a channel's kept token is refused for good, and the
    refusal said only "send back a token as it came", which it had; a whole read's first page hands out a new one."""
    kept = feed_token(FeedPoint(StockMark(1)), "the bot token before it was replaced")
    refused = await market.get("/api/v1/stock/levels", params={"changed_since": kept})
    problem = await refused.json()
    assert (refused.status, problem["field"]) == (422, "changed_since"), problem
    assert "read every product again" in problem["detail"], problem
    fresh = (await (await market.get("/api/v1/stock/levels", params={"limit": "100"})).json())["changes_token"]
    assert (await market.get("/api/v1/stock/levels", params={"changed_since": fresh})).status == 200


async def test_a_token_of_another_database_or_past_this_ones_numbering_is_refused_saying_to_read_everything_again(
    shop_on_each_engine: RunningBot, market: Client
) -> None:
    """A restored backup or a copy rewinds the numbering a kept token points into: read there, it hid what moved
    until the numbering caught up. Signed as the shop's own, it is refused all the same, naming the remedy."""
    secret = shop_on_each_engine.runtime.settings.bot_token
    token = (await (await market.get("/api/v1/stock/levels", params={"sku": "85123A"})).json())["changes_token"]
    point = feed_point(token, secret)
    assert point is not None and point.origin
    beyond = StockMark(point.since.next + 10**6)
    for other, said in (
        (replace(point, origin="0123abcd"), "another database"),
        (replace(point, since=beyond), "newer than the database has"),
        (FeedPoint(point.since, beyond, 1, point.origin), "newer than the database has"),
    ):
        answer = await market.get("/api/v1/stock/levels", params={"changed_since": feed_token(other, secret)})
        problem = await answer.json()
        assert (answer.status, problem["field"], problem["title"]) == (422, "changed_since", "Invalid request"), problem
        assert said in problem["detail"] and "read every product again (?limit=)" in problem["detail"], problem
    assert (await market.get("/api/v1/stock/levels", params={"changed_since": token})).status == 200


async def test_a_product_taken_off_sale_comes_in_the_changes_with_nothing_available_and_its_status(
    shop_on_each_engine: RunningBot, market: Client
) -> None:
    """Products are never deleted; one hidden or discontinued keeps its stock, so nothing moved and a channel went
    on selling what every API order for it was refused."""
    token = (await (await market.get("/api/v1/stock/levels", params={"sku": "85123A"})).json())["changes_token"]
    before = await _one(market, "85123A")
    assert before["status"] == "active" and before["available"] > 0
    runtime = shop_on_each_engine.runtime
    async with runtime.uow() as uow:
        product = await uow.products.get_by_sku("85123A")
        assert product is not None
        await uow.products.upsert(replace(product, status=ProductStatus.DISCONTINUED))
        await uow.commit()
    moved, _ = await _changes(market, token)
    assert moved == [await _one(market, "85123A")]
    assert (moved[0]["status"], moved[0]["available"]) == ("discontinued", 0)
    assert moved[0]["warehouses"] == before["warehouses"]  # its stock as counted
    placed = await market.post("/api/v1/orders", json=ORDER, headers={"Idempotency-Key": "feed-off-sale"})
    assert placed.status == 422 and "85123A" in (await placed.json())["detail"]


async def test_a_product_created_after_the_token_comes_in_the_next_poll_with_its_status_and_nothing_available(
    database_url: str, clock: FakeClock
) -> None:
    """A new product has no stock until it is counted, so nothing of it moved: only a whole read showed it, and a
    channel polling the changes never learnt of one a manager added with /newproduct."""
    async with shop_on(database_url, clock, admin_ids=[ADMIN]) as shop, marketplace(shop) as market:
        token = (await (await market.get("/api/v1/stock/levels", params={"sku": "85123A"})).json())["changes_token"]
        manager = await hire(shop, 65, "Mia", "manager")
        await manager.send("/newproduct")
        for typed in ("mug-9", "Enamel mug", "Kitchen"):
            await manager.send(typed)
        barcode = await manager.send("7.50")
        photo = await manager.press(barcode.last, "Skip")
        assert "Saved." in (await manager.press(photo.last, "Skip")).last.text
        moved, newer = await _changes(market, token)
        assert moved == [await _one(market, "MUG-9")]
        assert (moved[0]["status"], moved[0]["available"], moved[0]["warehouses"]) == ("active", 0, [])
        assert (await _changes(market, newer))[0] == []  # brought once
