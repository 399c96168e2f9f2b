"""With several lines, the cart's ➖/➕/🗑 and the order edit screen's ➕ name the line each
changes (as the edit screen's 🗑 and ➖ do), so no two buttons read alike (en/ru)."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from sandbox.server import BotMessage
from tests.e2e.journeys import add_to_cart, line_quantities, order_code, place_cod_order, sample_name

EDIT = {"en": "✏️ Edit", "ru": "✏️ Изменить"}
PLUSES = {"en": ("➕ Popcorn Holder", "➕ White Hanging…"), "ru": ("➕ Стаканчик для…", "➕ Белый подвесной…")}


def marked(screen: BotMessage, mark: str) -> list[str]:
    return [b["text"] for b in screen.buttons() if b["text"].startswith(mark) and "callback_data" in b]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_each_cart_line_s_buttons_name_their_line(shop: RunningBot, language: str) -> None:
    customer = SandboxUser(shop.server, 5601, "Bea", language_code=language)
    await add_to_cart(customer, "85123A")
    await add_to_cart(customer, "22197")
    cart = (await customer.send("/cart")).last
    for mark in ("➖", "➕", "🗑"):
        named = marked(cart, mark)
        assert len(named) == 2 and len(set(named)) == 2, named
        assert all(len(text) <= 16 for text in named), named  # a quarter of a row: the name cut short
    more = await customer.press(cart, {"en": "➕ White Hangi…", "ru": "➕ Белый подве…"}[language])
    assert f"{sample_name('85123A', language)} × 2" in more.last.text, more.last.text
    assert f"{sample_name('22197', language)} × 1" in more.last.text


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_each_order_line_s_plus_names_its_line(shop: RunningBot, language: str) -> None:
    customer = SandboxUser(shop.server, 5602, "Bea", language_code=language)
    await add_to_cart(customer, "85123A")
    await add_to_cart(customer, "22197")
    code = order_code(await place_cod_order(customer))
    screen = (await customer.press((await customer.send(f"/track {code}")).last, EDIT[language])).last
    popcorn, heart = PLUSES[language]
    pluses = [text for text in marked(screen, "➕") if text in (popcorn, heart)]
    assert sorted(pluses) == sorted([popcorn, heart]), screen.button_texts()
    await customer.press(screen, popcorn)
    assert await line_quantities(shop, code) == {"85123A": 1, "22197": 2}
