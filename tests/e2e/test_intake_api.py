"""The HTTP intake API against the demo shop: authentication, idempotent orders from another
channel, validation as RFC 9457 problems, cancel, stock, receipts and carrier callbacks."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any
from unittest.mock import ANY

import hypothesis
import schemathesis
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.api import ENDPOINTS, make_api_app
from bot.harness import RunningBot
from domain.apikeys import Scope
from domain.orders import OrderStatus
from domain.usecases.api_keys import create_api_key, revoke_api_key
from domain.usecases.dispatch import ship_order
from domain.usecases.orders import transition_order
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN
from tests.e2e.intake_api import ORDER
from tests.e2e.journeys import stock
from tests.fakes import FakeClock

FUZZ_EXAMPLES = 25


async def _count(shop: RunningBot, model: type[m.Base]) -> int:
    async with shop.runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_keys_are_required_and_revocable_and_the_spec_is_public(api, shop: RunningBot) -> None:
    client, auth = api
    for headers in ({}, {"Authorization": "Bearer og_12345678_nope"}, {"X-API-Key": "secret"}):
        answer = await client.get("/api/v1/stock?sku=85123A", headers=headers)
        assert answer.status == 401 and answer.content_type == "application/problem+json"
        assert (await answer.json())["status"] == 401 and answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert (await client.get("/api/v1/stock?sku=85123A", headers=auth)).status == 200
    token = auth["Authorization"].removeprefix("Bearer ")
    assert (await client.get("/api/v1/stock?sku=85123A", headers={"X-API-Key": token})).status == 200
    async with shop.runtime.sessions() as session:
        stored = (await session.scalars(select(m.ApiKeyRow))).one()
    assert token not in stored.key_hash and len(stored.key_hash) == 64  # only a hash is kept
    await revoke_api_key(shop.runtime.uow(), shop.runtime.clock, name="web shop")
    assert (await client.get("/api/v1/stock?sku=85123A", headers=auth)).status == 401
    spec = await client.get("/api/v1/openapi.json")
    document = await spec.json()
    assert spec.status == 200 and document["openapi"].startswith("3.1")
    assert {"OrderIn", "OrderOut", "Problem"} <= set(document["components"]["schemas"])


async def test_an_order_is_placed_once_per_idempotency_key(api, shop: RunningBot) -> None:
    client, auth = api
    before = await stock(shop, "85123A")
    placed = await client.post("/api/v1/orders", json=ORDER, headers={**auth, "Idempotency-Key": "web-1001"})
    body = await placed.json()
    assert placed.status == 201, body
    assert body["status"] == "allocated" and body["channel"] == "api" and body["total"] == "9.60"
    assert placed.headers["Location"] == f"/api/v1/orders/{body['code']}"
    assert [s["status"] for s in body["timeline"]] == ["placed", "paid", "allocated"]
    reserved = sum(r for _, _, r in await stock(shop, "85123A")) - sum(r for _, _, r in before)
    assert reserved == 2

    # The same body again (keys in another order, other spacing): the same order, nothing new.
    again = json.dumps(dict(reversed(list(ORDER.items()))), indent=2)
    replay = await client.post(
        "/api/v1/orders",
        data=again,
        headers={**auth, "Idempotency-Key": "web-1001", "Content-Type": "application/json"},
    )
    assert replay.status == 200 and (await replay.json())["code"] == body["code"]
    assert replay.headers["Idempotent-Replayed"] == "true"
    changed = {**ORDER, "lines": [{"sku": "85123A", "quantity": 3}]}
    conflict = await client.post("/api/v1/orders", json=changed, headers={**auth, "Idempotency-Key": "web-1001"})
    assert conflict.status == 409 and (await conflict.json())["field"] == "Idempotency-Key"
    assert await _count(shop, m.OrderRow) == 1

    async with shop.runtime.sessions() as session:
        row = (await session.scalars(select(m.OrderRow))).one()
        payments = list(await session.scalars(select(m.PaymentRow)))
        entries = list(  # the demo's opening stock aside
            await session.scalars(select(m.JournalEntryRow).where(m.JournalEntryRow.source != "import:stock"))
        )
        customer = (await session.scalars(select(m.CustomerRow))).one()
    assert row.channel == "api" and [p.amount_minor for p in payments] == [960]
    assert [e.source for e in entries] == [f"order:{row.code}"] and entries[0].debit_total == 960
    assert customer.telegram_id is None and customer.email == "wendy@example.com"

    shown = await client.get(f"/api/v1/orders/{body['code']}", headers=auth)
    assert shown.status == 200 and (await shown.json())["lines"][0]["sku"] == "85123A"
    assert (await client.get("/api/v1/orders/NOPE1234", headers=auth)).status == 404
    # Another channel's key sees nothing of it, and cannot cancel it.
    other, _ = await create_api_key(shop.runtime.uow(), shop.runtime.clock, name="till")
    till = {"Authorization": f"Bearer {other}"}
    assert (await client.get(f"/api/v1/orders/{body['code']}", headers=till)).status == 404
    assert (await client.post(f"/api/v1/orders/{body['code']}/cancel", headers=till)).status == 404


def _request_for(method: str, path: str, attempt: int) -> tuple[str, str, dict[str, Any] | None, dict[str, str]]:
    """A well-formed request to an endpoint of ``ENDPOINTS`` (its path filled in)."""
    url = path.replace("{code}", "NOPE1234").replace("{tracking}", "NOPE-TRACK")
    if url.endswith("/orders"):
        return method, url, ORDER, {"Idempotency-Key": f"scope-{attempt}"}
    if url.endswith("/orders/batch"):
        return method, url, {"orders": [{"idempotency_key": f"scope-{attempt}", "order": ORDER}]}, {}
    if url.endswith("/stock"):
        return method, url + "?sku=85123A", None, {}
    if url.endswith("/receipts"):
        return method, url, {"sku": "85123A", "warehouse": "LON", "quantity": 5}, {}
    if url.endswith("/events"):
        return method, url, {"event": "delivered"}, {}
    return method, url, None, {}


async def test_each_endpoint_needs_its_scope_and_refuses_the_others_changing_nothing(shop: RunningBot) -> None:
    runtime = shop.runtime
    tokens = {}
    for scope in Scope:
        token, key = await create_api_key(
            runtime.uow(),
            runtime.clock,
            name=f"only {scope.name}",
            scopes=frozenset({scope}),
            carriers=frozenset({"DPD"}) if scope is Scope.CARRIER else frozenset(),
        )
        assert key.scopes == {scope}
        tokens[scope] = token
    app = make_api_app(runtime.sessions, runtime.settings, runtime.clock)
    assert {scope for *_, scope in ENDPOINTS} == set(Scope) - {Scope.CUSTOMERS}  # a field's scope, not an endpoint's
    async with TestClient(TestServer(app)) as client:
        for attempt, (method, path, _, needed) in enumerate(ENDPOINTS):
            for scope, token in tokens.items():
                before = (await stock(shop, "85123A"), await _count(shop, m.OrderRow))
                method, url, body, headers = _request_for(method, path, attempt)
                answer = await client.request(
                    method, url, json=body, headers={"Authorization": f"Bearer {token}", **headers}
                )
                problem = await answer.json()
                if scope is needed:
                    assert answer.status in (200, 201, 404), (url, scope, problem)
                    continue
                assert answer.status == 403 and answer.content_type == "application/problem+json", (url, scope)
                assert problem["title"] == "Missing scope" and problem["scope"] == needed.value
                assert f"“{needed.value}”" in problem["detail"]
                assert (await stock(shop, "85123A"), await _count(shop, m.OrderRow)) == before
        document = await (await client.get("/api/v1/openapi.json")).json()
    for method, path, _, needed in ENDPOINTS:
        operation = document["paths"][path][method.lower()]
        # Either way of sending the key (the README's Bearer or X-API-Key) needs the scope.
        assert operation["security"] == [{"apiKey": [needed.value]}, {"apiKeyHeader": [needed.value]}]
        assert "403" in operation["responses"]


async def test_bad_requests_are_problems_naming_the_field_and_change_nothing(api, shop: RunningBot) -> None:
    client, auth = api
    before = await stock(shop, "85123A")

    async def post(body: Any, key: str | None = "k", **extra: str) -> tuple[int, dict[str, Any]]:
        headers = {**auth, **({"Idempotency-Key": key} if key else {}), **extra}
        raw = body if isinstance(body, str) else json.dumps(body)
        answer = await client.post("/api/v1/orders", data=raw, headers={**headers, "Content-Type": "application/json"})
        assert answer.content_type == "application/problem+json"
        return answer.status, await answer.json()

    assert (await post(ORDER, key=None))[1]["field"] == "Idempotency-Key"
    assert (await post("{not json"))[0] == 400
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({**ORDER, "lines": [{"sku": "85123A", "quantity": 0}]}, 422, "lines.0.quantity"),
        ({**ORDER, "lines": []}, 422, "lines"),
        ({**ORDER, "lines": [{"sku": "NOPE-1", "quantity": 1}]}, 422, "lines.0.sku"),
        ({**ORDER, "currency": "XYZ"}, 422, "currency"),
        ({**ORDER, "currency": "USD"}, 422, "currency"),  # no rate set: the shop does not take it
        ({**ORDER, "pickup_point": "MAN"}, 422, "delivery"),  # an address and a pickup point
        ({**ORDER, "address": None, "pickup_point": "LON"}, 422, "pickup_point"),  # the body's own name
        ({**ORDER, "address": "  "}, 422, "address"),
        ({**ORDER, "latitude": None}, 422, "longitude"),  # given without its latitude
        ({**ORDER, "customer": {"name": "No Contact"}}, 422, "customer"),
        ({**ORDER, "customer": {**ORDER["customer"], "phone": "call me"}}, 422, "customer.phone"),
        ({**ORDER, "shipping": "-1"}, 422, "shipping"),
        ({**ORDER, "surprise": 1}, 422, "surprise"),
        ({**ORDER, "lines": [{"sku": "85123A", "quantity": 9999}]}, 409, "lines.0.quantity"),  # more than in stock
    ]
    for i, (body, status, field) in enumerate(cases):
        got, problem = await post(body, key=f"bad-{i}")
        assert (got, problem["field"]) == (status, field), problem
        assert problem["status"] == status and problem["detail"]
    assert await _count(shop, m.OrderRow) == 0 and await stock(shop, "85123A") == before
    assert (await client.get("/api/v1/nowhere", headers=auth)).status == 404


async def test_cancel_stock_receipts_and_carrier_events(api, shop: RunningBot) -> None:
    client, auth = api
    runtime = shop.runtime
    alice = SandboxUser(shop.server, 1001, "Alice")
    await alice.send("/start")  # she knows the bot: she can follow the web order in Telegram
    known = {**ORDER, "customer": {"name": "Alice", "telegram_id": 1001, "email": "alice@example.com"}}
    placed = await (await client.post("/api/v1/orders", json=known, headers={**auth, "Idempotency-Key": "a"})).json()
    await runtime.notifier.drain()
    assert placed["code"] in alice.messages()[-1].text

    other = await (await client.post("/api/v1/orders", json=ORDER, headers={**auth, "Idempotency-Key": "b"})).json()
    before = await stock(shop, "85123A")
    cancelled = await client.post(f"/api/v1/orders/{other['code']}/cancel", headers=auth)
    assert cancelled.status == 200 and (await cancelled.json())["status"] == "cancelled"
    assert sum(r for _, _, r in await stock(shop, "85123A")) == sum(r for _, _, r in before) - 2
    assert (await client.post(f"/api/v1/orders/{other['code']}/cancel", headers=auth)).status == 200  # idempotent

    level = await (await client.get("/api/v1/stock?sku=85123a", headers=auth)).json()
    lon = next(w for w in level["warehouses"] if w["warehouse"] == "LON")
    received = await client.post(
        "/api/v1/stock/receipts", json={"sku": "85123A", "warehouse": "LON", "quantity": 24}, headers=auth
    )
    assert received.status == 201
    after = await (await client.get("/api/v1/stock?sku=85123A", headers=auth)).json()
    assert next(w for w in after["warehouses"] if w["warehouse"] == "LON")["on_hand"] == lon["on_hand"] + 24
    async with runtime.sessions() as session:
        actors = set(await session.scalars(select(m.InventoryMovementRow.actor)))
    assert "api:web shop" in actors
    bad = await client.post(
        "/api/v1/stock/receipts", json={"sku": "85123A", "warehouse": "XX", "quantity": 1}, headers=auth
    )
    assert bad.status == 422 and (await bad.json())["field"] == "warehouse"
    wrong_bin = {"sku": "85123A", "warehouse": "LON", "quantity": 1, "bin": "shelf"}
    shelf = await client.post("/api/v1/stock/receipts", json=wrong_bin, headers=auth)
    assert shelf.status == 422 and (await shelf.json())["field"] == "bin"
    assert (await client.get("/api/v1/stock", headers=auth)).status == 422

    code = placed["code"]
    for step in (OrderStatus.PICKING, OrderStatus.PICKED, OrderStatus.PACKED):
        await transition_order(runtime.uow(), runtime.clock, code=code, target=step, actor="staff:1")
    await ship_order(runtime.uow(), runtime.clock, staff_id=ADMIN, code=code, carrier="DPD", tracking="DPD-778899")
    moving = await client.post(
        "/api/v1/shipments/DPD-778899/events", json={"event": "in_transit", "location": "Birmingham hub"}, headers=auth
    )
    assert moving.status == 200 and (await moving.json())["status"] == "shipped"
    await runtime.notifier.drain()
    assert "Birmingham hub" in alice.messages()[-1].text
    done = await client.post("/api/v1/shipments/DPD-778899/events", json={"event": "delivered"}, headers=auth)
    assert (await done.json()) == {"order": code, "status": "delivered", "changed": True}
    repeat = await client.post("/api/v1/shipments/DPD-778899/events", json={"event": "delivered"}, headers=auth)
    assert (await repeat.json())["changed"] is False
    assert (await client.post("/api/v1/shipments/NOPE/events", json={"event": "delivered"}, headers=auth)).status == 404
    lost = await client.post("/api/v1/shipments/DPD-778899/events", json={"event": "lost"}, headers=auth)
    assert lost.status == 422 and (await lost.json())["field"] == "event"


async def test_fuzzing_the_api_from_its_openapi_document_finds_no_server_error(api, shop: RunningBot) -> None:
    """Schemathesis generates requests from /api/v1/openapi.json — valid ones and, in its
    negative mode, ones that break the schema — with a valid key; none may get a 5xx."""
    client, auth = api
    base = str(client.make_url("")).rstrip("/")
    document = await (await client.get("/api/v1/openapi.json")).json()
    schema = schemathesis.openapi.from_dict(document)
    failures: list[str] = []

    def fuzz() -> int:
        calls = 0
        for result in schema.get_all_operations():
            operation = result.ok()  # type: ignore[union-attr]  # our own document: no invalid operations
            for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):

                @hypothesis.settings(
                    max_examples=FUZZ_EXAMPLES,
                    deadline=None,
                    database=None,
                    derandomize=True,
                    suppress_health_check=list(hypothesis.HealthCheck),
                )
                @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
                def check(case: Any) -> None:
                    nonlocal calls
                    response = case.call(base_url=base, headers=auth, timeout=30)
                    calls += 1
                    if response.status_code >= 500:
                        failures.append(f"{case.method} {case.formatted_path} {case.body!r} → {response.text}")

                check()
        return calls

    calls = await asyncio.to_thread(fuzz)  # the server keeps answering on this loop meanwhile
    assert failures == []
    assert calls >= 6 * 2 * 10  # every operation, both modes, a real number of cases


async def test_the_process_sees_its_own_api_order_in_stock_at_once(api, shop: RunningBot) -> None:
    """The stock snapshot is warm (read before the order); the order's reservation shows in
    the very next read, through the API and in the bot's /stock, without waiting for a TTL."""
    client, auth = api

    def reserved(level: dict[str, Any]) -> int:
        return sum(w["reserved"] for w in level["warehouses"])

    before = await (await client.get("/api/v1/stock?sku=85123A", headers=auth)).json()
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    shown_before = (await admin.send("/stock 85123A")).last.text
    placed = await client.post("/api/v1/orders", json=ORDER, headers={**auth, "Idempotency-Key": "own-write"})
    assert placed.status == 201
    after = await (await client.get("/api/v1/stock?sku=85123A", headers=auth)).json()
    assert reserved(after) == reserved(before) + 2
    assert after["available"] == before["available"] - 2
    shown_after = (await admin.send("/stock 85123A")).last.text
    assert shown_after != shown_before and str(reserved(after)) in shown_after

    # A customer's product card, from the same warm snapshot: three gliders, two go to the web shop.
    customer = SandboxUser(shop.server, 1002, "Cleo")
    assert "Only 3 left" in (await customer.send("/start p_84077")).last.text
    gliders = {**ORDER, "lines": [{"sku": "84077", "quantity": 2}]}
    placed = await client.post("/api/v1/orders", json=gliders, headers={**auth, "Idempotency-Key": "own-write-2"})
    assert placed.status == 201, await placed.text()
    assert "Only 1 left" in (await customer.send("/start p_84077")).last.text


