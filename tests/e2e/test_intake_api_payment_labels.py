"""What staff and customers read of an order another channel sent: paid there (not "card, paid in
Telegram": there is no Telegram charge to refund) in chat, on receipts and in the Mini App, and a cancel
through the API said to the customer as the shop's; in English and Russian."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.conftest import ADMIN
from tests.e2e.intake_api import card_shop, place, web_shop
from tests.e2e.journeys import pdf_text
from tests.e2e.miniapp import miniapp, tma
from tests.fakes import FakeClock

STAFF_CHAT = -100500
PAID_AT = {"en": "paid at web shop (WEB-1001)", "ru": "оплачен в web shop (WEB-1001)"}
TELEGRAM_CARD = {"en": "card, paid in Telegram", "ru": "картой через Telegram"}


@pytest.fixture(params=["en", "ru"])
async def shop(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    """A staffed shop taking card payments, its staff chat in the language of the test."""
    async with card_shop(tmp_path, clock, request.param) as bot:
        yield bot


@pytest.fixture
async def client(shop: RunningBot) -> AsyncIterator[TestClient[Any, Any]]:
    async with web_shop(shop) as api:
        yield api


def _language(shop: RunningBot) -> str:
    return shop.runtime.settings.default_locale


async def test_an_order_paid_at_the_channel_is_said_paid_there_wherever_staff_read_it(
    shop: RunningBot, client: TestClient[Any, Any]
) -> None:
    language = _language(shop)
    placed = await place(client, "paid-1")
    code = placed["code"]
    assert placed["payment"] == "paid"  # the request's own word: not "card", which sent staff to Telegram
    assert (await (await client.get(f"/api/v1/orders/{code}")).json())["payment"] == "paid"
    await shop.runtime.notifier.drain()
    told = next(x.text for x in shop.server.chat_messages(STAFF_CHAT) if code in x.text)
    assert PAID_AT[language] in told and TELEGRAM_CARD[language] not in told

    admin = SandboxUser(shop.server, ADMIN, "Ada", language_code=language)
    shown = (await admin.send(f"/order {code}")).last.text
    assert PAID_AT[language] in shown and TELEGRAM_CARD[language] not in shown
    async with miniapp(shop) as app:  # the dashboard's order, as /order says it
        answer = await app.get(f"/app/api/dashboard/orders/{code}", headers=tma(shop, ADMIN, language=language))
        assert answer.status == 200 and (await answer.json())["payment"] == PAID_AT[language]

    # Money owed back on it is refunded where it was paid: nothing points at a Telegram charge.
    refund = (await admin.send(f"/refund {code} 1.00 scuffed box")).last.text
    where = {"en": "paid at web shop: refund it there", "ru": "оплачен в web shop: верните деньги там"}
    assert where[language] in refund
    owed = (await admin.send("/refunds")).last.text
    there = {"en": "at web shop, where it was paid", "ru": "в web shop, где он оплачен"}
    assert code in owed and there[language] in owed


async def test_an_order_sent_with_a_payment_link_is_a_card_order_in_telegram(
    shop: RunningBot, client: TestClient[Any, Any]
) -> None:
    language = _language(shop)
    placed = await place(client, "link-1", payment="link", reference="WEB-1002")
    assert placed["payment"] == "card" and placed["payment_link"]
    admin = SandboxUser(shop.server, ADMIN, "Ada", language_code=language)
    shown = (await admin.send(f"/order {placed['code']}")).last.text
    assert TELEGRAM_CARD[language] in shown and PAID_AT[language].split(" (")[0] not in shown


async def test_a_cancel_through_the_api_is_the_shops_to_the_customer_and_the_keys_to_staff(
    shop: RunningBot, client: TestClient[Any, Any]
) -> None:
    language = _language(shop)
    alice = SandboxUser(shop.server, 1001, "Alice", language_code=language)
    await alice.send("/start")
    customer = {"name": "Alice", "telegram_id": 1001, "email": "alice@example.com"}
    code = (await place(client, "cancel-1", customer=customer))["code"]
    assert (await client.post(f"/api/v1/orders/{code}/cancel")).status == 200
    await shop.runtime.notifier.drain()
    said = [x.text for x in alice.messages() if x.text.startswith("📦") and code in x.text][-1]
    by_shop = {"en": "by the shop", "ru": "магазином"}
    assert by_shop[language] in said and "API" not in said
    staff = next(x.text for x in reversed(shop.server.chat_messages(STAFF_CHAT)) if code in x.text)
    through = {"en": "through the API (key web shop)", "ru": "через API (ключ web shop)"}
    assert through[language] in staff


async def test_the_customer_reads_where_they_paid_on_track_the_receipt_and_the_mini_app(
    shop: RunningBot, client: TestClient[Any, Any]
) -> None:
    language = _language(shop)
    alice = SandboxUser(shop.server, 1001, "Alice", language_code=language)
    await alice.send("/start")
    customer = {"name": "Alice", "telegram_id": 1001, "email": "alice@example.com"}
    code = (await place(client, "track-1", customer=customer))["code"]
    await shop.runtime.notifier.drain()  # "your order from web shop is confirmed" first
    screen = (await alice.send(f"/track {code}")).last
    assert PAID_AT[language] in screen.text and TELEGRAM_CARD[language] not in screen.text, screen.text
    receipt = await alice.press(screen, {"en": "🧾 Receipt", "ru": "🧾 Чек"}[language])
    [document] = [x for x in receipt.new if x.kind == "document"]
    assert document.file is not None
    printed = " ".join(pdf_text(document.file.content).split())
    assert PAID_AT[language] in printed and TELEGRAM_CARD[language] not in printed, printed
    async with miniapp(shop) as app:
        answer = await app.get(f"/app/api/shop/orders/{code}", headers=tma(shop, 1001, language=language))
        shown = await answer.json()
    assert answer.status == 200 and shown["payment"] == PAID_AT[language], shown
