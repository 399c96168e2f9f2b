"""A return's and an exchange's line buttons read plainly in the customer's language (they read «✅ 1 × TOWEL Полотенце…
≤2 · 📦1»): the product's name first with a variant's options, then how many of how many may come back; an SKU only
where two lines read alike; short enough for a phone (en/ru)."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from domain.catalog import Product
from sandbox import SandboxUser
from tests.e2e.journeys import edit_product, name_in_russian
from tests.e2e.returns import delivered
from tests.e2e.variants import tshirts

WORDS = {
    "en": {
        "return": "↩️",
        "exchange": "🔁",
        "tee": "Organic cotton… (M / Navy) · up to 2",
        "heart": "White Hanging Heart T-Light… · up to 1",
        "chosen": "✅ Organic cotton… (M / Navy) · 1 of 2",
        "jar": "Jar · {sku} · up to 1",
    },
    "ru": {
        "return": "↩️",
        "exchange": "🔁",
        "tee": "Organic cotton… (M / Navy) · до 2 шт.",
        "heart": "Подсвечник «Белое сердце» · до 1 шт.",
        "chosen": "✅ Organic cotton… (M / Navy) · 1 из 2",
        "jar": "Банка · {sku} · до 1 шт.",
    },
}
PHONE = 40  # characters a phone shows of a button


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("kind", ["return", "exchange"])
async def test_a_lines_button_names_the_product_and_how_many_of_how_many_come_back(
    shop: RunningBot, language: str, kind: str
) -> None:
    words = WORDS[language]
    await tshirts(shop)
    await name_in_russian(shop, "85123A", "Подсвечник «Белое сердце»")
    code = await delivered(shop, 5601, {"TEE-M-NVY": 2, "85123A": 1})
    customer = SandboxUser(shop.server, 5601, "Alla", language_code=language)
    lines = await customer.press((await customer.send(f"/track {code}")).last, words[kind])
    assert sorted(lines.last.button_texts()[:2]) == sorted([words["tee"], words["heart"]]), lines.last.button_texts()
    await customer.press(lines.last, words["tee"])  # how many of 2?
    chosen = await customer.send("1")
    buttons = chosen.last.button_texts()
    assert words["chosen"] in buttons and words["heart"] in buttons, buttons
    assert all(len(b) <= PHONE and "TEE" not in b and "85123A" not in b for b in buttons), buttons


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_two_lines_that_read_alike_are_told_apart_by_their_sku(shop: RunningBot, language: str) -> None:
    def jar(product: Product) -> None:
        product.name, product.names["ru"] = "Jar", "Банка"

    for sku in ("85123A", "23843"):
        await edit_product(shop, sku, jar)
    code = await delivered(shop, 5602, {"85123A": 1, "23843": 1})
    customer = SandboxUser(shop.server, 5602, "Ilya", language_code=language)
    lines = await customer.press((await customer.send(f"/track {code}")).last, "↩️")
    expected = sorted(WORDS[language]["jar"].format(sku=sku) for sku in ("85123A", "23843"))
    assert sorted(lines.last.button_texts()[:2]) == expected, lines.last.button_texts()
