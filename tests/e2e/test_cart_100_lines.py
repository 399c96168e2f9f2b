"""A cart of 100 lines, as many as an API order (a business customer's restock typed with /add):
the /cart screen a page of lines at a time, the review within a message, every line ordered."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from domain.orders import MAX_ORDER_LINES
from sandbox import SandboxUser
from sandbox.server import BotMessage
from storage import models
from tests.e2e.cart_100_lines import SKUS, full_cart, price, stocked
from tests.e2e.conftest import hire
from tests.e2e.journeys import checkout_to_payment, count, line_quantities, order_code

WORDS = {
    "en": {
        "full": "Your cart already has 100 different products",
        "page": "Page {} of {}",
        "sub": "Subtotal",
        "more": "… and 90 more lines, counted in the totals below.",
    },
    "ru": {
        "full": "В корзине уже 100 разных товаров",
        "page": "Страница {} из {}",
        "sub": "Товары",
        "more": "… и ещё 90 строк, они учтены в итогах ниже.",
    },
}


def minor(text: str) -> int:
    """An amount as shown (£1,234.56 or 1 234,56 £) in pence."""
    return int(re.sub(r"\D", "", text))


def line_totals(screen: BotMessage) -> dict[str, int]:
    """The SKU and the total of each line the screen lists."""
    return {
        found[0]: minor(found[1])
        for found in re.findall(r"^• Wholesale tee (W-\d{3}).* × \d+ — (.+)$", screen.text, re.M)
    }


def data(screen: BotMessage, text: str) -> str:
    """The callback data of the screen's first button marked ``text`` (each names its line after it)."""
    return str(next(b["callback_data"] for b in screen.buttons() if b["text"].split()[0] == text))


def subtotal(screen: BotMessage, word: str) -> int:
    return minor(re.findall(rf"^{word}: (.+)$", screen.text, re.M)[0])


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_cart_holds_as_many_lines_as_an_api_order_shown_a_page_at_a_time_and_ordered_whole(
    shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    bea = await full_cart(shop, language)
    refused = await bea.send(f"/add {SKUS[-1]}")
    assert words["full"] in refused.last.text
    assert await count(shop, models.CartLineRow) == MAX_ORDER_LINES

    screen = (await bea.send("/cart")).last
    seen: dict[str, int] = {}
    for page in range(1, 11):
        assert len(screen.button_texts()) <= 100 and len(screen.text) <= 4096
        assert screen.text.endswith(words["page"].format(page, 10))
        sku = next(text for text in screen.button_texts() if text.startswith("Wholesale tee")).split()[2]
        screen = (await bea.press_data(screen, data(screen, "➕"))).last  # its first line one more, the page redrawn
        assert screen.text.endswith(words["page"].format(page, 10))
        assert any(text.startswith(f"Wholesale tee {sku} ") and text.endswith("×2") for text in screen.button_texts())
        seen |= line_totals(screen)
        if page < 10:
            screen = (await bea.press(screen, "▶")).last
    assert list(seen) == SKUS[:MAX_ORDER_LINES]
    expected = sum(price(i) for i in range(MAX_ORDER_LINES)) + sum(price(i) for i in range(0, MAX_ORDER_LINES, 10))
    assert sum(seen.values()) == subtotal(screen, words["sub"]) == int(expected * 100)
    back = (await bea.press(screen, "◀")).last
    assert back.text.endswith(words["page"].format(9, 10)) and subtotal(back, words["sub"]) == int(expected * 100)

    reply = await checkout_to_payment(bea)
    review = (await bea.press(reply.last, "💵")).last
    assert len(review.text) <= 4096 and any(text.startswith("✅") for text in review.button_texts())
    assert len(line_totals(review)) == 10 and words["more"] in review.text
    placed = await bea.press(review, "✅")
    code = order_code(placed)
    quantities = await line_quantities(shop, code)
    assert len(quantities) == MAX_ORDER_LINES
    assert sum(quantities.values()) == MAX_ORDER_LINES + 10


async def test_a_page_button_from_before_the_cart_changed_says_so_and_shows_the_cart_as_it_is(
    shop: RunningBot,
) -> None:
    await stocked(shop)
    bea = SandboxUser(shop.server, 777, "Bea")
    await bea.send("/start")
    for sku in SKUS[:25]:
        await bea.send(f"/add {sku}")
    old = (await bea.send("/cart")).last
    assert old.text.endswith("Page 1 of 3")
    newer = (await bea.send("/cart")).last
    last = (await bea.press((await bea.press(newer, "▶")).last, "▶")).last
    assert "Lines 21–25 of 25:" in last.text
    for _ in range(5):  # the last page emptied: the page before it is shown
        last = (await bea.press_data(last, data(last, "🗑"))).last
    assert last.text.endswith("Page 2 of 2")
    turned = await bea.press(old, "▶")
    assert turned.callback_answer is not None
    assert turned.callback_answer.get("text") == "Your cart has changed since this message. Here it is as it is now."
    assert turned.last.text.endswith("Page 2 of 2") and "Lines 11–20 of 20:" in turned.last.text


async def test_every_page_of_a_price_list_customer_s_100_long_lines_fits_a_message_with_its_totals(
    shop: RunningBot,
) -> None:
    """Each line of a price list's customer says its price and why under the name (~180 characters
    with a long name; a backorder note adds ~100): a page and its totals stay within 4,096."""
    await stocked(shop)
    manager = await hire(shop, 61, "Max", "manager")
    await manager.send("/pricelist add wholesale GBP category:Tees 5%")
    bea = SandboxUser(shop.server, 777, "Bea", username="bea", language_code="ru")
    await bea.send("/start")
    assert "wholesale" in (await manager.send("/customer @bea group wholesale")).last.text
    for sku in SKUS[:MAX_ORDER_LINES]:
        await bea.send(f"/add {sku}")
    screen = (await bea.send("/cart")).last
    for page in range(1, 11):
        assert len(screen.text) <= 4096 and screen.text.endswith(f"Страница {page} из 10")
        assert "Товары: " in screen.text and len(line_totals(screen)) == screen.text.count(" за шт. · ") == 10
        if page < 10:
            screen = (await bea.press(screen, "▶")).last
    review = (await bea.press((await checkout_to_payment(bea)).last, "💵")).last
    assert len(review.text) <= 4096 and "Итого" in review.text


async def test_a_cart_button_sent_before_carts_had_pages_still_changes_its_line(shop: RunningBot) -> None:
    """➕ of a cart drawn by the release before pages carried no page: across the deploy it
    still adds one, and the cart is redrawn at its first page (it was the only one)."""
    await stocked(shop)
    bea = SandboxUser(shop.server, 777, "Bea")
    await bea.send("/start")
    await bea.send(f"/add {SKUS[0]}")
    screen = (await bea.send("/cart")).last
    paged = data(screen, "➕")
    before_pages = paged.rsplit(":", 1)[0]  # cq:product:expected:quantity:cart, as that release packed it
    assert paged == before_pages + ":0"
    pressed = await bea.press_data(screen, before_pages)
    assert pressed.callback_answer is not None and "out of date" not in str(pressed.callback_answer.get("text"))
    assert any(
        text.startswith(f"Wholesale tee {SKUS[0]} ") and text.endswith("×2") for text in pressed.last.button_texts()
    )
    async with shop.runtime.sessions() as session:
        quantities = (await session.scalars(select(models.CartLineRow.quantity))).all()
    assert list(quantities) == [2]
