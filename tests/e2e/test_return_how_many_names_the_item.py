"""A return's "How many?" names the item it asks about, in English and Russian: the question replaces the list's
words in place, above all of its buttons, so a bare "How many?" left the customer guessing which item it meant. The
name is as the line was sold (a variant with its options), escaped and shortened with its options kept."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from sandbox import SandboxUser
from tests.e2e.returns import LIST_WORDS, delivered, press_line, three_lines_listed

ASKED = {
    "en": "How many of 84879 Assorted Colour Bird Ornament? Send a number from 1 to 3.",
    "ru": "Сколько вернуть: 84879 Декоративная птичка, цвета в ассортименте? Пришлите число от 1 до 3.",
}
# A name someone typed into the products file: markup-like, and longer than a sentence has room for.
MUGS = (
    "sku,name,category,price,currency,parent,options\n"
    "MUG,Mug <b>bold</b> & stoneware with a glaze that was named at great length by its maker for the shop,"
    "Kitchen,5.00,GBP,,Size=L;Colour=Red\n"
)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_how_many_names_the_item_it_asks_about(shop: RunningBot, language: str) -> None:
    nina, listed = await three_lines_listed(shop, 606, language)
    await nina.press(listed, LIST_WORDS[language]["birds"])
    assert listed.text == ASKED[language]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_how_many_names_a_variant_with_its_options_escaped_and_shortened(shop: RunningBot, language: str) -> None:
    runtime = shop.runtime
    await import_products(runtime.uow(), runtime.clock, MUGS)
    await import_stock(runtime.uow(), runtime.clock, "sku,warehouse,bin,quantity\nMUG,LON,A-07-01-1,5\n")
    code = await delivered(shop, 607, {"MUG": 2})
    customer = SandboxUser(shop.server, 607, "Ola", language_code=language)
    lines = await customer.send(f"/return {code}")
    asked = (await press_line(shop, customer, lines.last, code, "MUG")).last
    assert "Mug <b>bold</b> & stoneware" in asked.text  # as typed, not taken for markup
    assert "… (L / Red)?" in asked.text  # cut, its options kept
    assert len(asked.text) < 200 and asked.text.endswith(("from 1 to 2.", "от 1 до 2."))