async def test_deeply_nested_json_is_a_bad_request_not_a_server_error(api, shop: RunningBot) -> None:
    client, auth = api
    nested = "[" * 100_000 + "]" * 100_000
    for path in ("/api/v1/orders", "/api/v1/stock/receipts", "/api/v1/shipments/DPD-1/events"):
        answer = await client.post(
            path, data=nested, headers={**auth, "Idempotency-Key": "deep", "Content-Type": "application/json"}
        )
        assert (answer.status, answer.content_type) == (400, "application/problem+json"), await answer.text()
        problem = await answer.json()
        assert problem["status"] == 400 and problem["title"] == "Malformed JSON" and problem["detail"]
    assert await _count(shop, m.OrderRow) == 0


async def test_the_api_is_strict_about_types_content_type_and_currency_case(api, shop: RunningBot) -> None:
    """No coercion: a number sent as a string, a body not declared JSON and a lower-case
    currency code are refused (the README says so), and nothing is ordered."""
    client, auth = api
    before = await stock(shop, "85123A")
    for i, content_type in enumerate(("text/plain", "application/x-www-form-urlencoded", "")):
        answer = await client.post(
            "/api/v1/orders",
            data=json.dumps(ORDER),
            headers={**auth, "Idempotency-Key": f"type-{i}", "Content-Type": content_type},
        )
        assert (answer.status, answer.content_type) == (415, "application/problem+json"), content_type
        assert (await answer.json())["field"] == "Content-Type"
    receipt = await client.post(
        "/api/v1/stock/receipts",
        data=json.dumps({"sku": "85123A", "warehouse": "LON", "quantity": 1}),
        headers={**auth, "Content-Type": "text/plain"},
    )
    assert receipt.status == 415
    cases: list[tuple[dict[str, Any], str]] = [
        ({**ORDER, "lines": [{"sku": "85123A", "quantity": "1"}]}, "lines.0.quantity"),
        ({**ORDER, "lines": [{"sku": "85123A", "quantity": 1.0}]}, "lines.0.quantity"),
        ({**ORDER, "lines": [{"sku": "85123A", "quantity": True}]}, "lines.0.quantity"),
        ({**ORDER, "customer": {**ORDER["customer"], "telegram_id": "1001"}}, "customer.telegram_id"),
        ({**ORDER, "latitude": "51.5"}, "latitude"),
        ({**ORDER, "currency": "gbp"}, "currency"),
    ]
    for i, (body, field) in enumerate(cases):
        answer = await client.post("/api/v1/orders", json=body, headers={**auth, "Idempotency-Key": f"strict-{i}"})
        problem = await answer.json()
        assert (answer.status, problem["field"]) == (422, field), problem
    charset = await client.post(
        "/api/v1/orders",
        data=json.dumps(ORDER),
        headers={**auth, "Idempotency-Key": "charset", "Content-Type": "application/json; charset=utf-8"},
    )
    assert charset.status == 201  # a declared charset is still JSON
    assert sum(r for _, _, r in await stock(shop, "85123A")) == sum(r for _, _, r in before) + 2


