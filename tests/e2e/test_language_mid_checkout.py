"""Switching language in the middle of checkout asks the checkout again from its first step in the
new language, the cart kept, in English and Russian; it greeted the customer with the main menu
while the checkout silently went on, so "🛒 Cart" from that menu was refused as a phone number."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.journeys import add_to_cart

SWITCH = {
    # (starts in, switches to the button, then reads)
    "en": (
        "ru",
        "English",
        "Your checkout starts again in this language; your cart is as it was.",
        "Checkout, step 1 of 5.",
        "📱 Share my phone number",
        "Step 2 of 5. How would you like to get your order?",
    ),
    "ru": (
        "en",
        "Русский",
        "Оформление начинается заново на этом языке; корзина осталась как была.",
        "Оформление, шаг 1 из 5.",
        "📱 Отправить мой номер",
        "Шаг 2 из 5. Как вы хотите получить заказ?",
    ),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_language_chosen_mid_checkout_asks_the_checkout_again_in_it(shop: RunningBot, language: str) -> None:
    first, button, told, step_one, share, step_two = SWITCH[language]
    vera = SandboxUser(shop.server, 999, "Вера", language_code=first)
    await add_to_cart(vera, "85123A", 2)
    await vera.send("/checkout")
    await vera.send("+447911123456")  # now at step 2, in the first language
    chosen = await vera.press((await vera.send("/language")).last, button)
    texts = [message.text for message in chosen.new]
    assert texts[0] == told and texts[1].startswith(step_one)
    assert share in chosen.new[1].button_texts()
    going_on = await vera.send("+447911123456")
    assert going_on.last.text == step_two
    async with shop.runtime.sessions() as session:
        assert (await session.execute(select(m.CartLineRow.quantity))).scalars().all() == [2]
