"""The intake API against what a careless or hostile client sends, on each engine: bodies that
parse as JSON but hold what no field can store, and path and query values no row can have."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.api import make_api_app
from bot.harness import RunningBot
from domain.apikeys import Scope
from domain.usecases.api_keys import create_api_key
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.intake_api import ORDER

Client = TestClient[Any, Any]


@pytest.fixture
async def client(shop_on_each_engine: RunningBot) -> AsyncIterator[Client]:
    runtime = shop_on_each_engine.runtime
    token, _ = await create_api_key(
        runtime.uow(), runtime.clock, name="web shop", scopes=frozenset(Scope), carriers=frozenset({"DPD"})
    )
    app = make_api_app(runtime.sessions, runtime.settings, runtime.clock)
    async with TestClient(TestServer(app), headers={"Authorization": f"Bearer {token}"}) as test_client:
        yield test_client


async def _rows(shop: RunningBot, model: type[m.Base]) -> int:
    async with shop.runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _post(client: Client, path: str, raw: str, key: str = "hostile") -> tuple[int, dict[str, Any]]:
    answer = await client.post(
        path, data=raw.encode(), headers={"Idempotency-Key": key, "Content-Type": "application/json"}
    )
    assert answer.content_type == "application/problem+json", await answer.text()
    return answer.status, await answer.json()


async def test_text_no_column_can_store_is_a_problem_naming_its_field(
    client: Client, shop_on_each_engine: RunningBot
) -> None:
    """A NUL (PostgreSQL refuses it in text: a 500) or another control character, and a lone
    surrogate escape such as ``"\\ud800"`` (no UTF-8 has it: a 500 on either engine) are 422s
    naming the field; a line break in an address is what a web form sends, and stays."""
    receipt = {"sku": "85123A", "warehouse": "LON", "quantity": 1}
    movements = await _rows(shop_on_each_engine, m.InventoryMovementRow)
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("/api/v1/orders", {**ORDER, "customer": {**ORDER["customer"], "name": "Wendy\x00"}}, "customer.name"),
        ("/api/v1/orders", {**ORDER, "address": "10 Downing St\x00"}, "address"),
        ("/api/v1/orders", {**ORDER, "reference": "WEB-\x07"}, "reference"),
        ("/api/v1/orders", {**ORDER, "lines": [{"sku": "85123A\x00", "quantity": 1}]}, "lines.0.sku"),
        ("/api/v1/orders", {**ORDER, "customer": {**ORDER["customer"], "name": "\ud800"}}, "customer.name"),
        ("/api/v1/orders", {**ORDER, "promo_code": "\udfff"}, "promo_code"),
        ("/api/v1/stock/receipts", {**receipt, "reason": "counted\x00"}, "reason"),
        ("/api/v1/stock/receipts", {**receipt, "reason": "\ud83d"}, "reason"),
        ("/api/v1/shipments/DPD-1/events", {"event": "in_transit", "location": "Hub\x00"}, "location"),
    ]
    for i, (path, body, field) in enumerate(cases):
        status, problem = await _post(client, path, json.dumps(body), key=f"text-{i}")
        assert (status, problem["field"]) == (422, field), (path, body, problem)
        assert problem["detail"].startswith(f"{field}: ")
    assert await _rows(shop_on_each_engine, m.OrderRow) == 0
    assert await _rows(shop_on_each_engine, m.CustomerRow) == 0
    assert await _rows(shop_on_each_engine, m.InventoryMovementRow) == movements

    # The check comes after each field's own: a long optional text still says what its limit is.
    status, problem = await _post(client, "/api/v1/orders", json.dumps({**ORDER, "address": "x" * 501}), key="long")
    assert (status, problem["detail"]) == (422, "address: String should have at most 500 characters"), problem

    two_lines = {**ORDER, "address": "10 Downing Street\r\nLondon SW1A 2AA"}
    placed = await client.post("/api/v1/orders", json=two_lines, headers={"Idempotency-Key": "two-lines"})
    assert placed.status == 201, await placed.text()
    async with shop_on_each_engine.runtime.sessions() as session:
        assert await session.scalar(select(m.OrderRow.address)) == "10 Downing Street\r\nLondon SW1A 2AA"


async def test_a_direction_override_that_would_make_staff_read_a_name_or_phone_backwards_is_refused(
    client: Client, shop_on_each_engine: RunningBot
) -> None:
    """ "Wendy\u202e" as a name turned the rest of the staff's order line around: the phone after it
    read backwards (a number staff would call). The shop's own texts refuse these; so does the API."""
    cases: list[tuple[dict[str, Any], str]] = [
        ({**ORDER, "customer": {**ORDER["customer"], "name": "Wendy\u202e"}}, "customer.name"),
        ({**ORDER, "address": "10 Downing St \u2067London\u2069"}, "address"),
        ({**ORDER, "reference": "\u202dWEB-1"}, "reference"),
    ]
    for i, (body, field) in enumerate(cases):
        status, problem = await _post(client, "/api/v1/orders", json.dumps(body), key=f"bidi-{i}")
        assert (status, problem["field"]) == (422, field), (body, problem)
    assert await _rows(shop_on_each_engine, m.OrderRow) == 0
    assert await _rows(shop_on_each_engine, m.CustomerRow) == 0
    arabic = {
        **ORDER,
        "address": "\u0634\u0627\u0631\u0639 \u0627\u0644\u0645\u0644\u0643 12",
    }  # right-to-left text itself
    placed = await client.post("/api/v1/orders", json=arabic, headers={"Idempotency-Key": "arabic"})
    assert placed.status == 201, await placed.text()