async def test_every_api_error_names_its_field_in_one_spelling(api, shop: RunningBot) -> None:
    """Schema errors and the checks after it both say ``lines.1.sku`` (the README's form)."""
    client, auth = api
    two = [{"sku": "85123A", "quantity": 1}]
    cases: list[tuple[dict[str, Any], str]] = [
        ({**ORDER, "lines": [*two, {"sku": "85123A", "quantity": 0}]}, "lines.1.quantity"),  # schema
        ({**ORDER, "lines": [*two, {"sku": "NOPE-1", "quantity": 1}]}, "lines.1.sku"),  # catalog check
        ({**ORDER, "lines": [*two, {"sku": "85123A", "quantity": 1}]}, "lines.1.sku"),  # duplicate line
    ]
    for i, (body, field) in enumerate(cases):
        answer = await client.post("/api/v1/orders", json=body, headers={**auth, "Idempotency-Key": f"field-{i}"})
        problem = await answer.json()
        assert (answer.status, problem["field"]) == (422, field), problem
        assert problem["detail"].startswith(f"{field}: ")


async def test_an_invoice_is_refused_for_a_customer_who_is_not_a_business(shop: RunningBot) -> None:
    runtime = shop.runtime
    key, _ = await create_api_key(runtime.uow(), runtime.clock, name="web shop")
    body = {**ORDER, "payment": "invoice"}
    app = make_api_app(runtime.sessions, runtime.settings, runtime.clock)
    async with TestClient(TestServer(app)) as client:
        answer = await client.post(
            "/api/v1/orders", json=body, headers={"Authorization": f"Bearer {key}", "Idempotency-Key": "1"}
        )
        problem = await answer.json()
    assert (answer.status, problem["field"]) == (422, "payment"), problem
    assert "business" in problem["detail"]
    assert await _count(shop, m.OrderRow) == 0


