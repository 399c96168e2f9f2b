"""The storefront's search box and Back's history in a real browser (Chromium): the box takes no more than the
server searches, a screen that could not load is not one Back returns to, and nor does it leave the one under it
undrawn or the buttons dead; a screen left before it failed says nothing over the one opened since."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.harness import RunningBot
from bot.webapp.payloads import MAX_SEARCH
from tests.e2e.browser import browser_page, held_back
from tests.e2e.conftest import ADMIN
from tests.e2e.miniapp import init_data, miniapp, tma

pytestmark = pytest.mark.browser

CUSTOMER = 521

# Each request the page's fetch failed for, by its address, noted before the page's own handlers of it run.
FAILURES_NOTED = """window.__failed = [];
(() => {
  const fetched = window.fetch;
  window.fetch = (path, options) => fetched(path, options).catch((error) => {
    window.__failed.push(String(path));
    throw error;
  });
})();"""


async def test_the_search_boxes_take_no_more_than_the_server_searches(shop: RunningBot) -> None:
    """The storefront's box took any length and the server refused a search over 64 characters: the customer
    typed a long text to be told it was too long. Both boxes stop at the limit the server keeps."""
    from playwright.async_api import expect

    async with miniapp(shop) as client:
        headers = tma(shop, CUSTOMER)
        at_limit = await client.get("/app/api/shop/products", params={"q": "m" * MAX_SEARCH}, headers=headers)
        over = await client.get("/app/api/shop/products", params={"q": "m" * (MAX_SEARCH + 1)}, headers=headers)
        assert (at_limit.status, over.status) == (200, 422)
        async with browser_page("search-limit", init_data(shop, CUSTOMER)) as page:
            await page.goto(str(client.make_url("/app/shop")))
            await expect(page.locator("#search")).to_have_attribute("maxlength", str(MAX_SEARCH))
            await page.locator("#search").press_sequentially("x" * (MAX_SEARCH + 6))
            assert len(await page.locator("#search").input_value()) == MAX_SEARCH
        async with browser_page("catalog-search-limit", init_data(shop, ADMIN)) as page:
            await page.goto(str(client.make_url("/app/catalog")))
            await expect(page.locator("#q")).to_have_attribute("maxlength", str(MAX_SEARCH))


async def test_a_screen_that_failed_to_load_is_not_one_back_returns_to(shop: RunningBot) -> None:
    """A product that could not come (no connection) went into Back's history anyway: the customer, still on the
    categories, opened the cart, pressed Back and was taken to the broken product, its error said again."""
    from playwright.async_api import expect

    async with miniapp(shop) as client, browser_page("failed-screen-history", init_data(shop, CUSTOMER)) as page:
        await page.goto(str(client.make_url("/app/shop")))
        card = page.locator("article.card").first
        await expect(card).to_be_visible()
        await page.route("**/app/api/shop/products/*", lambda route: route.abort())
        await card.locator("button.open").click()
        await expect(page.locator("#error")).to_be_visible()
        assert await page.evaluate("window.__telegram.backVisible") is False  # still on the categories
        await page.unroute("**/app/api/shop/products/*")
        await page.locator("#cart-button").click()
        # Every heading on view: the categories' two are still there for a moment after the tap.
        await expect(page.locator("#view h2")).to_have_text(["Cart"])
        await page.evaluate("window.__pressBack()")
        await expect(page.locator("#view h2").first).to_have_text("Categories")
        await expect(page.locator("article.product")).to_have_count(0)
        await expect(page.locator("#error")).to_be_hidden()
        assert await page.evaluate("window.__telegram.backVisible") is False


@pytest.mark.parametrize(("button", "heading"), [("cart-button", "Cart"), ("orders-button", "📦 My orders")])
async def test_a_shop_opened_without_a_connection_opens_the_cart_and_orders_once_it_is_back(
    shop: RunningBot, button: str, heading: str
) -> None:
    """The shop opened with no connection: its cart could not be counted, and the start stopped there (nothing
    drawn, nothing said, no button did anything); the categories failing left Back's history empty, and 🛒 and
    📦 did nothing once the connection was back. The failure is said, and each opens its screen, Back to the
    categories."""
    from playwright.async_api import expect

    async with miniapp(shop) as client, browser_page("offline-start", init_data(shop, CUSTOMER)) as page:
        await page.route("**/app/api/shop/**", lambda route: route.abort())
        await page.goto(str(client.make_url("/app/shop")))
        await expect(page.locator("#error")).to_have_text("No connection. Check your network and try again.")
        await page.unroute("**/app/api/shop/**")
        await page.locator(f"#{button}").click()
        await expect(page.locator("#view h2")).to_have_text([heading])
        await expect(page.locator("#error")).to_be_hidden()
        await page.wait_for_function("window.__telegram.backVisible")
        await page.evaluate("window.__pressBack()")
        await expect(page.locator("#view h2").first).to_have_text("Categories")
        await expect(page.locator("article.card").first).to_be_visible()
        assert await page.evaluate("window.__telegram.backVisible") is False


async def test_a_product_still_coming_when_the_cart_failed_is_drawn_with_the_failure_said(shop: RunningBot) -> None:
    """A product opened on a slow connection, 🛒 tapped before it came, and the cart could not come: the product's
    answer was not drawn (🛒 was asked since), and the categories stayed on view with Back leading to a product
    never seen. The product is drawn, the cart's failure said over it, and Back leads to the categories."""
    from playwright.async_api import expect

    async with miniapp(shop) as client, browser_page("failed-over-loading", init_data(shop, CUSTOMER)) as page:
        late = await held_back(page, "**/app/api/shop/products/*")
        await page.goto(str(client.make_url("/app/shop")))
        card = page.locator("article.card").first
        await expect(card).to_be_visible()
        sku = await card.get_attribute("data-sku")
        await page.route("**/app/api/shop/cart", lambda route: route.abort())
        await card.locator("button.open").click()
        await page.locator("#cart-button").click()
        await expect(page.locator("#error")).to_be_visible()
        await page.unroute("**/app/api/shop/cart")
        await late.release()
        await expect(page.locator("article.product")).to_have_attribute("data-sku", sku or "")
        await expect(page.locator("#error")).to_have_text("No connection. Check your network and try again.")
        assert await page.evaluate("window.__telegram.backVisible") is True
        await page.evaluate("window.__pressBack()")
        await expect(page.locator("#view h2").first).to_have_text("Categories")
        assert await page.evaluate("window.__telegram.backVisible") is False


