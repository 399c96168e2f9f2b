"""The intake API as its documents describe it: the README's example works when pasted, every
problem has the shape the OpenAPI document gives, and the values an answer holds are listed."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient
from pydantic import ConfigDict

from bot.api_models import Problem
from bot.harness import RunningBot
from domain.stock import MAX_LINE_QUANTITY
from domain.usecases.api_keys import create_api_key
from sandbox import SandboxUser
from tests.e2e.conftest import ADMIN
from tests.e2e.intake_api import ORDER

README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_example() -> tuple[dict[str, str], str]:
    """The headers and body of the README's ``curl`` example of the intake API, as a shell reads them."""
    section = README.read_text(encoding="utf-8").split("## Intake API", 1)[1]
    block = re.search(r"```bash\n(curl .*?)```", section, re.S)
    assert block is not None, "the README's intake API example"
    words = shlex.split(block.group(1).replace("\\\n", " "))
    headers = dict(words[i + 1].split(": ", 1) for i, w in enumerate(words) if w == "-H")
    return headers, words[words.index("-d") + 1]


async def test_the_readme_example_places_its_order_when_pasted(api, shop: RunningBot) -> None:
    client, auth = api
    headers, body = _readme_example()
    headers["Authorization"] = auth["Authorization"]  # the example's $KEY
    placed = await client.post("/api/v1/orders", data=body.encode(), headers=headers)
    answer = await placed.json()
    assert placed.status == 201, answer
    assert (answer["status"], answer["payment"], answer["total"]) == ("allocated", "paid", "9.60")


class _Documented(Problem):
    model_config = ConfigDict(extra="forbid")  # a key the document does not list is an error


async def test_every_problem_has_the_documented_shape_and_a_field_comes_with_errors(api, shop: RunningBot) -> None:
    """Schema errors carried ``errors`` and the checks after it did not (a client reading
    ``errors`` missed an unknown SKU); a 403's ``scope`` was not in the document."""
    client: TestClient[Any, Any]
    client, auth = api
    lines = {**ORDER, "lines": [{"sku": "85123A", "quantity": 1}, {"sku": "NOPE-1", "quantity": 1}]}
    asks: list[tuple[str, str, dict[str, Any] | None, dict[str, str]]] = [
        ("POST", "/api/v1/orders", {**ORDER, "currency": "gbp"}, {"Idempotency-Key": "1"}),  # schema
        ("POST", "/api/v1/orders", lines, {"Idempotency-Key": "2"}),  # catalog
        ("POST", "/api/v1/orders", {**ORDER, "lines": [{"sku": "85123A", "quantity": 9999}]}, {"Idempotency-Key": "3"}),
        ("POST", "/api/v1/orders", {**ORDER, "promo_code": "NOPE"}, {"Idempotency-Key": "4"}),
        ("POST", "/api/v1/orders", ORDER, {}),
        ("GET", "/api/v1/orders/NOPE1234", None, {}),
        ("DELETE", "/api/v1/orders/NOPE1234", None, {}),
        ("GET", "/api/v1/stock?sku=85123A", None, {"Authorization": "Bearer og_12345678_nope"}),
    ]
    seen = set()
    for method, path, body, headers in asks:
        answer = await client.request(method, path, json=body, headers={**auth, **headers})
        problem = await answer.json()
        assert answer.content_type == "application/problem+json", problem
        _Documented.model_validate(problem)
        if "field" in problem:
            assert problem["errors"][0]["field"] == problem["field"], problem
            assert problem["detail"].endswith(problem["errors"][0]["detail"]), problem
        seen.add(answer.status)
    assert seen == {400, 401, 404, 405, 409, 422}

    token, _ = await create_api_key(shop.runtime.uow(), shop.runtime.clock, name="till")  # orders only
    refused = await client.get("/api/v1/stock?sku=85123A", headers={"Authorization": f"Bearer {token}"})
    problem = await refused.json()
    assert refused.status == 403 and _Documented.model_validate(problem).scope == "stock:read"


async def test_the_document_lists_the_statuses_and_payment_methods_an_order_answer_has(api) -> None:
    """``"payment": "paid"`` comes back as ``"paid"``, a link's as ``"card"``: the document says which there are."""
    client, _ = api
    schemas = (await (await client.get("/api/v1/openapi.json")).json())["components"]["schemas"]
    order = schemas["OrderOut"]["properties"]
    statuses = schemas[order["status"]["$ref"].rsplit("/", 1)[1]]["enum"]
    assert {"allocated", "awaiting_payment", "cancelled", "shipped", "delivered"} <= set(statuses)
    assert set(order["payment"]["enum"]) == {"paid", "card", "cod", "invoice"}
    assert "the channel took the payment" in order["payment"]["description"]
    assert "scope" in schemas["Problem"]["properties"]


