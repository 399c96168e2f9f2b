"""Set-ups and readers of test_intake_api that other test modules use too."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

import domain.usecases.editing
from bot.api import make_api_app
from bot.harness import RunningBot
from domain.apikeys import Scope
from domain.usecases.api_keys import create_api_key
from handlers.paylinks import invoice_links
from sandbox import SandboxUser
from tests.e2e.conftest import hire, refused_calls, staff_shop
from tests.fakes import FakeClock

ORDER: dict[str, Any] = {
    "customer": {"name": "Wendy Web", "phone": "+44 7700 900123", "email": "wendy@example.com"},
    "lines": [{"sku": "85123A", "quantity": 2}],
    "currency": "GBP",
    "payment": "paid",
    "address": "10 Downing Street, London SW1A 2AA",
    "latitude": 51.5034,
    "longitude": -0.1276,
    "shipping": "3.70",
    "reference": "WEB-1001",
}
ALICE = {"name": "Alice", "telegram_id": 1001, "email": "alice@example.com"}  # a customer who uses the bot too


@asynccontextmanager
async def card_shop(tmp_path: Path, clock: FakeClock, language: str, **settings: Any) -> AsyncIterator[RunningBot]:
    """A staffed shop taking card payments, its staff chat in ``language``; every call accepted."""
    token = "sandbox:provider"
    async with staff_shop(tmp_path, clock, payment_provider_token=token, default_locale=language, **settings) as bot:
        yield bot
        assert refused_calls(bot) == []


@asynccontextmanager
async def web_shop(shop: RunningBot) -> AsyncIterator[TestClient[Any, Any]]:
    """The intake API as a channel named "web shop" calls it."""
    runtime = shop.runtime
    token, _ = await create_api_key(runtime.uow(), runtime.clock, name="web shop", scopes=frozenset({Scope.ORDERS}))
    links = invoice_links(runtime.bot, runtime.i18n, "sandbox:provider")
    app = make_api_app(runtime.sessions, runtime.settings, runtime.clock, links)
    async with TestClient(TestServer(app), headers={"Authorization": f"Bearer {token}"}) as api:
        yield api


async def place(client: TestClient[Any, Any], key: str, **changes: Any) -> dict[str, Any]:
    """An order the channel sends (``ORDER`` with ``changes``), placed."""
    answer = await client.post("/api/v1/orders", json={**ORDER, **changes}, headers={"Idempotency-Key": key})
    body: dict[str, Any] = await answer.json()
    assert answer.status == 201, body
    return body


async def placed_for_alice(shop: RunningBot, key: str, **changes: Any) -> tuple[SandboxUser, str]:
    """Alice, who uses the bot in the shop's language, and the order the web shop placed for her and paid (``ORDER``
    with ``changes``): its code."""
    alice = SandboxUser(shop.server, 1001, "Alice", language_code=shop.runtime.settings.default_locale)
    await alice.send("/start")
    async with web_shop(shop) as client:
        code = (await place(client, key, customer=ALICE, **changes))["code"]
    return alice, str(code)


async def raised_before_the_rule(shop: RunningBot, monkeypatch: pytest.MonkeyPatch, code: str) -> None:
    """Order ``code``, paid at the web shop, raised by £3.45 (85123A 2 → 3) by a manager as before such edits were
    refused: money left to pay that only the web shop takes."""
    manager = await hire(shop, 745, "Mo", "manager", language=shop.runtime.settings.default_locale)
    with monkeypatch.context() as before_the_rule:
        before_the_rule.setattr(domain.usecases.editing, "check_channel_paid", lambda *a, **k: None)
        await manager.send(f"/edit {code} 85123A 3")
    await shop.runtime.notifier.drain()
