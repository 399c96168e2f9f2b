"""A product sold out while the Mini App's checkout page was open: the order is refused with the
chat's words and the page is read again as the cart now is, what the customer typed kept (it only
said so, and the page went on showing what could no longer be had)."""

from __future__ import annotations

import re

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.browser import browser_page
from tests.e2e.journeys import add_to_cart, count, stock
from tests.e2e.miniapp import init_data, miniapp
from tests.fakes import FakeClock

pytestmark = pytest.mark.browser

ANN = 511
FEWER = re.compile(r"^Fewer: ")  # a cart line's −, as a screen reader names it


async def test_a_product_sold_out_while_the_checkout_page_is_open_shows_the_cart_and_keeps_what_was_typed(
    shop: RunningBot, clock: FakeClock
) -> None:
    from playwright.async_api import expect

    await add_to_cart(SandboxUser(shop.server, ANN, "Ann"), "84077", 2)
    async with miniapp(shop) as client, browser_page("storefront", init_data(shop, ANN)) as page:
        await page.goto(str(client.make_url("/app/shop")))
        await page.locator("#cart-button").click()
        await page.locator("#to-checkout").click()
        await expect(page.locator("form.checkout")).to_be_visible()
        await page.locator('input[name="phone"]').fill("+44 7911 000000")
        await page.locator('input[name="delivery"][value="courier"]').check()
        await page.locator('input[name="address"]').fill("1 Rose Lane, Leeds")
        await page.locator('input[name="rate"]').first.check()
        clock.advance(minutes=31)  # Ann's hold expired; Bob takes two of the three
        await add_to_cart(SandboxUser(shop.server, 512, "Bob"), "84077", 2)
        await page.locator("#place-order").click()
        await expect(page.locator("#error")).to_contain_text(
            "World War 2 Gliders Asstd Designs: only 1 available now. Your cart was not changed; please adjust it."
        )
        await expect(page.locator("form.checkout")).to_have_count(0)  # the cart as it is now, to change
        line = page.locator('ul.lines li[data-sku="84077"]')
        await expect(line.locator(".quantity")).to_have_text("2")
        assert await count(shop, m.OrderRow) == 0
        await line.get_by_role("button", name=FEWER).click()
        await expect(line.locator(".quantity")).to_have_text("1")
        await page.locator("#to-checkout").click()
        await expect(page.locator('input[name="phone"]')).to_have_value("+44 7911 000000")  # what was typed stays
        await expect(page.locator('input[name="address"]')).to_have_value("1 Rose Lane, Leeds")
        await page.locator("#place-order").click()
        await expect(page.locator(".placed")).to_be_visible()
    assert await count(shop, m.OrderRow) == 1
    assert await stock(shop, "84077") == [("MAN", 3, 3)]