async def test_the_document_says_how_a_key_is_sent_and_which_answers_an_operation_may_give(api) -> None:
    """The README's X-API-Key header was missing from the document's security schemes, and
    the 405 and 413 the server answers from its operations' responses."""
    client, auth = api
    document = await (await client.get("/api/v1/openapi.json")).json()
    header = document["components"]["securitySchemes"]["apiKeyHeader"]
    assert (header["type"], header["in"], header["name"]) == ("apiKey", "header", "X-API-Key")
    token = auth["Authorization"].removeprefix("Bearer ")
    assert (await client.get("/api/v1/stock?sku=85123A", headers={header["name"]: token})).status == 200
    responses = document["paths"]["/api/v1/orders"]["post"]["responses"]
    assert {"405", "413"} <= set(responses)
    too_big = await client.post(
        "/api/v1/orders",
        data=b"x" * 300_000,
        headers={**auth, "Idempotency-Key": "big", "Content-Type": "application/json"},
    )
    assert too_big.status == 413 and too_big.content_type == "application/problem+json"


async def test_a_line_may_hold_what_a_chat_cart_line_may(api, shop: RunningBot) -> None:
    """The schema stopped at 9,999 where a chat cart's line (and the API's own check after it)
    takes 10,000: the document and the server now say the same limit."""
    client, auth = api
    document = await (await client.get("/api/v1/openapi.json")).json()
    assert document["components"]["schemas"]["LineIn"]["properties"]["quantity"]["maximum"] == MAX_LINE_QUANTITY
    await SandboxUser(shop.server, ADMIN, "Ada").send("/backorder 85123A on")
    body = {**ORDER, "lines": [{"sku": "85123A", "quantity": MAX_LINE_QUANTITY}]}
    placed = await client.post("/api/v1/orders", json=body, headers={**auth, "Idempotency-Key": "most"})
    assert placed.status == 201, await placed.text()
    over = {**ORDER, "lines": [{"sku": "85123A", "quantity": MAX_LINE_QUANTITY + 1}]}
    refused = await client.post("/api/v1/orders", json=over, headers={**auth, "Idempotency-Key": "over"})
    assert refused.status == 422 and (await refused.json())["field"] == "lines.0.quantity"


async def test_a_path_that_does_not_exist_is_the_same_not_found_as_an_order_that_does_not(api) -> None:
    """aiohttp's own 404 read "Not Found" / "404: Not Found", ours "Not found" / "Nothing was
    found.": a client matching the title saw two spellings of one answer."""
    client, auth = api
    titles = set()
    for path in ("/api/v1/orders/NOPE1234", "/api/v1/order/NOPE1234", "/api/v1/orders/NOPE1234/cancel/now"):
        answer = await client.get(path, headers=auth)
        assert answer.status == 404 and answer.content_type == "application/problem+json", path
        titles.add((await answer.json())["title"])
    assert titles == {"Not found"}


async def test_every_refusal_names_the_field_or_header_to_fix_and_says_what_was_not_found(
    api, shop: RunningBot
) -> None:
    """An integrator's walk: a 404 said "Nothing was found." (which order? which SKU? a typo in
    the path?), and a malformed body and a missing key named no field, though the README says every
    problem names the offending one. Each now names it, and a 404 says what it looked for."""
    client, auth = api
    await create_api_key(shop.runtime.uow(), shop.runtime.clock, name="web shop 2")
    asks: list[tuple[str, str, str | None, dict[str, str], int, str, str]] = [
        ("GET", "/api/v1/orders/NOPE1234", None, auth, 404, "code", "no order NOPE1234 placed by this channel"),
        ("POST", "/api/v1/orders/NOPE1234/cancel", None, auth, 404, "code", "no order NOPE1234 placed by"),
        ("GET", "/api/v1/stock?sku=NOPE-1", None, auth, 404, "sku", "no product NOPE-1"),
        ("POST", "/api/v1/shipments/NOPE-9/events", '{"event": "delivered"}', auth, 404, "tracking", "NOPE-9"),
        ("GET", "/api/v1/order/NOPE1234", None, auth, 404, "path", "/api/v1/openapi.json"),
        ("POST", "/api/v1/orders", "{not json", {**auth, "Idempotency-Key": "m"}, 400, "body", "not valid JSON"),
        ("GET", "/api/v1/orders/NOPE1234", None, {}, 401, "Authorization", "Authorization: Bearer"),
        ("GET", "/api/v1/orders/NOPE1234", None, {"X-API-Key": "og_nope"}, 401, "Authorization", "X-API-Key"),
    ]
    for method, path, body, headers, status, field, words in asks:
        sent = {**headers, "Content-Type": "application/json"} if body is not None else headers
        answer = await client.request(method, path, data=body, headers=sent)
        problem = await answer.json()
        assert (answer.status, problem.get("field")) == (status, field), (path, problem)
        assert words in problem["detail"] and problem["errors"][0]["field"] == field, (path, problem)
        _Documented.model_validate(problem)
    refused = await client.get("/api/v1/orders/NOPE1234/cancel", headers=auth)  # a method the path does not take
    problem = await refused.json()
    assert refused.status == 405 and refused.headers["Allow"] == "POST"
    assert problem["detail"] == "GET is not allowed on /api/v1/orders/NOPE1234/cancel; it takes POST.", problem


