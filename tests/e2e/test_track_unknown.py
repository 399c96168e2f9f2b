"""/track or /receipt with a code that is none of the customer's orders says so and offers their recent orders'
buttons and /orders, so the right code is a tap away (/receipt said a bare "Nothing was found."); with no orders it
says there are none (en/ru)."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.journeys import order

WORDS = {
    "en": ("There is no order <code>NOPE-&lt;b&gt;</code> among yours.", "/orders", "You have no orders yet."),
    "ru": ("Заказа <code>NOPE-&lt;b&gt;</code> среди ваших нет.", "/orders", "У вас пока нет заказов."),
}

TITLE = {"en": "Order", "ru": "Заказ"}


@pytest.mark.parametrize("command", ["/track", "/receipt"])
@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_unknown_code_offers_the_customers_recent_orders(
    shop: RunningBot, language: str, command: str
) -> None:
    unknown, orders, _ = WORDS[language]
    code = await order(shop, 5401, {"85123A": 1})
    customer = SandboxUser(shop.server, 5401, "Vera", language_code=language)
    told = (await customer.send(f"{command} NOPE-<b>")).last
    assert unknown in (told.html or ""), told.html
    assert orders in told.text, told.text
    assert [b for b in told.button_texts() if code in b], told.button_texts()
    await customer.press(told, code)  # the recent order's button opens it, in place
    opened = shop.server.chat_messages(5401)[-1]
    assert opened.message_id == told.message_id and opened.text.startswith(f"{TITLE[language]} {code}"), opened.text


@pytest.mark.parametrize("command", ["/track", "/receipt"])
@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_unknown_code_of_a_customer_without_orders_says_there_are_none(
    shop: RunningBot, language: str, command: str
) -> None:
    unknown, _, none = WORDS[language]
    customer = SandboxUser(shop.server, 5402, "Gleb", language_code=language)
    told = (await customer.send(f"{command} NOPE-<b>")).last
    assert unknown in (told.html or "") and none in told.text, told.html
    assert told.button_texts() == []