async def test_a_channel_with_the_customers_scope_sets_business_terms_and_the_credit_limit_holds(
    shop: RunningBot, clock: FakeClock
) -> None:
    runtime = shop.runtime
    orders_only, _ = await create_api_key(runtime.uow(), runtime.clock, name="web shop")
    b2b, _ = await create_api_key(
        runtime.uow(), runtime.clock, name="b2b portal", scopes=frozenset({Scope.ORDERS, Scope.CUSTOMERS})
    )
    buyer = {"name": "Acme Ltd", "email": "buyer@acme.example", "business": True, "payment_terms_days": 45}
    invoice = {**ORDER, "customer": {**buyer, "credit_limit": "15.00"}, "payment": "invoice"}
    app = make_api_app(runtime.sessions, runtime.settings, runtime.clock)
    async with TestClient(TestServer(app)) as client:
        refused = await client.post(
            "/api/v1/orders", json=invoice, headers={"Authorization": f"Bearer {orders_only}", "Idempotency-Key": "1"}
        )
        assert refused.status == 403 and (await refused.json())["scope"] == "customers"
        assert await _count(shop, m.CustomerRow) == 0 and await _count(shop, m.OrderRow) == 0
        auth = {"Authorization": f"Bearer {b2b}"}
        placed = await client.post("/api/v1/orders", json=invoice, headers={**auth, "Idempotency-Key": "2"})
        assert placed.status == 201, await placed.json()
        async with runtime.sessions() as session:
            customer = (await session.scalars(select(m.CustomerRow))).one()
            order = (await session.scalars(select(m.OrderRow))).one()
        assert (customer.is_business, customer.payment_terms_days, customer.credit_limit_minor) == (True, 45, 1500)
        assert order.invoice_due == (clock.now() + timedelta(days=45)).date()
        # £9.60 unpaid + £9.60 > £15.00: refused with the limit and what is open, nothing placed
        again = {**ORDER, "customer": {"name": "Acme Ltd", "email": "buyer@acme.example"}, "payment": "invoice"}
        over = await client.post("/api/v1/orders", json=again, headers={**auth, "Idempotency-Key": "3"})
        problem = await over.json()
        assert (over.status, problem["field"]) == (422, "payment"), problem
        assert "15.00" in problem["detail"] and "9.60" in problem["detail"]
        assert await _count(shop, m.OrderRow) == 1


