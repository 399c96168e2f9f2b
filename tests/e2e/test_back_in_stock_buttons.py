"""A "Notify me" button on a card drawn while a size was sold out, pressed after it came back,
says it is in stock now and redraws the card with "Add to cart", in English and Russian; it
promised a message that would never come and wrote a subscription for an item on the shelf."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.journeys import scalar
from tests.e2e.variants import WORDS as VARIANT_WORDS
from tests.e2e.variants import tshirts

NOTIFY = {
    "en": (
        "🔔 Notify me",
        "Organic cotton T-shirt (XL / Navy) is back in stock now: add it to your cart from its card.",
    ),
    "ru": (
        "🔔 Сообщить",
        "Товар «Organic cotton T-shirt (XL / Navy)» снова в наличии: добавьте его в корзину с карточки.",
    ),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_notify_me_pressed_after_the_size_came_back_says_so_and_offers_the_cart(
    shop: RunningBot, language: str
) -> None:
    press, told = NOTIFY[language]
    await tshirts(shop)
    vera = SandboxUser(shop.server, 998, "Вера", language_code=language)
    card = (await vera.send("/start p_TEE-XL-NVY")).last
    assert any(press in b for b in card.button_texts())
    manager = await hire(shop, 96, "Max", "manager")
    await manager.send("/receive TEE-XL-NVY 5 LON")
    pressed = await vera.press(card, press)
    assert pressed.callback_answer == {"text": told, "show_alert": True}
    assert VARIANT_WORDS[language]["add"] in card.button_texts()
    assert await scalar(shop, select(func.count()).select_from(m.StockSubscriptionRow)) == 0
