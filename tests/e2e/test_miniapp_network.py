"""The storefront when the network fails, a tap repeats or the page reloads: a lost connection is
said (in the reader's words, legible in the dark theme), "Place order" tapped twice sends one order,
and a checkout reloaded midway comes back as it was left."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.browser import CONTRAST, DARK, browser_page, need_browser
from tests.e2e.conftest import staff_shop
from tests.e2e.journeys import add_to_cart, count
from tests.e2e.miniapp import init_data, miniapp
from tests.fakes import FakeClock

CUSTOMER = 501


@pytest.fixture
async def shop(tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    need_browser()
    async with staff_shop(tmp_path, clock, webapp_url="https://shop.test") as bot:
        yield bot


@pytest.mark.parametrize(
    ("language", "theme", "said"),
    [
        ("en", None, "No connection. Check your network and try again."),
        ("ru", DARK, "Нет связи. Проверьте интернет и попробуйте ещё раз."),
    ],
)
async def test_a_tap_that_cannot_reach_the_shop_says_so_in_the_readers_words_legibly(
    shop: RunningBot, language: str, theme: dict[str, str] | None, said: str
) -> None:
    """ "Add to cart" with the connection lost did nothing at all (the error escaped the page), and a
    checkout that could not be sent said the browser's English "Failed to fetch", in red that Telegram's
    dark theme made hard to read (2.2:1)."""
    from playwright.async_api import expect

    await add_to_cart(SandboxUser(shop.server, CUSTOMER, "Ann"), "23843", 1)
    async with (
        miniapp(shop) as client,
        browser_page("offline", init_data(shop, CUSTOMER, language=language), theme=theme) as page,
    ):
        await page.goto(str(client.make_url("/app/shop")))
        await expect(page.locator("article.card button.add").first).to_be_visible()
        await page.route("**/app/api/shop/**", lambda route: route.abort())
        await page.locator("article.card button.add").first.click()
        error = page.locator("#error")
        await expect(error).to_have_text(said)
        assert await error.evaluate(CONTRAST) >= 4.5
        await page.unroute("**/app/api/shop/**")
        await page.locator("#cart-button").click()
        await page.locator("#to-checkout").click()
        await page.locator('input[name="phone"]').fill("+44 7911 123456")
        await page.locator('input[name="delivery"][value="pickup"]').check()
        await page.route("**/app/api/shop/checkout", lambda route: route.abort())
        await page.locator("#place-order").click()
        await expect(error).to_have_text(said)
        await expect(page.locator("#place-order")).to_be_enabled()  # tapped again once the network is back
        await page.route("**/app/api/me", lambda route: route.abort())
        await page.reload()  # opened with no connection: the page's words never came
        await expect(error).to_have_text("Something went wrong. Reopen the app.")  # said "error"
    assert await count(shop, m.OrderRow) == 0


async def test_place_order_tapped_twice_and_then_the_main_button_sends_one_order(shop: RunningBot) -> None:
    """Each tap sent the order again while the first was on its way (the server's key kept it to
    one order, but a card payment's form opened once per tap)."""
    from playwright.async_api import expect

    await add_to_cart(SandboxUser(shop.server, CUSTOMER, "Ann"), "23843", 1)
    async with miniapp(shop) as client, browser_page("twice", init_data(shop, CUSTOMER)) as page:
        await page.goto(str(client.make_url("/app/shop")))
        await page.locator("#cart-button").click()
        await page.locator("#to-checkout").click()
        await page.locator('input[name="phone"]').fill("+44 7911 123456")
        await page.locator('input[name="delivery"][value="pickup"]').check()
        sent: list[str] = []

        async def slowly(route: Any) -> None:
            sent.append(route.request.method)
            await asyncio.sleep(0.5)
            await route.continue_()

        await page.route("**/app/api/shop/checkout", slowly)
        await page.locator("#place-order").click()
        await page.locator("#place-order").click(force=True)
        await page.evaluate("window.__pressMain()")
        await expect(page.locator(".placed")).to_be_visible()
        assert sent == ["POST"]
    assert await count(shop, m.OrderRow) == 1


async def test_a_checkout_reloaded_midway_reopens_with_what_was_typed_and_chosen(shop: RunningBot) -> None:
    """Telegram's "Reload page" (or the app killed in the background) mid-checkout opened the
    categories: the checkout, the phone typed, the delivery chosen were gone."""
    from playwright.async_api import expect

    await add_to_cart(SandboxUser(shop.server, CUSTOMER, "Ann"), "23843", 1)
    async with miniapp(shop) as client, browser_page("reload", init_data(shop, CUSTOMER)) as page:
        await page.goto(str(client.make_url("/app/shop")))
        await page.locator("#cart-button").click()
        await page.locator("#to-checkout").click()
        await page.locator('input[name="phone"]').fill("+44 7911 123456")
        await page.locator('input[name="delivery"][value="courier"]').check()
        await page.locator('input[name="address"]').fill("1 High Street, Leeds")
        await page.locator('input[name="rate"]').nth(1).check()
        rate = await page.locator('input[name="rate"]').nth(1).get_attribute("value")
        await page.reload()
        await expect(page.locator("#view h2").first).to_have_text("Checkout")
        await expect(page.locator('input[name="phone"]')).to_have_value("+44 7911 123456")
        await expect(page.locator('input[name="address"]')).to_have_value("1 High Street, Leeds")
        await expect(page.locator('input[name="rate"]:checked')).to_have_value(rate or "")
        assert await page.evaluate("window.__telegram.backVisible") is True
        await page.evaluate("window.__pressBack()")  # Back leads to the cart, as before the reload
        await expect(page.locator('li[data-sku="23843"]')).to_be_visible()
        await page.reload()  # left for the cart: the cart comes back, not the checkout
        await expect(page.locator("#view h2").first).to_have_text("Cart")
        await page.locator("#to-checkout").click()
        await expect(page.locator('input[name="phone"]')).to_have_value("+44 7911 123456")  # still typed
        await page.locator('input[name="delivery"][value="pickup"]').check()
        await page.reload()
        await expect(page.locator('input[name="delivery"][value="pickup"]')).to_be_checked()
        await expect(page.locator('input[name="pickup"]:checked')).to_be_visible()  # the point, still chosen
        await page.locator("#place-order").click()
        await expect(page.locator(".placed")).to_be_visible()
        await page.reload()  # the order, said again: not the checkout, not the categories
        await expect(page.locator(".placed")).to_contain_text("placed")
        assert await page.evaluate("window.__telegram.backVisible") is True
        await page.evaluate("window.__pressBack()")  # did nothing: the checkout was gone from Back
        await expect(page.locator("#view h2").first).to_have_text("Categories")
        assert await page.evaluate("window.__telegram.backVisible") is False
    assert await count(shop, m.OrderRow) == 1


async def _cart_posts_held(page: Any) -> list[Any]:
    """The cart's POSTs held half a second each, so a second tap lands while the first is on its
    way; the quantities they asked for, in order, fill the list returned."""
    sent: list[Any] = []

    async def slowly(route: Any) -> None:
        if route.request.method == "POST":
            sent.append(route.request.post_data_json["quantity"])
            await asyncio.sleep(0.5)
        await route.continue_()

    await page.route("**/app/api/shop/cart", slowly)
    return sent


async def test_a_quantity_tapped_again_before_the_cart_is_redrawn_sends_nothing_stale(shop: RunningBot) -> None:
    """A second tap on + before the cart came back sent the quantity the first had already asked
    for: two taps added one, and a refusal could follow for what nobody asked."""
    from playwright.async_api import expect

    await add_to_cart(SandboxUser(shop.server, CUSTOMER, "Ann"), "23843", 1)
    async with miniapp(shop) as client, browser_page("qty-twice", init_data(shop, CUSTOMER)) as page:
        await page.goto(str(client.make_url("/app/shop")))
        await page.locator("#cart-button").click()
        line = page.locator('li[data-sku="23843"]')
        sent = await _cart_posts_held(page)
        more = line.get_by_role("button", name=re.compile("^More: "))
        await more.click()
        await more.click(force=True)  # the same button, still on screen
        await expect(line.locator(".quantity")).to_have_text("2")
        assert sent == [2]
        await more.click()  # the redrawn cart takes taps again
        await expect(line.locator(".quantity")).to_have_text("3")


async def test_add_to_cart_tapped_twice_before_the_cart_answers_adds_once_and_the_next_tap_adds_again(
    shop: RunningBot,
) -> None:
    """Both taps read the same cart and asked for the same quantity: two taps put one in the cart
    and the phone buzzed "added" twice; a tap while the first is on its way is not a second add."""
    from playwright.async_api import expect

    async with miniapp(shop) as client, browser_page("add-twice", init_data(shop, CUSTOMER)) as page:
        await page.goto(str(client.make_url("/app/shop")))
        await page.get_by_role("button", name="Party").click()
        add = page.locator('article.card[data-sku="23843"] button.add')
        sent = await _cart_posts_held(page)
        await add.click()
        await add.click(force=True)  # the same button, the first still on its way
        await expect(page.locator("#cart-count")).to_have_text("1")
        await expect(add).to_be_enabled()
        assert sent == [1]
        await add.click()  # answered: the next tap adds one more
        await expect(page.locator("#cart-count")).to_have_text("2")
        assert sent == [1, 2]