async def test_api_orders_get_the_running_promotions_and_a_promo_code_refused_with_its_reason(
    api, shop: RunningBot
) -> None:
    client, auth = api
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    assert "SAVE10" in (await admin.send("/promocode new SAVE10 percent=10 uses=1 until=2026-12-31")).last.text
    assert (
        "Hearts week"
        in (await admin.send('/promotion new "Hearts week" off=0.10 products=85123A until=2026-12-31')).last.text
    )

    placed = await client.post(
        "/api/v1/orders", json={**ORDER, "promo_code": " save 10"}, headers={**auth, "Idempotency-Key": "promo-1"}
    )
    body = await placed.json()
    assert placed.status == 201, body
    # £5.90 − £0.20 (10p off each heart) − 10 % of £5.70 (£0.57), + £3.70 delivery
    assert (body["subtotal"], body["discount"], body["total"], body["promo_code"]) == ("5.90", "0.77", "8.83", "SAVE10")
    async with shop.runtime.sessions() as session:
        assert await session.scalar(select(m.PromoCodeRow.uses)) == 1
    orders = await _count(shop, m.OrderRow)

    for code, reason in (("SAVE10", "Promo code SAVE10 has been used up."), ("nope", "There is no promo code NOPE.")):
        refused = await client.post(
            "/api/v1/orders", json={**ORDER, "promo_code": code}, headers={**auth, "Idempotency-Key": f"promo-{code}"}
        )
        problem = await refused.json()
        assert refused.status == 422 and refused.content_type == "application/problem+json"
        assert (problem["title"], problem["field"], problem["detail"]) == ("Promo code refused", "promo_code", reason)
    assert await _count(shop, m.OrderRow) == orders
    without = await client.post("/api/v1/orders", json=ORDER, headers={**auth, "Idempotency-Key": "promo-2"})
    assert without.status == 201 and (await without.json())["discount"] == "0.20"


