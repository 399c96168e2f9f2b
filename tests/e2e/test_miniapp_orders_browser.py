"""The storefront's "My orders" in Chromium on a 390×844 phone: an order placed in the Mini App is found
under 📦, its screen says what /track says, and a business buyer corrects the PO number there."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.browser import DARK, browser_page, held_back
from tests.e2e.journeys import add_to_cart, business_customer, scalar
from tests.e2e.miniapp import init_data, miniapp, web_order

pytestmark = pytest.mark.browser

BUYER = 811
TYPED = '<img src=x onerror="window.__hacked=1">'  # a PO number is shown as typed, never as markup
WORDS = {
    "en": {
        "track": "📦 Track this order",
        "orders": "📦 My orders",
        "status": "confirmed, being prepared",
        "payment": "invoice",
        "add": "🧾 Add your PO number",
        "change": "🧾 Change your PO number",
        "done": "Order {code}: PO number {po}. Invoices and packing slips printed from now on carry it.",
        "timeline": "Timeline",
        "total": "£5.90",
    },
    "ru": {
        "track": "📦 Отследить заказ",
        "orders": "📦 Мои заказы",
        "status": "подтверждён, готовится",
        "payment": "по счёту",
        "add": "🧾 Указать номер вашего заказа (PO)",
        "change": "🧾 Изменить номер вашего заказа (PO)",
        "done": "Заказ {code}: номер PO {po}. Он будет в счетах и упаковочных листах, напечатанных с этого момента.",
        "timeline": "История",
        "total": "5,90\xa0£",
    },
}


@pytest.mark.parametrize(("language", "theme"), [("en", None), ("ru", DARK)])
async def test_an_order_placed_in_the_mini_app_is_in_my_orders_and_its_po_number_is_corrected_there(
    shop: RunningBot, language: str, theme: dict[str, str] | None
) -> None:
    from playwright.async_api import expect

    words = WORDS[language]
    buyer = await business_customer(shop, BUYER, "Café Lyon", language)
    await add_to_cart(buyer, "85123A", 2)
    reader = init_data(shop, BUYER, language=language)
    async with miniapp(shop) as client, browser_page(f"orders-{language}", reader, theme=theme) as page:
        await page.goto(str(client.make_url("/app/shop")))
        await page.locator("#cart-button").click()
        await page.locator("#to-checkout").click()
        await page.locator('input[name="phone"]').fill("+44 7911 123456")
        await page.locator('input[name="delivery"][value="pickup"]').check()
        await page.locator('input[name="payment"][value="invoice"]').check()
        await page.locator('input[name="po_number"]').fill("PO-5521")  # digits swapped: 5512
        await page.locator("#place-order").click()
        code = await page.locator(".placed").get_attribute("data-order")
        assert code
        await expect(page.locator("#track-order")).to_have_text(words["track"])

        await page.locator("#orders-button").click()  # 📦 beside the cart
        await expect(page.locator("#view h2")).to_have_text(words["orders"])
        row = page.locator(f'button.order-row[data-order="{code}"]')
        await expect(row).to_contain_text(words["status"])
        await expect(row).to_contain_text(words["total"])
        await row.click()

        screen = page.locator(f'article.order[data-order="{code}"]')
        await expect(screen.locator('li[data-sku="85123A"]')).to_contain_text("× 2")
        await expect(screen.locator(".total").last).to_contain_text(words["total"])
        await expect(screen.locator('[data-part="delivery"]')).to_contain_text("Manchester store")
        await expect(screen.locator('[data-part="payment"]')).to_contain_text(words["payment"])
        await expect(screen.locator('[data-part="timeline"] h3')).to_have_text(words["timeline"])
        await expect(screen.locator(".po")).to_have_text("PO-5521")
        assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert await page.evaluate("window.__telegram.backVisible") is True

        await page.get_by_role("button", name=words["change"]).click()
        await page.locator('input[name="po_number"]').fill(TYPED)
        await page.locator("#po-save").click()
        await expect(page.locator(".said")).to_have_text(words["done"].format(code=code, po=TYPED))
        await expect(screen.locator(".po")).to_have_text(TYPED)
        assert await page.locator("article.order img").count() == 0
        assert await page.evaluate("window.__hacked") is None
        assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

        await page.evaluate("window.__pressBack()")  # back to My orders, then the order again
        await expect(row).to_be_visible()
    assert await scalar(shop, select(m.OrderRow.reference).where(m.OrderRow.code == code)) == TYPED


async def test_a_quantity_changed_just_before_my_orders_is_tapped_does_not_draw_the_cart_over_them(
    shop: RunningBot,
) -> None:
    """The cart's + redrew the cart when its answer came, over 📦 My orders tapped meanwhile (a slow connection): the
    orders were gone, and Back skipped them."""
    from playwright.async_api import expect

    await add_to_cart(SandboxUser(shop.server, BUYER, "Bea"), "85123A", 1)
    async with miniapp(shop) as client, browser_page("cart-then-orders", init_data(shop, BUYER)) as page:
        late = await held_back(page, re.compile(r"/app/api/shop/cart$"), lambda request: request.method == "POST")
        await page.goto(str(client.make_url("/app/shop")))
        await page.locator("#cart-button").click()
        line = page.locator('li[data-sku="85123A"]')
        await expect(line.locator(".quantity")).to_have_text("1")
        await line.locator(".qty button").last.click()  # +, its answer not come yet
        await page.locator("#orders-button").click()
        await expect(page.locator("#view .orders")).to_be_attached()
        await late.release()
        await expect(page.locator("#cart-count")).to_have_text("2")  # the cart's new count, said on 🛒
        await expect(page.locator("#view .orders")).to_be_attached()
        await expect(page.locator("#view ul.lines")).to_have_count(0)
        await page.evaluate("window.__pressBack()")  # Back: the cart, as it is now
        await expect(line.locator(".quantity")).to_have_text("2")


async def test_an_order_cancelled_just_before_back_is_pressed_does_not_draw_the_order_over_my_orders(
    shop: RunningBot,
) -> None:
    from playwright.async_api import expect

    async with miniapp(shop) as client, browser_page("cancel-then-back", init_data(shop, BUYER)) as page:
        code = await web_order(shop, client, BUYER, "23843", "c")
        late = await held_back(page, re.compile(r"/cancel$"))
        await page.goto(str(client.make_url("/app/shop")))
        await page.locator("#orders-button").click()
        await page.locator(f'button.order-row[data-order="{code}"]').click()
        await page.locator("#order-cancel").click()
        await page.locator("#cancel-yes").click()  # its answer not come yet
        await page.evaluate("window.__pressBack()")
        row = page.locator(f'button.order-row[data-order="{code}"]')
        await expect(row).to_be_visible()
        await late.release()
        await expect(row).to_be_visible()
        await page.reload()  # where the customer is was kept as the order again, its redraw on the way
        await expect(row).to_be_visible()
        await expect(page.locator("article.order")).to_have_count(0)
    assert await scalar(shop, select(m.OrderRow.status).where(m.OrderRow.code == code)) == "cancelled"
