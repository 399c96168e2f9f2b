"""What the intake API's documents say of it, held to what it does: a cancel's body is ignored and a second cancel
answers the order as it is; a problem names a ``field`` only where one is at fault (a 405's and a 403's name none);
the README's callback address is one the API takes, and plainly an example."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp.test_utils import TestClient

from bot.harness import RunningBot
from domain.callbacks import check_url
from domain.usecases.api_keys import create_api_key
from tests.e2e.intake_api import ORDER

README = Path(__file__).resolve().parents[2] / "README.md"


def _readme() -> str:
    return " ".join(README.read_text(encoding="utf-8").split())  # one line: the sentences as read, not as wrapped


async def test_a_cancels_body_is_ignored_and_a_second_cancel_answers_the_order_as_it_is(api) -> None:
    client: TestClient[Any, Any]
    client, auth = api
    placed = await client.post("/api/v1/orders", json=ORDER, headers={**auth, "Idempotency-Key": "cancel-docs"})
    code = (await placed.json())["code"]
    path = f"/api/v1/orders/{code}/cancel"
    sent = {**auth, "Content-Type": "application/json"}
    first = await client.post(path, data='{"reason": "customer phoned", "not": json', headers=sent)  # not even JSON
    cancelled = await first.json()
    assert (first.status, cancelled["status"]) == (200, "cancelled"), cancelled
    again = await client.post(path, json={"status": "placed"}, headers=auth)
    assert again.status == 200 and await again.json() == cancelled  # the order as it is: nothing done twice
    assert await (await client.get(f"/api/v1/orders/{code}", headers=auth)).json() == cancelled

    document = await (await client.get("/api/v1/openapi.json")).json()
    described = document["paths"]["/api/v1/orders/{code}/cancel"]["post"]["description"]
    assert "Its body, if any, is ignored" in described and "a second cancel answers 200" in described, described
    row = next(
        line
        for line in README.read_text(encoding="utf-8").splitlines()
        if "| `POST /api/v1/orders/{code}/cancel`" in line
    )
    assert "its body, if any, is ignored" in row and "a second cancel answers `200`" in row, row


async def test_a_405_and_a_403_name_no_field_as_the_readme_says_a_problem_names_one_only_where_one_is_at_fault(
    api, shop: RunningBot
) -> None:
    client, auth = api
    wrong_method = await client.get("/api/v1/orders/NOPE1234/cancel", headers=auth)
    token, _ = await create_api_key(shop.runtime.uow(), shop.runtime.clock, name="till")  # orders only
    no_scope = await client.get("/api/v1/stock?sku=85123A", headers={"Authorization": f"Bearer {token}"})
    for answer, status in ((wrong_method, 405), (no_scope, 403)):
        problem = await answer.json()
        assert answer.status == status and "field" not in problem and "errors" not in problem, problem
        assert {"type", "title", "status", "detail"} <= set(problem), problem
    schemas = (await (await client.get("/api/v1/openapi.json")).json())["components"]["schemas"]
    assert "left out of a problem about none (a 403, a 405)" in schemas["Problem"]["properties"]["field"]["description"]
    readme = _readme()
    assert (
        "Every error is an RFC 9457 problem (`application/problem+json`) with `status`, `title` and `detail`" in readme
    )
    assert "where a field or header is at fault, that `field`" in readme
    assert "a `403` or a `405` names none" in readme


def test_the_readmes_callback_address_is_one_the_api_takes_and_plainly_an_example() -> None:
    """``shop.example`` read as a documentation domain beside the sentence saying those are refused."""
    found = re.search(r'ordergram apikey callback "web shop" (\S+?)`', _readme())
    assert found is not None
    url = found.group(1)
    assert check_url(url) == url
    assert (urlsplit(url).hostname or "").endswith(".test"), url  # RFC 2606's name for what is not real