async def test_a_line_short_of_stock_is_named_by_its_place_without_a_word_of_a_cart(api, shop: RunningBot) -> None:
    """The problem said "…only 806 available now. Your cart was not changed; please adjust it." with
    the field "lines": a channel has no cart, and could not tell which of its lines was short."""
    client, auth = api
    body = {**ORDER, "lines": [{"sku": "22197", "quantity": 1}, {"sku": "85123A", "quantity": 9999}]}
    answer = await client.post("/api/v1/orders", json=body, headers={**auth, "Idempotency-Key": "short-1"})
    problem = await answer.json()
    assert answer.status == 409 and problem["field"] == "lines.1.quantity", problem
    assert "cart" not in problem["detail"] and "85123A" in problem["detail"], problem
    assert await _count(shop, m.OrderRow) == 0


async def test_a_line_short_of_stock_waits_as_a_backorder_when_its_product_takes_them(api, shop: RunningBot) -> None:
    """As a chat checkout: what stock cannot cover waits (the answer's ``waiting`` says how many),
    up to the product's limit; beyond it (saying how many more can wait), or for a product
    without backorders, a 409."""
    client, auth = api
    await SandboxUser(shop.server, ADMIN, "Ada").send("/backorder 85123A on 10")
    free = sum(on_hand - reserved for _, on_hand, reserved in await stock(shop, "85123A"))
    body = {**ORDER, "lines": [{"sku": "22197", "quantity": 1}, {"sku": "85123A", "quantity": free + 4}]}
    placed = await client.post("/api/v1/orders", json=body, headers={**auth, "Idempotency-Key": "back-1"})
    answer = await placed.json()
    assert placed.status == 201, answer
    assert answer["waiting"] == [{"sku": "85123A", "quantity": 4}]
    assert [(x["sku"], x["quantity"]) for x in answer["lines"]] == [("22197", 1), ("85123A", free + 4)]
    assert await _count(shop, m.BackorderRow) == 1
    assert sum(reserved for _, _, reserved in await stock(shop, "85123A")) == free  # all there is, taken
    shown = await client.get(f"/api/v1/orders/{answer['code']}", headers=auth)
    assert (await shown.json())["waiting"] == [{"sku": "85123A", "quantity": 4}]

    over = {**ORDER, "lines": [{"sku": "85123A", "quantity": 7}]}  # 6 more may wait
    refused = await client.post("/api/v1/orders", json=over, headers={**auth, "Idempotency-Key": "back-2"})
    problem = await refused.json()
    assert refused.status == 409 and problem["field"] == "lines.0.quantity", problem
    # Not just "only 0 available", which told the channel that nothing could be ordered.
    assert problem["detail"] == "lines.0.quantity: only 0 of 85123A available now, and 6 more can wait"
    assert await _count(shop, m.OrderRow) == 1 and await _count(shop, m.BackorderRow) == 1
    fits = {**ORDER, "lines": [{"sku": "85123A", "quantity": 6}]}
    placed = await client.post("/api/v1/orders", json=fits, headers={**auth, "Idempotency-Key": "back-3"})
    assert placed.status == 201 and (await placed.json())["waiting"] == [{"sku": "85123A", "quantity": 6}]
    full = await client.post("/api/v1/orders", json=ORDER, headers={**auth, "Idempotency-Key": "back-5"})
    assert (await full.json())["detail"] == "lines.0.quantity: only 0 of 85123A available now"  # no room left
    ordinary = await client.post(
        "/api/v1/orders",
        json=ORDER | {"lines": [{"sku": "22197", "quantity": 1}]},
        headers={**auth, "Idempotency-Key": "back-4"},
    )
    assert ordinary.status == 201 and (await ordinary.json())["waiting"] == []


