"""A channel reads its orders back in pages (``GET /api/v1/orders``), on each engine: an
integrator's walk found only ``GET /orders/{code}``, so a marketplace that lost a code, or
wanted to learn which of its orders moved since it last asked, had no way to but one request
an order it ever sent."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.api import make_api_app
from bot.harness import RunningBot
from domain.apikeys import Scope
from domain.usecases.api_keys import create_api_key
from domain.usecases.payments import record_invoice_payment
from tests.e2e.conftest import ADMIN, shop_on
from tests.e2e.intake_api import ORDER
from tests.fakes import FakeClock

Client = TestClient[Any, Any]


@pytest.fixture
async def shop_on_each_engine(database_url: str, clock: FakeClock) -> AsyncIterator[RunningBot]:
    async with shop_on(database_url, clock, admin_ids=[ADMIN]) as bot:  # the admin records payments
        yield bot


async def _client(shop: RunningBot, name: str, *scopes: Scope) -> Client:
    runtime = shop.runtime
    token, _ = await create_api_key(runtime.uow(), runtime.clock, name=name, scopes=frozenset(scopes or {Scope.ORDERS}))
    app = make_api_app(runtime.sessions, runtime.settings, runtime.clock)
    return TestClient(TestServer(app), headers={"Authorization": f"Bearer {token}"})


async def _place(client: Client, reference: str) -> str:
    body = {**ORDER, "lines": [{"sku": "85123A", "quantity": 1}], "reference": reference}
    answer = await client.post("/api/v1/orders", json=body, headers={"Idempotency-Key": reference})
    assert answer.status == 201, await answer.text()
    return str((await answer.json())["code"])


async def _list(client: Client, query: str) -> tuple[list[str], str | None]:
    answer = await client.get(f"/api/v1/orders{query}")
    page = await answer.json()
    assert answer.status == 200, page
    return [order["reference"] for order in page["orders"]], page["next_cursor"]


async def test_a_channel_pages_through_its_own_orders_and_finds_them_by_reference_status_and_change(
    shop_on_each_engine: RunningBot, clock: FakeClock
) -> None:
    shop = shop_on_each_engine
    market, till = await _client(shop, "marketplace"), await _client(shop, "till")
    async with market, till:
        codes = {ref: await _place(market, ref) for ref in ("MP-1", "MP-2", "MP-3")}
        await _place(till, "TILL-1")  # another channel's: never in the marketplace's list

        first, cursor = await _list(market, "?limit=2")
        assert first == ["MP-1", "MP-2"] and cursor is not None  # oldest first, as they were sent
        rest, end = await _list(market, f"?limit=2&cursor={cursor}")
        assert (rest, end) == (["MP-3"], None)
        assert await _list(market, "") == (["MP-1", "MP-2", "MP-3"], None)
        assert await _list(till, "") == (["TILL-1"], None)

        found = await (await market.get("/api/v1/orders?reference=mp-2")).json()  # any case, as staff find it
        assert [(o["code"], o["status"], o["total"]) for o in found["orders"]] == [(codes["MP-2"], "allocated", "6.65")]

        clock.advance(minutes=5)
        since = clock.now().isoformat()
        assert (await market.post(f"/api/v1/orders/{codes['MP-3']}/cancel")).status == 200
        assert await _list(market, f"?changed_since={since.replace('+00:00', 'Z')}") == (["MP-3"], None)
        assert await _list(market, "?status=cancelled") == (["MP-3"], None)
        assert await _list(market, "?status=allocated") == (["MP-1", "MP-2"], None)


async def test_an_invoice_paid_in_part_is_a_change_a_channel_polling_changed_since_finds(
    shop_on_each_engine: RunningBot, clock: FakeClock
) -> None:
    """Its status stays while it is paid in part (and once paid, it may not move): a poller never learnt
    that ``still_to_pay`` fell."""
    shop = shop_on_each_engine
    portal = await _client(shop, "b2b portal", Scope.ORDERS, Scope.CUSTOMERS)
    buyer = {"name": "Acme Ltd", "email": "buyer@acme.example", "business": True, "payment_terms_days": 30}
    body = {**ORDER, "customer": buyer, "payment": "invoice", "reference": "PO-77"}
    async with portal:
        placed = await portal.post("/api/v1/orders", json=body, headers={"Idempotency-Key": "po-77"})
        assert placed.status == 201, await placed.text()
        code, status = (await placed.json())["code"], (await placed.json())["status"]
        clock.advance(minutes=5)
        since = clock.now().isoformat().replace("+00:00", "Z")
        assert await _list(portal, f"?changed_since={since}") == ([], None)
        await record_invoice_payment(shop.runtime.uow(), clock, staff_id=ADMIN, code=code, amount="5.00")
        assert await _list(portal, f"?changed_since={since}") == (["PO-77"], None)
        order = (await (await portal.get(f"/api/v1/orders?changed_since={since}")).json())["orders"][0]
        assert (order["status"], order["still_to_pay"]) == (status, "4.60")


async def test_a_list_asked_for_wrongly_is_a_problem_naming_the_query_field(shop_on_each_engine: RunningBot) -> None:
    market = await _client(shop_on_each_engine, "marketplace")
    async with market:
        for query, field in (
            ("limit=0", "limit"),
            ("limit=101", "limit"),
            ("limit=ten", "limit"),
            ("cursor=abc", "cursor"),
            ("cursor=-1", "cursor"),
            ("status=sent", "status"),
            ("changed_since=yesterday", "changed_since"),
            ("changed_since=2026-12-07T10:00:00", "changed_since"),  # no UTC offset: which 10:00?
            ("reference=" + "x" * 65, "reference"),
            ("colour=red", "colour"),
        ):
            answer = await market.get(f"/api/v1/orders?{query}")
            problem = await answer.json()
            assert (answer.status, problem["field"], problem["title"]) == (422, field, "Invalid request"), problem
            assert problem["detail"].startswith(f"{field}: ")


async def test_the_document_describes_the_list_and_keeps_each_operations_own_description(
    shop_on_each_engine: RunningBot,
) -> None:
    """The scope's sentence replaced an operation's own description: the carrier events' rule
    (another carrier's parcel is 403) was not in the served document."""
    market = await _client(shop_on_each_engine, "marketplace")
    async with market:
        document = await (await market.get("/api/v1/openapi.json")).json()
    listing = document["paths"]["/api/v1/orders"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {"limit", "cursor", "status", "reference", "changed_since"}
    assert listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/OrderPageOut")
    assert "next_cursor" in listing["description"] and "`orders` scope" in listing["description"]
    events = document["paths"]["/api/v1/shipments/{tracking}/events"]["post"]["description"]
    assert "`carrier` scope" in events and "Wrong carrier" in events


async def test_a_query_parameter_given_twice_is_refused_naming_it_not_read_as_its_first_value(
    shop_on_each_engine: RunningBot,
) -> None:
    """``?status=placed&status=allocated`` read as ``placed`` alone answered an empty list, as if the channel had no
    allocated order; a client meaning "either" was told a wrong answer, not that it asked wrongly."""
    market = await _client(shop_on_each_engine, "marketplace", Scope.ORDERS, Scope.STOCK_READ)
    async with market:
        await _place(market, "MKT-1")
        for path, field in (
            ("/api/v1/orders?status=placed&status=allocated", "status"),
            ("/api/v1/orders?limit=1&limit=2", "limit"),
            ("/api/v1/orders?reference=MKT-2&reference=MKT-1", "reference"),
            ("/api/v1/orders?changed_since=2026-12-07T10:00:00Z&changed_since=2026-01-01T10:00:00Z", "changed_since"),
            ("/api/v1/stock/levels?limit=1&limit=2", "limit"),
            ("/api/v1/stock/levels?cursor=1&cursor=2", "cursor"),
            ("/api/v1/stock/levels?changed_since=a&changed_since=b", "changed_since"),
        ):
            answer = await market.get(path)
            problem = await answer.json()
            assert (answer.status, problem["field"]) == (422, field), (path, problem)
            assert problem["detail"] == f"{field}: give it once; it takes one value", problem
        answer = await market.get("/api/v1/stock/levels?sku=85123A&sku=22423")
        assert answer.status == 200, await answer.text()  # the one that takes several


async def test_an_offset_whose_plus_was_not_encoded_is_told_to_send_it_as_percent_2b(
    shop_on_each_engine: RunningBot,
) -> None:
    """``?changed_since=2026-12-07T10:00:00+00:00`` as a client writes it by hand reaches the server with a space for
    the ``+``; told only "a moment with its UTC offset", the channel had sent one and could not see what was wrong."""
    market = await _client(shop_on_each_engine, "marketplace")
    async with market:
        answer = await market.get("/api/v1/orders?changed_since=2026-12-07T10:00:00+01:00")
        problem = await answer.json()
        assert (answer.status, problem["field"]) == (422, "changed_since"), problem
        assert "send its + as %2B" in problem["detail"], problem
        encoded = await market.get("/api/v1/orders?changed_since=2026-12-07T10:00:00%2B01:00")
        assert encoded.status == 200, await encoded.text()
