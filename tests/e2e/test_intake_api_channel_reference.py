"""The order number a web shop sends with an order (WEB-1001) was offered to its customer in Telegram as their "PO
number" to change: it is the channel's, shown as its order number there and changed neither in chat nor in the Mini
App (en and ru); the channel's callbacks still name the order by it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.intake_api import ALICE, card_shop, place, web_shop
from tests.e2e.miniapp import miniapp, tma
from tests.fakes import FakeClock

SHOWN = {"en": "Order number at web shop: WEB-1001", "ru": "Номер заказа в web shop: WEB-1001"}
YOURS = {"en": "Your reference", "ru": "Ваш номер заказа"}
REFUSED = {
    "en": "Order {code} came from web shop: WEB-1001 is its order number there, not your PO number, so it cannot be "
    "changed.",
    "ru": "Заказ {code} пришёл из web shop: WEB-1001 — его номер там, а не номер вашего заказа (PO), поэтому его нельзя"
    " изменить.",
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
