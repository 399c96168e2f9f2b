"""Telegram reloads a Mini App often (its "Reload page", the app dropped in the background): the
storefront comes back where the customer was — a category with the pages shown, a search, a product,
the cart — and Back still leads where it led."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from domain.usecases.imports.products import import_products
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.browser import browser_page
from tests.e2e.journeys import add_to_cart
from tests.e2e.miniapp import init_data, miniapp

pytestmark = pytest.mark.browser

CUSTOMER = 501
SOCKS = "".join(f"SOCK{n:02d},Wool sock {n:02d},Socks,3.00,GBP\n" for n in range(30))


@pytest.fixture
async def shop(shop: RunningBot) -> RunningBot:
    """The browser shop (conftest's) with a category of 30 socks: pages to scroll."""
    await import_products(shop.runtime.uow(), shop.runtime.clock, "sku,name,category,price,currency\n" + SOCKS)
    return shop


async def heading(page: Any) -> str:
    return str(await page.locator("#view h2").first.inner_text())


@pytest.mark.parametrize(
    ("language", "categories", "more", "cart"),
    [("en", "Categories", "Show more", "Cart"), ("ru", "Категории", "Показать ещё", "Корзина")],
)
async def test_a_reload_brings_back_the_category_search_product_or_cart_the_customer_was_on(
    shop: RunningBot, language: str, categories: str, more: str, cart: str
) -> None:
    """Only a product opened from a chat card and the checkout came back: a reload on a category's
    second page, a search, a product or the cart opened the categories, the customer's place lost."""
    from playwright.async_api import expect

    await add_to_cart(SandboxUser(shop.server, CUSTOMER, "Ann", language_code=language), "23843", 1)
    reader = init_data(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client, browser_page(f"reload-screens-{language}", reader) as page:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.goto(str(client.make_url("/app/shop")))
        cards, back = page.locator("article.card"), "window.__telegram.backVisible"
        await page.get_by_role("button", name="Socks (30)").click()
        await page.get_by_role("button", name=more).click()
        await expect(cards).to_have_count(30)
        await page.locator('article.card[data-sku="SOCK29"]').scroll_into_view_if_needed()
        await page.reload()
        await expect(cards).to_have_count(30)  # both pages, as they were shown
        assert await heading(page) == "Socks"
        await expect(page.locator('article.card[data-sku="SOCK29"]')).to_be_in_viewport()  # where the reader was
        assert await page.evaluate(back) is True
        await page.evaluate("window.__pressBack()")
        await expect(page.locator("#view h2").first).to_have_text(categories)
        assert await page.evaluate(back) is False

        await page.locator("#search").fill("wool sock 1")
        await page.locator("#search").press("Enter")
        await expect(cards).to_have_count(10)  # 10–19
        await page.reload()
        await expect(cards).to_have_count(10)
        assert await heading(page) == "wool sock 1"
        await expect(page.locator("#search")).to_have_value("wool sock 1")  # what was searched, still there

        await page.locator('article.card[data-sku="SOCK12"] button.open').click()
        await expect(page.locator("article.product")).to_have_attribute("data-sku", "SOCK12")
        await page.reload()
        await expect(page.locator("article.product")).to_have_attribute("data-sku", "SOCK12")
        await page.evaluate("window.__pressBack()")  # Back: the search it was opened from
        await expect(cards).to_have_count(10)
        assert await heading(page) == "wool sock 1"

        await page.locator("#cart-button").click()
        await page.locator("#cart-button").click()  # on the cart: the cart again, not a second one to go back through
        await page.reload()
        await expect(page.locator('ul.lines li[data-sku="23843"]')).to_be_visible()
        assert await heading(page) == cart
        await page.evaluate("window.__pressBack()")
        await expect(cards).to_have_count(10)
        await page.evaluate("window.__pressBack()")
        await expect(page.locator("#view h2").first).to_have_text(categories)
        assert errors == []


async def test_a_reload_after_open_in_shop_stays_where_the_customer_went_and_a_gone_product_opens_the_start(
    shop: RunningBot,
) -> None:
    """The chat card's "Open in shop" link stays the page's address: a reload went back to that product
    whatever the customer had opened since. A product hidden since opens the categories, saying so."""
    from playwright.async_api import expect

    async with shop.runtime.sessions() as session:
        sock = await session.scalar(select(m.ProductRow.id).where(m.ProductRow.sku == "SOCK03"))
    async with miniapp(shop) as client, browser_page("reload-open-in-shop", init_data(shop, CUSTOMER)) as page:
        await page.goto(str(client.make_url(f"/app/shop?product={sock}")))
        await expect(page.locator("article.product")).to_have_attribute("data-sku", "SOCK03")
        await page.locator("#cart-button").click()
        await expect(page.locator("#view h2").first).to_have_text("Cart")
        await page.reload()
        await expect(page.locator("#view h2").first).to_have_text("Cart")
        await page.evaluate("window.__pressBack()")
        await expect(page.locator("article.product")).to_have_attribute("data-sku", "SOCK03")
        async with shop.runtime.sessions() as session, session.begin():
            row = await session.get(m.ProductRow, sock)
            assert row is not None
            row.status = "hidden"
        await page.reload()
        await expect(page.locator("#view h2").first).to_have_text("Categories")
        await expect(page.locator("#error")).to_have_text("Nothing was found.")  # why it is not there