async def test_a_preorder_waits_whole_and_beyond_its_limit_is_refused_by_the_api(api, shop: RunningBot) -> None:
    client, auth = api
    await SandboxUser(shop.server, ADMIN, "Ada").send("/backorder 22197 preorder 2026-12-20 2")
    over = {**ORDER, "lines": [{"sku": "22197", "quantity": 3}]}
    refused = await client.post("/api/v1/orders", json=over, headers={**auth, "Idempotency-Key": "pre-1"})
    problem = await refused.json()
    assert refused.status == 409 and problem["field"] == "lines.0.quantity", problem
    assert "only 2 of 22197 can be preordered now" in problem["detail"]
    fits = {**ORDER, "lines": [{"sku": "22197", "quantity": 2}]}
    placed = await client.post("/api/v1/orders", json=fits, headers={**auth, "Idempotency-Key": "pre-2"})
    assert placed.status == 201 and (await placed.json())["waiting"] == [{"sku": "22197", "quantity": 2}]


async def test_a_channel_keeps_its_orders_and_retries_across_a_key_rotation(api, shop: RunningBot) -> None:
    """The README's rotation (revoke "web shop", create "web shop" again) left the channel's
    orders "not found" to its new key, not cancellable, and a retry of one placed it twice."""
    client, auth = api
    runtime = shop.runtime
    placed = await client.post("/api/v1/orders", json=ORDER, headers={**auth, "Idempotency-Key": "web-1001"})
    code = (await placed.json())["code"]
    await revoke_api_key(runtime.uow(), runtime.clock, name="web shop")
    token, _ = await create_api_key(runtime.uow(), runtime.clock, name="web shop")
    rotated = {"Authorization": f"Bearer {token}"}

    retried = await client.post("/api/v1/orders", json=ORDER, headers={**rotated, "Idempotency-Key": "web-1001"})
    assert (retried.status, (await retried.json())["code"]) == (200, code)
    changed = {**ORDER, "reference": "WEB-1002"}
    conflict = await client.post("/api/v1/orders", json=changed, headers={**rotated, "Idempotency-Key": "web-1001"})
    assert conflict.status == 409 and (await conflict.json())["field"] == "Idempotency-Key"
    assert await _count(shop, m.OrderRow) == 1
    assert (await client.get(f"/api/v1/orders/{code}", headers=rotated)).status == 200
    other, _ = await create_api_key(runtime.uow(), runtime.clock, name="till")
    assert (await client.get(f"/api/v1/orders/{code}", headers={"Authorization": f"Bearer {other}"})).status == 404
    cancelled = await client.post(f"/api/v1/orders/{code}/cancel", headers=rotated)
    assert (cancelled.status, (await cancelled.json())["status"]) == (200, "cancelled")


async def test_the_channels_reference_is_kept_on_the_order_whatever_the_payment(api, shop: RunningBot) -> None:
    """``reference`` was kept only in a paid order's history line, and dropped for cash on
    delivery: a channel could not read back, nor staff find, its own order number."""
    client, auth = api
    for i, payment in enumerate(("cod", "paid")):
        body = {**ORDER, "payment": payment, "reference": f"WEB-200{i}"}
        placed = await client.post("/api/v1/orders", json=body, headers={**auth, "Idempotency-Key": f"ref-{i}"})
        answer = await placed.json()
        assert placed.status == 201 and answer["reference"] == f"WEB-200{i}", answer
        shown = await (await client.get(f"/api/v1/orders/{answer['code']}", headers=auth)).json()
        assert shown["reference"] == f"WEB-200{i}"
    async with shop.runtime.sessions() as session:
        assert sorted(await session.scalars(select(m.OrderRow.reference))) == ["WEB-2000", "WEB-2001"]


async def test_a_receipt_retried_with_its_idempotency_key_counts_the_goods_once(api, shop: RunningBot) -> None:
    client, auth = api
    before = await (await client.get("/api/v1/stock?sku=85123A", headers=auth)).json()
    on_hand = next(w for w in before["warehouses"] if w["warehouse"] == "LON")["on_hand"]
    receipt = {"sku": "85123a", "warehouse": "lon", "quantity": 24, "reason": "delivery 7"}
    keyed = {**auth, "Idempotency-Key": "delivery-7"}

    first = await client.post("/api/v1/stock/receipts", json=receipt, headers=keyed)
    retry = await client.post("/api/v1/stock/receipts", json={**receipt}, headers=keyed)  # after a timeout
    assert first.status == 201 and "Idempotent-Replayed" not in first.headers
    assert retry.status == 200 and retry.headers["Idempotent-Replayed"] == "true"
    assert await retry.json() == await first.json() == {"sku": "85123A", "warehouse": "LON", "bin": ANY, "quantity": 24}
    other = await client.post("/api/v1/stock/receipts", json={**receipt, "quantity": 25}, headers=keyed)
    problem = await other.json()
    assert other.status == 409 and problem["field"] == "Idempotency-Key", problem
    bad = await client.post("/api/v1/stock/receipts", json=receipt, headers={**auth, "Idempotency-Key": " "})
    assert bad.status == 400 and (await bad.json())["field"] == "Idempotency-Key"

    after = await (await client.get("/api/v1/stock?sku=85123A", headers=auth)).json()
    assert next(w for w in after["warehouses"] if w["warehouse"] == "LON")["on_hand"] == on_hand + 24
    async with shop.runtime.sessions() as session:
        moves = await session.scalar(
            select(func.count())
            .select_from(m.InventoryMovementRow)
            .where(m.InventoryMovementRow.reason == "delivery 7")
        )
    assert moves == 1
    # Without the header, as before it was taken: each request counts (no integration breaks).
    assert (await client.post("/api/v1/stock/receipts", json=receipt, headers=auth)).status == 201
    assert (await client.post("/api/v1/stock/receipts", json=receipt, headers=auth)).status == 201
    again = await (await client.get("/api/v1/stock?sku=85123A", headers=auth)).json()
    assert next(w for w in again["warehouses"] if w["warehouse"] == "LON")["on_hand"] == on_hand + 72

    spec = await (await client.get("/api/v1/openapi.json")).json()
    operation = spec["paths"]["/api/v1/stock/receipts"]["post"]
    header = next(p for p in operation["parameters"] if p["name"] == "Idempotency-Key")
    assert header["in"] == "header" and header["required"] is False and "200" in operation["responses"]


