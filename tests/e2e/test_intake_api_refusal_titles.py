"""An intake API refusal is titled by what is wrong: an Idempotency-Key sent too long is invalid (not
"required"), and a body over the limit names the body, as every problem about a field does."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from bot.api_body import MAX_IDEMPOTENCY_KEY
from tests.e2e.intake_api import ORDER


async def test_an_over_long_idempotency_key_is_invalid_and_says_its_limit(
    api: tuple[TestClient[Any, Any], dict[str, str]],
) -> None:
    client, auth = api
    long = "k" * (MAX_IDEMPOTENCY_KEY + 1)
    answer = await client.post("/api/v1/orders", json=ORDER, headers={**auth, "Idempotency-Key": long})
    body = await answer.json()
    assert (answer.status, body["title"], body["field"]) == (400, "Invalid Idempotency-Key", "Idempotency-Key")
    detail = body["detail"]
    assert f"at most {MAX_IDEMPOTENCY_KEY}" in detail and f"{MAX_IDEMPOTENCY_KEY + 1} characters" in detail
    missing = await client.post("/api/v1/orders", json=ORDER, headers=auth)
    assert (await missing.json())["title"] == "Idempotency-Key required"
    exact = await client.post("/api/v1/orders", json=ORDER, headers={**auth, "Idempotency-Key": long[1:]})
    assert exact.status == 201  # the limit itself is taken


async def test_a_body_over_the_limit_names_the_body(api: tuple[TestClient[Any, Any], dict[str, str]]) -> None:
    client, auth = api
    too_big = await client.post(
        "/api/v1/orders",
        data=b"x" * 300_000,
        headers={**auth, "Idempotency-Key": "big", "Content-Type": "application/json"},
    )
    body = await too_big.json()
    assert (too_big.status, body["title"], body["field"]) == (413, "Body too large", "body")
    assert body["errors"] == [{"field": "body", "detail": body["detail"].removeprefix("body: ")}]
    assert "262144" in body["detail"]  # the limit, in bytes
    assert body["detail"].endswith("exceeded."), body["detail"]  # one full stop, not aiohttp's and another
