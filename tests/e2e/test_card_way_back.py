"""A product card opened from a category page keeps its way back to that page (the category and
the page) through every cart press and option pick, in English and Russian."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from sandbox.server import BotMessage
from tests.e2e.variants import tshirts

WORDS = {
    "en": {"add": "🛒 Add to cart", "back": "⬅ Back to the list", "next": "Next ▶", "in_cart": "🛒 {n} in cart"}
    | {"page": "Page {n} of {of}", "kitchen": "Kitchen", "jam": "Jam Making Set Printed"},
    "ru": {"add": "🛒 В корзину", "back": "⬅ К списку", "next": "Далее ▶", "in_cart": "🛒 {n} в корзине"}
    | {"page": "Страница {n} из {of}", "kitchen": "Кухня", "jam": "Набор для варенья с рисунком"},
}


async def open_from_category(user: SandboxUser, category: str, product: str, words: dict[str, str]) -> BotMessage:
    """The card of ``product``, reached through the catalog's ``category``, turning its pages."""
    page = (await user.press((await user.send("/catalog")).last, category)).last
    while not any(text.startswith(product) for text in page.button_texts()):
        page = (await user.press(page, words["next"])).last
    name = next(text for text in page.button_texts() if text.startswith(product))
    return (await user.press(page, name)).last


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_card_keeps_its_way_back_to_its_category_page_through_cart_presses(
    running: RunningBot, language: str
) -> None:
    words = WORDS[language]
    user = SandboxUser(running.server, 540 + len(language), "Alice", language_code=language)
    card = await open_from_category(user, words["kitchen"], words["jam"], words)
    assert card.button_texts()[-2:] == [words["add"], words["back"]]
    card = (await user.press(card, words["add"])).last
    assert card.button_texts() == ["➖", words["in_cart"].format(n=1), "➕", words["back"]]
    card = (await user.press(card, "➕")).last
    assert card.button_texts() == ["➖", words["in_cart"].format(n=2), "➕", words["back"]]
    card = (await user.press(card, "➖")).last
    card = (await user.press(card, "➖")).last
    assert card.button_texts()[-2:] == [words["add"], words["back"]]
    back = (await user.press(card, words["back"])).last
    assert words["kitchen"] in back.text and words["page"].format(n=1, of=2) in back.text
    assert any(text.startswith(words["jam"]) for text in back.button_texts())


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_card_from_a_second_page_goes_back_to_that_page_after_a_cart_press(
    running: RunningBot, language: str
) -> None:
    words = WORDS[language]
    user = SandboxUser(running.server, 560 + len(language), "Alice", language_code=language)
    first = (await user.press((await user.send("/catalog")).last, words["kitchen"])).last
    second = (await user.press(first, words["next"])).last
    name = second.button_texts()[0]
    card = (await user.press(second, name)).last
    card = (await user.press(card, words["add"])).last
    assert card.button_texts()[-1] == words["back"]
    back = (await user.press(card, words["back"])).last
    assert words["page"].format(n=2, of=2) in back.text and back.button_texts()[0] == name


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_variant_card_keeps_its_way_back_through_option_picks_and_cart_presses(
    shop: RunningBot, language: str
) -> None:
    await tshirts(shop)
    words = WORDS[language]
    user = SandboxUser(shop.server, 550 + len(language), "Tess", language_code=language)
    card = await open_from_category(user, "Clothing", "Organic cotton T-shirt", words)
    assert card.button_texts()[-1] == words["back"]
    card = (await user.press(card, "Navy")).last
    card = (await user.press(card, words["add"])).last
    assert words["in_cart"].format(n=1) in card.button_texts() and card.button_texts()[-1] == words["back"]
    card = (await user.press(card, "M")).last  # another variant: its own cart line, the way back kept
    assert card.button_texts()[-2:] == [words["add"], words["back"]]
    card = (await user.press(card, words["add"])).last
    assert card.button_texts()[-1] == words["back"]
    back = (await user.press(card, words["back"])).last
    assert "Clothing" in back.text and any(text.startswith("Organic cotton T-shirt") for text in back.button_texts())
