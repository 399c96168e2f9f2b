"""A line's name pressed on an old cart message after that line left the cart says so and shows the cart
as it is now (en and ru): it showed the cart without a word of why the line was not there."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.variants import tshirts

GONE = {"en": "That item is no longer in your cart.", "ru": "Этого товара больше нет в вашей корзине."}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_removed_lines_name_on_an_old_cart_says_it_is_gone_and_shows_the_cart_now(
    shop: RunningBot, language: str
) -> None:
    await tshirts(shop)
    vera = SandboxUser(shop.server, 981, "Вера", language_code=language)
    await vera.send("/add TEE 2")
    await vera.send("/add TEE-M-WHT")
    old = (await vera.send("/cart")).last
    newer = (await vera.send("/cart")).last
    bins = [b["callback_data"] for b in newer.buttons() if b["text"].startswith("🗑")]
    await vera.press_data(newer, bins[1])  # M / White's 🗑, the second line's
    pressed = await vera.press(old, "(M / White) ×1")
    assert pressed.callback_answer is not None
    assert pressed.callback_answer.get("text") == GONE[language]
    now = pressed.last.text
    assert "(S / White)" in now and "(M / White)" not in now, now


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_lines_name_still_in_the_cart_shows_the_cart_without_a_warning(shop: RunningBot, language: str) -> None:
    await tshirts(shop)
    vera = SandboxUser(shop.server, 982, "Вера", language_code=language)
    await vera.send("/add TEE 2")
    cart = (await vera.send("/cart")).last
    pressed = await vera.press(cart, "(S / White) ×2")
    assert pressed.callback_answer is not None
    assert not pressed.callback_answer.get("text")
    assert "(S / White)" in pressed.last.text