async def test_a_product_left_before_it_failed_says_nothing_over_the_cart(shop: RunningBot) -> None:
    """A product opened on a slow connection, 🛒 tapped before it came, and then the product could not come: its
    "No connection" was said over the cart the customer had gone to, as if the cart had failed. A screen left says
    nothing of its failure (as the staff catalog's product does); the cart stays, and Back leads to the
    categories, the product gone from Back's history."""
    from playwright.async_api import expect

    holding, release = asyncio.Event(), asyncio.Event()

    async def hold_then_fail(route: Any) -> None:
        holding.set()
        await release.wait()
        await route.abort()

    async with miniapp(shop) as client, browser_page("left-then-failed", init_data(shop, CUSTOMER)) as page:
        await page.add_init_script(FAILURES_NOTED)
        await page.goto(str(client.make_url("/app/shop")))
        card = page.locator("article.card").first
        await expect(card).to_be_visible()
        await page.route("**/app/api/shop/products/*", hold_then_fail)
        await card.locator("button.open").click()
        await asyncio.wait_for(holding.wait(), 30)
        await page.locator("#cart-button").click()
        await expect(page.locator("#view h2")).to_have_text(["Cart"])
        release.set()
        # Its failure handled: the page's handlers of it ran before the next check of the page.
        await page.wait_for_function("window.__failed.some((path) => path.includes('/app/api/shop/products/'))")
        await expect(page.locator("#error")).to_be_hidden()
        await expect(page.locator("#view h2")).to_have_text(["Cart"])
        await page.evaluate("window.__pressBack()")
        await expect(page.locator("#view h2").first).to_have_text("Categories")
        await expect(page.locator("#error")).to_be_hidden()
        assert await page.evaluate("window.__telegram.backVisible") is False