async def test_json_python_reads_but_no_client_means_is_malformed(
    client: Client, shop_on_each_engine: RunningBot
) -> None:
    """An integer of thousands of digits (Python refuses to convert it: a 500) and NaN or
    Infinity (not JSON, though Python reads them) are malformed bodies, on every endpoint."""
    bodies = [
        json.dumps(ORDER).replace('"quantity": 2', '"quantity": 1' + "0" * 5000),
        json.dumps(ORDER).replace("51.5034", "NaN"),
        json.dumps(ORDER).replace("-0.1276", "-Infinity"),
    ]
    for path in ("/api/v1/orders", "/api/v1/stock/receipts", "/api/v1/shipments/DPD-1/events"):
        for i, raw in enumerate(bodies):
            status, problem = await _post(client, path, raw, key=f"malformed-{i}")
            assert (status, problem["title"]) == (400, "Malformed JSON"), (path, problem)
    assert await _rows(shop_on_each_engine, m.OrderRow) == 0


async def test_a_code_sku_or_tracking_number_no_row_can_have_is_not_found(client: Client) -> None:
    """A NUL in the path or the query reached PostgreSQL (a 500); nothing can carry one."""
    for path in ("/api/v1/orders/AB%00CD", "/api/v1/stock?sku=85123A%00"):
        answer = await client.get(path)
        assert answer.status in (404, 422) and answer.content_type == "application/problem+json", path
    for path in ("/api/v1/orders/AB%00CD/cancel", "/api/v1/shipments/DPD%00/events"):
        answer = await client.post(path, json={"event": "delivered"})
        assert answer.status == 404 and answer.content_type == "application/problem+json", path


async def test_the_bearer_scheme_is_read_in_any_case_and_a_wrong_method_says_which_are_allowed(
    client: Client, shop_on_each_engine: RunningBot
) -> None:
    """``Authorization: bearer og_…`` (HTTP schemes are case-insensitive; some clients send it
    so) was a 401; a 405 carried no ``Allow`` header, which HTTP requires of it."""
    token = client.session.headers["Authorization"].removeprefix("Bearer ")
    for scheme in ("bearer", "BEARER"):
        answer = await client.get("/api/v1/orders/NOPE1234", headers={"Authorization": f"{scheme} {token}"})
        assert answer.status == 404, scheme  # authenticated: the order is not found
    assert (await client.get("/api/v1/orders/NOPE1234", headers={"Authorization": f"Basic {token}"})).status == 401
    wrong = await client.delete("/api/v1/orders/NOPE1234")
    assert wrong.status == 405 and wrong.content_type == "application/problem+json"
    assert wrong.headers["Allow"] == "GET"


async def test_a_customer_email_that_is_no_address_is_refused_and_matches_no_one(
    client: Client, shop_on_each_engine: RunningBot
) -> None:
    """A guest checkout's "@" or "n/a@" was stored and matched the next order with it to the
    same customer: two people's orders under one name."""
    for i, email in enumerate(("@", "n/a@", "guest@", "a b@shop.example")):
        body = {**ORDER, "customer": {"name": "Guest", "email": email}}
        answer = await client.post("/api/v1/orders", json=body, headers={"Idempotency-Key": f"guest-{i}"})
        problem = await answer.json()
        assert (answer.status, problem["field"]) == (422, "customer.email"), problem
    assert await _rows(shop_on_each_engine, m.CustomerRow) == 0


