"""API_AUTH_FAILURE_LIMIT: an address sending wrong API keys is refused (429, Retry-After)
before any key it sends is checked, so keys cannot be guessed or enumerated; other addresses,
and the address's own right requests before it, go on."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings
from bot.harness import RunningBot
from bot.metrics import API_AUTH_REFUSED
from domain.apikeys import Scope
from domain.usecases.api_keys import create_api_key
from tests.e2e.intake_api_rate_limit import client_of

STOCK = "/api/v1/stock?sku=85123A"
WRONG = {"Authorization": "Bearer og_abcdefgh_not-the-secret"}


async def right_key(shop: RunningBot) -> dict[str, str]:
    token, _ = await create_api_key(
        shop.runtime.uow(), shop.runtime.clock, name="till", scopes=frozenset({Scope.STOCK_READ}), carriers=frozenset()
    )
    return {"Authorization": f"Bearer {token}"}


def _from(address: str, headers: dict[str, str]) -> dict[str, str]:
    return {**headers, "X-Forwarded-For": address}


def _refusals(answer: str) -> float:
    return float(API_AUTH_REFUSED.labels(answer)._value.get())


async def test_an_address_guessing_keys_is_refused_before_its_keys_are_checked(shop: RunningBot) -> None:
    good = await right_key(shop)
    before = _refusals("429")
    async with client_of(shop, api_auth_failure_limit="3/minute") as client:
        statuses = [(await client.get(STOCK, headers=WRONG)).status for _ in range(3)]
        assert statuses == [401] * 3
        refused = await client.get(STOCK, headers=WRONG)
        assert refused.status == 429 and refused.content_type == "application/problem+json"
        retry_after = int(refused.headers["Retry-After"])
        assert 1 <= retry_after <= 60
        problem = await refused.json()
        assert problem["title"] == "Too many failed API key attempts" and problem["retry_after"] == retry_after
        assert "3 requests a minute" in problem["detail"]
        # Even the right key is not checked from there: a guess that hits would not be told.
        assert (await client.get(STOCK, headers=good)).status == 429
    assert _refusals("429") == before + 2


async def test_right_keys_never_count_towards_the_failures(shop: RunningBot) -> None:
    good = await right_key(shop)
    async with client_of(shop, api_auth_failure_limit="3/minute") as client:
        assert {(await client.get(STOCK, headers=good)).status for _ in range(10)} == {200}
        assert [(await client.get(STOCK, headers=WRONG)).status for _ in range(4)] == [401] * 3 + [429]


async def test_behind_the_proxy_each_client_address_is_counted_apart(shop: RunningBot) -> None:
    """The test client connects from 127.0.0.1, a trusted proxy by default: nginx's
    X-Forwarded-For names the client (its last address, the one nginx appended)."""
    good = await right_key(shop)
    async with client_of(shop, api_auth_failure_limit="2/minute") as client:
        guesser = "198.51.100.7"
        for _ in range(2):
            assert (await client.get(STOCK, headers=_from(guesser, WRONG))).status == 401
        assert (await client.get(STOCK, headers=_from(guesser, good))).status == 429
        # A guesser cannot dodge the count by writing its own X-Forwarded-For before nginx's.
        assert (await client.get(STOCK, headers=_from(f"10.9.9.9, {guesser}", WRONG))).status == 429
        # The shop's channels at other addresses are not held back by it.
        assert (await client.get(STOCK, headers=_from("203.0.113.5", good))).status == 200
        assert (await client.get(STOCK, headers=_from("203.0.113.5", WRONG))).status == 401


async def test_a_client_not_behind_a_trusted_proxy_cannot_choose_its_address(shop: RunningBot) -> None:
    async with client_of(shop, api_auth_failure_limit="2/minute", trusted_proxies="") as client:
        statuses = [(await client.get(STOCK, headers=_from(f"198.51.100.{n}", WRONG))).status for n in range(4)]
    assert statuses == [401, 401, 429, 429]


async def test_with_no_limit_set_to_0_wrong_keys_are_always_answered_401(shop: RunningBot) -> None:
    async with client_of(shop, api_auth_failure_limit="0") as client:
        assert {(await client.get(STOCK, headers=WRONG)).status for _ in range(30)} == {401}


def test_the_default_failure_limit_is_ten_a_minute() -> None:
    assert load_settings().api_auth_failure_limit == "10/minute;100/hour"


@pytest.mark.parametrize("value", ["10.0.0.0/33", "proxy", "127.0.0.1,x"])
def test_a_trusted_proxy_that_is_no_address_stops_start_up_naming_the_variable(value: str) -> None:
    with pytest.raises(ConfigError, match=r"^TRUSTED_PROXIES: "):
        load_settings(trusted_proxies=value)


async def test_an_ipv6_guesser_is_counted_by_its_64_network_not_by_each_address(shop: RunningBot) -> None:
    """One IPv6 subscriber holds a /64 (2^64 addresses): counted per address, it could send
    every guess from a fresh one."""
    async with client_of(shop, api_auth_failure_limit="2/minute") as client:
        statuses = [(await client.get(STOCK, headers=_from(f"2001:db8:1:2::{n:x}", WRONG))).status for n in range(1, 4)]
        assert statuses == [401, 401, 429]
        assert (await client.get(STOCK, headers=_from("2001:db8:1:3::1", WRONG))).status == 401  # another /64
