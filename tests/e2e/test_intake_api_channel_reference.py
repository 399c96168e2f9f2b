"""The order number a web shop sends with an order (WEB-1001) was offered to its customer in Telegram as their "PO
number" to change: it is the channel's, shown as its order number there and changed neither in chat nor in the Mini
App, nor by staff (en and ru); the channel's callbacks still name the order by it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import update

from bot.harness import RunningBot
from handlers.callbacks import PoEditCb
from handlers.views.markup import packed
from sandbox import SandboxUser
from storage.models import OrderHistoryRow
from tests.e2e.conftest import ADMIN
from tests.e2e.intake_api import ALICE, card_shop, place, web_shop
from tests.e2e.miniapp import miniapp, tma
from tests.fakes import FakeClock

SHOWN = {"en": "Order number at web shop: WEB-1001", "ru": "Номер заказа в web shop: WEB-1001"}
UNNAMED = {"en": "Order number at the sales channel: WEB-1001", "ru": "Номер заказа в канале продаж: WEB-1001"}
UNNAMED_REFUSED = {
    "en": "Order {code} came from a sales channel: WEB-1001 is its order number there, not your PO number, so it "
    "cannot be changed.",
    "ru": "Заказ {code} пришёл из канала продаж: WEB-1001 — его номер там, а не номер вашего заказа (PO), поэтому его "
    "нельзя изменить.",
}
UNNAMED_KEPT = {
    "en": "Order {code} came from a sales channel: WEB-1001 is its order number there, which its status updates name "
    "the order by, so it is not changed here.",
    "ru": "Заказ {code} пришёл из канала продаж: WEB-1001 — его номер там, по нему канал узнаёт заказ в обновлениях "
    "статуса, поэтому здесь он не меняется.",
}
CUSTOMERS = {"en": "Customer's reference", "ru": "Номер заказа покупателя"}
YOURS = {"en": "Your reference", "ru": "Ваш номер заказа"}
REFUSED = {
    "en": "Order {code} came from web shop: WEB-1001 is its order number there, not your PO number, so it cannot be "
    "changed.",
    "ru": "Заказ {code} пришёл из web shop: WEB-1001 — его номер там, а не номер вашего заказа (PO), поэтому его нельзя"
    " изменить.",
}
KEPT = {
    "en": "Order {code} came from web shop: WEB-1001 is its order number there, which its status updates name the order"
    " by, so it is not changed here.",
    "ru": "Заказ {code} пришёл из web shop: WEB-1001 — его номер там, по нему web shop узнаёт заказ в обновлениях"
    " статуса, поэтому здесь он не меняется.",
}


@pytest.fixture(params=["en", "ru"])
async def shop(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    async with card_shop(tmp_path, clock, request.param) as bot:
        yield bot


async def test_a_channels_reference_is_shown_as_its_order_number_and_not_offered_as_a_po_number(
    shop: RunningBot,
) -> None:
    language = shop.runtime.settings.default_locale
    alice = SandboxUser(shop.server, 1001, "Alice", language_code=language)
    await alice.send("/start")
    async with web_shop(shop) as client:
        code = (await place(client, "ref-1", customer=ALICE))["code"]
    await shop.runtime.notifier.drain()

    screen = (await alice.send(f"/track {code}")).last
    assert SHOWN[language] in screen.text and YOURS[language] not in screen.text, screen.text
    assert not [text for text in screen.button_texts() if "PO" in text], screen.button_texts()

    headers = tma(shop, 1001, language=language)
    path = f"/app/api/shop/orders/{code}"
    async with miniapp(shop) as app:
        order: dict[str, Any] = await (await app.get(path, headers=headers)).json()
        assert not order["po_editable"] and order["po_title"] == SHOWN[language].split(":")[0], order
        refused = await app.post(f"{path}/po", json={"po_number": "PO-1"}, headers=headers)
        assert refused.status == 422 and (await refused.json())["detail"] == REFUSED[language].format(code=code)
        order = await (await app.get(path, headers=headers)).json()
    assert order["po_number"] == "WEB-1001"


async def test_staff_read_a_channels_reference_as_its_order_number_and_are_not_offered_to_change_it(
    shop: RunningBot,
) -> None:
    language = shop.runtime.settings.default_locale
    async with web_shop(shop) as client:
        code = (await place(client, "ref-2"))["code"]
        await _staff_read_it(shop, client, code, language)


async def _staff_read_it(shop: RunningBot, client: TestClient[Any, Any], code: str, language: str) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada", language_code=language)
    shown = (await admin.send(f"/order {code}")).last
    assert SHOWN[language] in shown.text and CUSTOMERS[language] not in shown.text, shown.text
    assert not [text for text in shown.button_texts() if "PO" in text], shown.button_texts()
    # A button drawn before (or data sent by hand) is refused when the number comes: the channel keeps its number.
    await admin.press_data(shown, packed(PoEditCb, code, 1), label="🧾")
    refused = (await admin.send("PO-9")).last.text
    assert refused == KEPT[language].format(code=code), refused
    assert (await (await client.get(f"/api/v1/orders/{code}")).json())["reference"] == "WEB-1001"


async def test_staff_read_a_customer_the_channel_sent_with_no_telegram_id_without_a_none(shop: RunningBot) -> None:
    """Wendy ordered at the web shop and never used the bot: /order, /customer and /top named her, then "None" for
    her Telegram id."""
    async with web_shop(shop) as client:
        code = (await place(client, "ref-3"))["code"]
    admin = SandboxUser(shop.server, ADMIN, "Ada", language_code=shop.runtime.settings.default_locale)
    line = next(x for x in (await admin.send(f"/order {code}")).last.text.splitlines() if "Wendy Web" in x)
    assert "None" not in line and line.endswith("Wendy Web · +447700900123"), line
    for command in ("/customer wendy@example.com", "/top"):  # her profile, and the most valuable customers
        line = next(x for x in (await admin.send(command)).last.text.splitlines() if "Wendy Web" in x)
        assert "None" not in line, (command, line)


async def test_a_channels_reference_without_the_channels_name_is_shown_as_the_sales_channels_number(
    shop: RunningBot,
) -> None:
    """An API order whose history names no key ("api:…") has no channel's name: its number was shown "Order number
    at : WEB-1001"; it is the sales channel's, in the chat and the Mini App."""
    language = shop.runtime.settings.default_locale
    alice = SandboxUser(shop.server, 1001, "Alice", language_code=language)
    await alice.send("/start")
    async with web_shop(shop) as client:
        code = (await place(client, "ref-3", customer=ALICE))["code"]
    async with shop.runtime.sessions() as session, session.begin():
        await session.execute(update(OrderHistoryRow).where(OrderHistoryRow.actor.like("api:%")).values(actor="system"))
    await shop.runtime.notifier.drain()

    screen = (await alice.send(f"/track {code}")).last
    assert UNNAMED[language] in screen.text, screen.text
    async with miniapp(shop) as app:
        headers = tma(shop, 1001, language=language)
        order: dict[str, Any] = await (await app.get(f"/app/api/shop/orders/{code}", headers=headers)).json()
        refused = await app.post(f"/app/api/shop/orders/{code}/po", json={"po_number": "PO-1"}, headers=headers)
        assert refused.status == 422 and (await refused.json())["detail"] == UNNAMED_REFUSED[language].format(code=code)
    assert order["po_title"] == UNNAMED[language].split(":")[0] and not order["po_editable"], order
    admin = SandboxUser(shop.server, ADMIN, "Ada", language_code=language)
    shown = (await admin.send(f"/order {code}")).last
    assert UNNAMED[language] in shown.text, shown.text
    await admin.press_data(shown, packed(PoEditCb, code, 1), label="🧾")  # a button drawn before
    assert (await admin.send("PO-9")).last.text == UNNAMED_KEPT[language].format(code=code)