async def test_a_key_with_bytes_that_are_not_text_is_unauthorized(client: Client) -> None:
    """A real key's prefix followed by bytes that are not UTF-8 was a 500 (and a logged
    traceback) for anyone, without a key: the secret could not be hashed."""
    assert client.server.port is not None
    token = client.session.headers["Authorization"].removeprefix("Bearer ")
    for header in (b"X-API-Key: ", b"Authorization: Bearer "):
        reader, writer = await asyncio.open_connection("127.0.0.1", client.server.port)
        writer.write(
            b"GET /api/v1/orders/NOPE1234 HTTP/1.1\r\nHost: shop\r\nConnection: close\r\n"
            + header
            + token[:12].encode()
            + b"\xff\xfe\r\n\r\n"
        )
        answer = await reader.read()
        writer.close()
        assert answer.startswith(b"HTTP/1.1 401 "), answer[:200]


async def test_a_phone_written_with_the_trunk_zero_is_the_same_customer(
    client: Client, shop_on_each_engine: RunningBot
) -> None:
    """ "+44 (0) 7700 900123", as UK shops print it, was stored +4407700900123: another number,
    so the customer was not found by it and a second one was made."""
    for i, phone in enumerate(("+44 7700 900123", "+44 (0) 7700 900123", "0044 (0)7700-900123")):
        body = {**ORDER, "customer": {"name": "Wendy Web", "phone": phone}}
        placed = await client.post("/api/v1/orders", json=body, headers={"Idempotency-Key": f"phone-{i}"})
        assert placed.status == 201, await placed.text()
    async with shop_on_each_engine.runtime.sessions() as session:
        assert list(await session.scalars(select(m.CustomerRow.phone))) == ["+447700900123"]
    digits = {**ORDER, "customer": {"name": "Wendy Web", "phone": "+4٤7700900123"}}  # an Arabic-Indic four
    refused = await client.post("/api/v1/orders", json=digits, headers={"Idempotency-Key": "phone-x"})
    assert (refused.status, (await refused.json())["field"]) == (422, "customer.phone")


async def test_an_order_naming_one_customer_by_telegram_id_does_not_give_them_anothers_email(
    client: Client, shop_on_each_engine: RunningBot
) -> None:
    """Matched by Telegram id, a customer without an email took the order's, though another
    customer had it: two customers shared one email, and the next order by it went to either."""
    people = [
        {"name": "Tom Telegram", "telegram_id": 601},
        {"name": "Eve Email", "email": "eve@example.com", "phone": "+44 7700 900456"},
        {"name": "Tom Telegram", "telegram_id": 601, "email": "eve@example.com", "phone": "+44 7700 900456"},
        {"name": "Tom Telegram", "telegram_id": 601, "email": "tom@example.com"},
    ]
    for i, customer in enumerate(people):
        body = {**ORDER, "customer": customer}
        placed = await client.post("/api/v1/orders", json=body, headers={"Idempotency-Key": f"who-{i}"})
        assert placed.status == 201, await placed.text()
    async with shop_on_each_engine.runtime.sessions() as session:
        rows = (
            await session.execute(select(m.CustomerRow.telegram_id, m.CustomerRow.email, m.CustomerRow.phone))
        ).all()
    assert sorted(rows, key=str) == sorted(
        [(601, "tom@example.com", None), (None, "eve@example.com", "+447700900456")], key=str
    )


async def test_a_customer_who_writes_to_the_bot_again_is_told_of_their_orders_again(api, shop: RunningBot) -> None:
    """A 403 (the bot blocked, or never started: what an API order naming a telegram_id meets)
    marked the customer unreachable for good: back in the chat, they were never told of an
    order again. Writing to the bot clears it."""
    client, auth = api
    una = SandboxUser(shop.server, 777, "Una")
    await una.send("/start")
    una.block_bot()
    for i in range(2):
        body = {**ORDER, "customer": {"name": "Una", "telegram_id": 777}}
        placed = await client.post("/api/v1/orders", json=body, headers={**auth, "Idempotency-Key": f"una-{i}"})
        code = (await placed.json())["code"]
        await shop.runtime.notifier.drain()
        if i == 0:
            async with shop.runtime.sessions() as session:
                assert await session.scalar(select(m.CustomerRow.unreachable).where(m.CustomerRow.telegram_id == 777))
            shop.server.blocked.discard(777)
            await una.send("/start")
    told = shop.server.last_message(777)
    assert told is not None and code in told.text
    refused = [c for c in shop.server.calls if not c.ok]
    assert [(c.method, c.description) for c in refused] == [("sendMessage", "Forbidden: bot was blocked by the user")]
    shop.server.calls.remove(refused[0])  # the one refusal this test makes happen (the shop checks for none)