async def test_a_value_of_the_wrong_form_is_told_the_form_to_send(api) -> None:
    """An integrator sending "gbp" or a shipping of -1 read "String should match pattern
    '^\\d{1,12}(\\.\\d{1,4})?$'": the field was named, but what to send was a regular expression."""
    client, auth = api
    amount = 'a decimal amount as a string, like "3.70": digits, at most 4 after the point, no sign'
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({**ORDER, "currency": "gbp"}, "currency", "an ISO 4217 code in capitals, like GBP"),
        ({**ORDER, "shipping": "-1"}, "shipping", amount),
        ({**ORDER, "shipping": 3.7}, "shipping", amount),
        ({**ORDER, "shipping": "3,70"}, "shipping", amount),
        ({**ORDER, "customer": {**ORDER["customer"], "credit_limit": "1e5"}}, "customer.credit_limit", amount),
    ]
    for i, (body, field, detail) in enumerate(cases):
        answer = await client.post("/api/v1/orders", json=body, headers={**auth, "Idempotency-Key": f"form-{i}"})
        problem = await answer.json()
        assert (answer.status, problem["field"]) == (422, field), problem
        assert problem["detail"] == f"{field}: {detail}" and problem["errors"][0]["detail"] == detail, problem


# A value each documented query parameter takes, to show it is taken (a new one needs its example here).
QUERY_EXAMPLES = {
    "limit": "10",
    "cursor": "0",
    "status": "placed",
    "reference": "WEB-1001",
    "changed_since": "2026-12-07T10:00:00Z",
    "sku": "85123A",
}


def _gets(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Each GET operation's path, filled in, and the operation (the public document aside)."""
    paths = document["paths"].items()
    return [(path.replace("{code}", "NOPE1234"), ops["get"]) for path, ops in paths if "get" in ops]


async def test_every_get_refuses_a_query_parameter_it_does_not_take_naming_it(api) -> None:
    """A typo (``?skus=`` for ``?sku=``) was ignored: the answer looked right for a question not asked."""
    client, auth = api
    document = await (await client.get("/api/v1/openapi.json")).json()
    assert len(_gets(document)) == 4  # the orders, an order, a SKU's stock, the stock feed
    for path, operation in _gets(document):
        taken = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
        query = {name: QUERY_EXAMPLES[name] for name in taken[:1]}
        answer = await client.get(path, params={**query, "skus": "85123A"}, headers=auth)
        problem = await answer.json()
        assert (answer.status, problem["field"], problem["title"]) == (422, "skus", "Invalid request"), (path, problem)
        assert problem["detail"].startswith("skus: not a parameter of this operation"), problem
        assert problem["detail"].endswith(f"(it takes {', '.join(taken)})" if taken else "(it takes none)"), problem
        _Documented.model_validate(problem)


async def test_every_documented_query_parameter_is_taken(api) -> None:
    client, auth = api
    document = await (await client.get("/api/v1/openapi.json")).json()
    for path, operation in _gets(document):
        for parameter in (p for p in operation.get("parameters", []) if p["in"] == "query"):
            name, value = parameter["name"], QUERY_EXAMPLES[parameter["name"]]
            if (path, name) == ("/api/v1/stock/levels", "changed_since"):  # a token a stock answer gave, not a moment
                given = await client.get(path, params={"sku": "85123A"}, headers=auth)
                value = (await given.json())["changes_token"]
            answer = await client.get(path, params={name: value}, headers=auth)
            assert answer.status in (200, 404), (path, name, await answer.text())
