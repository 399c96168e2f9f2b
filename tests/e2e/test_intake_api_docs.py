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
from tests.e2e.test_intake_api import ORDER

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
    assert (answer["status"], answer["payment"], answer["total"]) == ("allocated", "card", "9.60")


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
    """``"payment": "paid"`` comes back as ``"card"``: the document says which values there are."""
    client, _ = api
    schemas = (await (await client.get("/api/v1/openapi.json")).json())["components"]["schemas"]
    order = schemas["OrderOut"]["properties"]
    statuses = schemas[order["status"]["$ref"].rsplit("/", 1)[1]]["enum"]
    assert {"allocated", "awaiting_payment", "cancelled", "shipped", "delivered"} <= set(statuses)
    methods = schemas[order["payment"]["$ref"].rsplit("/", 1)[1]]
    assert set(methods["enum"]) == {"card", "cod", "invoice"}
    assert "paid" in order["payment"].get("description", "") + methods.get("description", "")
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
    problems = []
    for path in ("/api/v1/orders/NOPE1234", "/api/v1/order/NOPE1234", "/api/v1/orders/NOPE1234/cancel/now"):
        answer = await client.get(path, headers=auth)
        assert answer.status == 404 and answer.content_type == "application/problem+json", path
        problems.append(await answer.json())
    assert (
        problems[0]
        == problems[1]
        == problems[2]
        == {
            "type": "about:blank",
            "title": "Not found",
            "status": 404,
            "detail": "Nothing was found.",
        }
    )
