"""An exchange's variant buttons name each size and colour in the customer's language, as the product card does: a
Russian customer swapping a white T-shirt was offered «M / White», «S / Navy» under a Russian question, while the card
of those very T-shirts read «Белый», «Синий»."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.journeys import add_to_cart, order_code, place_cod_order
from tests.e2e.returns import deliver, press_line
from tests.e2e.variants import WORDS, exchange, translated_tees

# TEE-M-NVY has no options_ru: it reads as the shop writes it, in both languages.
OFFERED = {
    "en": ["The same again", "M / White", "S / Navy", "M / Navy"],
    "ru": ["Такой же", "M / Белый", "S / Синий", "M / Navy"],
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_exchange_offers_the_other_variants_in_the_customer_s_language(
    shop: RunningBot, language: str
) -> None:
    await translated_tees(shop)
    words = WORDS[language]
    olga = SandboxUser(shop.server, 960, "Olga", language_code=language)
    await add_to_cart(olga, "TEE", 1)
    code = order_code(await place_cod_order(olga))
    await deliver(shop, code)
    await shop.runtime.notifier.drain()
    lines = await olga.press((await olga.send(f"/track {code}")).last, words["exchange"])
    lines = await press_line(shop, olga, lines.last, code, "TEE")
    asked = await olga.press(lines.last, words["continue"])
    assert asked.last.button_texts() == OFFERED[language]


TRACKED = {"en": "• T-shirt (S / White) → S / Navy × 1", "ru": "• Футболка (S / Белый) → S / Синий × 1"}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_order_s_screen_names_the_variant_exchanged_for_in_the_customer_s_language(
    shop: RunningBot, language: str
) -> None:
    """/track of the exchanged order read «Футболка (S / Белый) → S / Navy»: the line in Russian, the size it was
    swapped for as the shop writes it."""
    await translated_tees(shop)
    olga = SandboxUser(shop.server, 961, "Olga", language_code=language)
    await add_to_cart(olga, "TEE", 1)
    code = order_code(await place_cod_order(olga))
    await deliver(shop, code)
    await shop.runtime.notifier.drain()
    await exchange(olga, shop, code, "TEE", OFFERED[language][2], language)
    assert "   " + TRACKED[language] + "\n" in (await olga.send(f"/track {code}")).last.text
