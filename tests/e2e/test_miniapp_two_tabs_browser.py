"""The storefront's checkout open in two tabs (or the app and a second window): the order placed in one, the
other's Place order said only "Your cart is empty." over a checkout still showing the goods, its 🛒 still counting
them, and nothing of the order just placed."""

from __future__ import annotations

from typing import Any

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.browser import DARK, browser_page, open_checkout
from tests.e2e.journeys import add_to_cart, count
from tests.e2e.miniapp import init_data, miniapp

pytestmark = pytest.mark.browser

ANN = 561
EMPTIED = {
    "en": "Your cart is empty now: an order placed in the chat or in another window took it. "
    "Your orders are under 📦 My orders.",
    "ru": "Корзина уже пуста: её забрал заказ, оформленный в чате или в другом окне. Ваши заказы — в «📦 Мои заказы».",
}
EMPTY = {"en": "Your cart is empty.", "ru": "Корзина пуста."}


async def at_checkout(page: Any, url: str) -> None:
    """``page`` at the checkout, its phone typed, a pickup and cash chosen."""
    await open_checkout(page, url)
    await page.locator('input[name="phone"]').fill("+44 7911 123456")
    await page.locator('input[name="delivery"][value="pickup"]').check()
    await page.locator('input[name="payment"][value="cod"]').check()


@pytest.mark.parametrize(("language", "theme"), [("en", None), ("ru", DARK)])
async def test_a_checkout_whose_cart_another_tab_ordered_says_so_and_shows_the_empty_cart(
    shop: RunningBot, language: str, theme: dict[str, str] | None
) -> None:
    from playwright.async_api import expect

    await add_to_cart(SandboxUser(shop.server, ANN, "Ann", language_code=language), "23843")
    reader = init_data(shop, ANN, language=language)
    async with (
        miniapp(shop) as client,
        browser_page(f"first-tab-{language}", reader, theme=theme) as first,
        browser_page(f"second-tab-{language}", reader, theme=theme, viewport=(360, 640)) as second,
    ):
        url = str(client.make_url("/app/shop"))
        await at_checkout(first, url)
        await at_checkout(second, url)
        await first.locator("#place-order").click()
        await expect(first.locator(".placed")).to_be_visible()
        await second.locator("#place-order").click()
        await expect(second.locator("#error")).to_have_text(EMPTIED[language])
        await expect(second.locator("form.checkout")).to_have_count(0)  # the cart as it is now
        await expect(second.locator("#view .empty")).to_have_text(EMPTY[language])
        await expect(second.locator("#cart-count")).to_have_text("0")
    assert await count(shop, m.OrderRow) == 1