async def test_a_field_at_fault_is_one_problem_title_whether_the_schema_or_a_later_check_finds_it(
    api, shop: RunningBot
) -> None:
    """A schema error said "Invalid request" and a check after it (an unknown SKU) "Invalid
    field": a client matching the title missed one of the two."""
    client, auth = api
    asks = [
        ("POST", "/api/v1/orders", {**ORDER, "currency": "gbp"}, "currency"),  # the schema
        ("POST", "/api/v1/orders", {**ORDER, "lines": [{"sku": "NOPE-1", "quantity": 1}]}, "lines.0.sku"),  # catalog
        ("POST", "/api/v1/orders", {**ORDER, "payment": "link"}, "payment"),  # no card payments here
        ("POST", "/api/v1/stock/receipts", {"sku": "85123A", "warehouse": "XX", "quantity": 1}, "warehouse"),
        ("GET", "/api/v1/stock", None, "sku"),
    ]
    for i, (method, path, body, field) in enumerate(asks):
        answer = await client.request(method, path, json=body, headers={**auth, "Idempotency-Key": f"t-{i}"})
        problem = await answer.json()
        assert (answer.status, problem["title"], problem["field"]) == (422, "Invalid request", field), problem


async def test_a_refused_cancellation_names_the_status_in_words_an_api_client_reads(api, shop: RunningBot) -> None:
    """The 409's detail said "it is picking": the status code where the chat says "being picked". (Being picked,
    it is cancelled now, its pickers told what to put back: picked whole, it is refused.)"""
    client, auth = api
    placed = await (await client.post("/api/v1/orders", json=ORDER, headers={**auth, "Idempotency-Key": "p"})).json()
    for target in (OrderStatus.PICKING, OrderStatus.PICKED):
        await transition_order(
            shop.runtime.uow(), shop.runtime.clock, code=placed["code"], target=target, actor="staff:1"
        )
    refused = await client.post(f"/api/v1/orders/{placed['code']}/cancel", headers=auth)
    problem = await refused.json()
    assert refused.status == 409 and problem["title"] == "Not cancellable"
    assert problem["detail"] == f"Order {placed['code']} can no longer be cancelled: it is picked, being packed."


async def test_a_shipped_order_names_its_parcels_carrier_tracking_number_and_page_for_the_channel(
    api, shop: RunningBot
) -> None:
    """A marketplace confirms a shipment with the carrier and the tracking number: the answer
    gave a bare tracking_number, no carrier, and one number for an order sent in two parcels."""
    client, auth = api
    runtime = shop.runtime
    body = {**ORDER, "lines": [{"sku": "85123A", "quantity": 2}]}
    code = (await (await client.post("/api/v1/orders", json=body, headers={**auth, "Idempotency-Key": "p"})).json())[
        "code"
    ]
    assert (await (await client.get(f"/api/v1/orders/{code}", headers=auth)).json())["parcels"] == []
    for step in (OrderStatus.PICKING, OrderStatus.PICKED, OrderStatus.PACKED):
        await transition_order(runtime.uow(), runtime.clock, code=code, target=step, actor="staff:1")
    await ship_order(runtime.uow(), runtime.clock, staff_id=ADMIN, code=code, carrier="DPD", tracking="DPD-778899")
    runtime.clock.advance(hours=20)  # type: ignore[attr-defined]
    delivered = await client.post("/api/v1/shipments/DPD-778899/events", json={"event": "delivered"}, headers=auth)
    assert delivered.status == 200, await delivered.text()
    order = await (await client.get(f"/api/v1/orders/{code}", headers=auth)).json()
    assert order["parcels"] == [
        {
            "carrier": "DPD",
            "tracking_number": "DPD-778899",
            "tracking_url": "https://track.dpd.co.uk/parcels/DPD-778899",
            "status": "delivered",
            "shipped_at": ANY,
            "delivered_at": ANY,
            "lines": [{"sku": "85123A", "quantity": 2}],
        }
    ]
    assert order["parcels"][0]["shipped_at"] < order["parcels"][0]["delivered_at"]
    listed = await (await client.get("/api/v1/orders?status=delivered", headers=auth)).json()
    assert listed["orders"][0]["parcels"] == order["parcels"]
