"""API_RATE_LIMIT: a key over its rate is answered 429 with Retry-After and changes nothing,
other keys go on; with Redis several processes count a key's requests together."""

from __future__ import annotations

import uuid

import pytest

from bot.api_context import RATES
from bot.config import ConfigError, load_settings
from bot.harness import RunningBot
from domain.apikeys import Scope
from domain.usecases.api_keys import api_keys, create_api_key
from storage import models as m
from tests.e2e.conftest import stock_row
from tests.e2e.intake_api_rate_limit import client_of

REDIS_URL = "redis://127.0.0.1:6379/15"


async def key(shop: RunningBot, name: str) -> dict[str, str]:
    token, _ = await create_api_key(
        shop.runtime.uow(), shop.runtime.clock, name=name, scopes=frozenset(Scope), carriers=frozenset({"DPD"})
    )
    return {"Authorization": f"Bearer {token}"}


RECEIPT = {"sku": "85123A", "warehouse": "LON", "quantity": 1, "reason": "till"}


async def test_a_key_over_its_rate_gets_429_with_retry_after_and_its_request_changes_nothing(shop: RunningBot) -> None:
    till, web = await key(shop, "till"), await key(shop, "web shop")
    (before,) = await stock_row(shop, "85123A", "LON", m.StockRow.on_hand)
    async with client_of(shop, api_rate_limit="3/minute") as client:
        for _ in range(3):
            assert (await client.post("/api/v1/stock/receipts", json=RECEIPT, headers=till)).status == 201
        refused = await client.post("/api/v1/stock/receipts", json=RECEIPT, headers=till)
        assert refused.status == 429 and refused.content_type == "application/problem+json"
        retry_after = int(refused.headers["Retry-After"])
        assert 1 <= retry_after <= 60
        problem = await refused.json()
        assert problem["title"] == "Too many requests" and problem["retry_after"] == retry_after
        assert "3 requests a minute" in problem["detail"]
        # Another channel is not held back by this one's flood.
        assert (await client.get("/api/v1/stock?sku=85123A", headers=web)).status == 200
    (after,) = await stock_row(shop, "85123A", "LON", m.StockRow.on_hand)
    assert after == before + 3  # the refused receipt counted nothing


async def test_with_no_limit_set_to_0_a_key_is_never_refused(shop: RunningBot) -> None:
    till = await key(shop, "till")
    async with client_of(shop, api_rate_limit="0") as client:
        statuses = {(await client.get("/api/v1/stock?sku=85123A", headers=till)).status for _ in range(40)}
    assert statuses == {200}


async def test_the_default_limit_lets_a_burst_of_30_through_and_refuses_the_31st(shop: RunningBot) -> None:
    till = await key(shop, "till")
    assert load_settings().api_rate_limit == "30/second;600/minute"
    async with client_of(shop, api_rate_limit="30/second;600/minute") as client:
        statuses = [(await client.get("/api/v1/stock?sku=85123A", headers=till)).status for _ in range(31)]
    # On a machine slow enough to spread 31 requests over a second the 31st may pass: never fewer.
    assert statuses[:30] == [200] * 30 and statuses[30] in (200, 429)


async def test_with_redis_two_processes_count_a_keys_requests_together(shop: RunningBot) -> None:
    redis = pytest.importorskip("redis.asyncio")
    connection = redis.from_url(REDIS_URL)
    try:
        await connection.ping()
    except Exception:  # noqa: BLE001 - no Redis on this machine
        pytest.skip("no Redis at 127.0.0.1:6379")
    finally:
        await connection.aclose()
    till = await key(shop, "till")
    # A bot id of its own: a run of this test never counts the requests of another run.
    token = f"{uuid.uuid4().int % 10**9}:TEST"
    settings = {"api_rate_limit": "4/minute", "redis_url": REDIS_URL, "bot_token": token}
    async with client_of(shop, **settings) as first, client_of(shop, **settings) as second:
        statuses = [(await client.get("/api/v1/stock?sku=85123A", headers=till)).status for client in (first, second)]
        statuses += [(await client.get("/api/v1/stock?sku=85123A", headers=till)).status for client in (first, second)]
        assert statuses == [200] * 4
        assert (await second.get("/api/v1/stock?sku=85123A", headers=till)).status == 429
        assert (await first.get("/api/v1/stock?sku=85123A", headers=till)).status == 429


async def test_with_redis_unreachable_requests_go_through(shop: RunningBot) -> None:
    till = await key(shop, "till")
    async with client_of(shop, api_rate_limit="1/minute", redis_url="redis://127.0.0.1:1/0") as client:
        statuses = {(await client.get("/api/v1/stock?sku=85123A", headers=till)).status for _ in range(3)}
    assert statuses == {200}


@pytest.mark.parametrize("value", ["x", "10/sec", "0/second", "30/second;", "-1/minute"])
def test_a_rate_that_is_no_rate_stops_start_up_naming_the_variable(value: str) -> None:
    with pytest.raises(ConfigError, match=r"^API_RATE_LIMIT: .* is not a rate like 30/second;600/minute"):
        load_settings(api_rate_limit=value)


async def test_a_request_refused_by_one_limit_uses_up_none_of_the_keys_other_limits(shop: RunningBot) -> None:
    """``10/hour;3/minute``: a till that keeps retrying after its third request of the minute is
    refused by the minute's limit each time; those refusals must not fill its hour (before, the hour
    counted them: seven retries and the till was locked out for the hour after only three requests)."""
    till = await key(shop, "till")
    async with client_of(shop, api_rate_limit="10/hour;3/minute") as client:
        statuses = [(await client.get("/api/v1/stock?sku=85123A", headers=till)).status for _ in range(10)]
        assert statuses == [200] * 3 + [429] * 7
        rates = client.app[RATES]
        (key_row,) = await api_keys(shop.runtime.uow())
        hour, minute = rates.items
        assert (await rates.limiter.get_window_stats(hour, str(key_row.id))).remaining == 7
        assert (await rates.limiter.get_window_stats(minute, str(key_row.id))).remaining == 0
