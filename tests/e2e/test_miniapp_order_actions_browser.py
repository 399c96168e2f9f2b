"""The order screen's ✖ Cancel in Chromium on a 390×844 phone: it asks first, "No" keeps the order, "Yes" cancels
it by the chat's use case and the screen says so and offers it no more."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.browser import DARK, browser_page
from tests.e2e.conftest import hire
from tests.e2e.journeys import scalar
from tests.e2e.miniapp import init_data, miniapp, tma, web_order
from tests.e2e.returns import delivered

pytestmark = pytest.mark.browser

ANN = 812
WORDS = {
    "en": {
        "cancel": "✖ Cancel order",
        "ask": "Cancel order {code}? Its goods go back on sale.",
        "yes": "Yes, cancel it",
        "no": "No, keep it",
        "done": "Order {code} is cancelled.",
    },
    "ru": {
        "cancel": "✖ Отменить заказ",
        "ask": "Отменить заказ {code}? Его товары вернутся в продажу.",
        "yes": "Да, отменить",
        "no": "Нет, оставить",
        "done": "Заказ {code} отменён.",
    },
}


@pytest.mark.parametrize(("language", "theme"), [("en", None), ("ru", DARK)])
async def test_cancel_on_the_order_screen_asks_first_and_cancels_only_on_yes(
    shop: RunningBot, language: str, theme: dict[str, str] | None
) -> None:
    from playwright.async_api import expect

    words = WORDS[language]
    await SandboxUser(shop.server, ANN, "Ann", language_code=language).send("/start")
    async with miniapp(shop) as client, browser_page(f"cancel-{language}", init_data(shop, ANN, language=language),
                                                    theme=theme) as page:  # fmt: skip
        code = await web_order(shop, client, ANN, "23843", "a")
        await page.goto(str(client.make_url("/app/shop")))
        await page.locator("#orders-button").click()
        await page.locator(f'button.order-row[data-order="{code}"]').click()
        screen = page.locator(f'article.order[data-order="{code}"]')
        cancel = screen.locator("#order-cancel")
        await expect(cancel).to_have_text(words["cancel"])

        await cancel.click()
        await expect(screen.locator(".confirm p")).to_have_text(words["ask"].format(code=code))
        await expect(cancel).to_be_hidden()
        await screen.get_by_role("button", name=words["no"]).click()  # kept: asked again next time
        await expect(screen.locator(".confirm")).to_be_hidden()
        assert await scalar(shop, select(m.OrderRow.status).where(m.OrderRow.code == code)) == "allocated"

        await cancel.click()
        await screen.get_by_role("button", name=words["yes"]).click()
        await expect(page.locator(".said")).to_have_text(words["done"].format(code=code))
        await expect(page.locator("#order-cancel")).to_have_count(0)
        assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert await scalar(shop, select(m.OrderRow.status).where(m.OrderRow.code == code)) == "cancelled"


NOTE = {"en": "📄 Credit note CN-000001 (PDF)", "ru": "📄 Кредит-нота CN-000001 (PDF)"}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_order_screen_downloads_each_credit_note_beside_the_receipt(shop: RunningBot, language: str) -> None:
    from playwright.async_api import expect

    code = await delivered(shop, ANN, {"85123A": 1})
    await (await hire(shop, 830, "Ada", "admin")).send(f"/refund {code} 1.50 late delivery")
    signed = init_data(shop, ANN, language=language)
    async with miniapp(shop) as client, browser_page(f"credit-note-{language}", signed) as page:
        await page.goto(str(client.make_url("/app/shop")))
        await page.locator("#orders-button").click()
        await page.locator(f'button.order-row[data-order="{code}"]').click()
        note = page.locator(f'article.order[data-order="{code}"] #order-credit-note-1')
        await expect(note).to_have_text(NOTE[language])
        async with page.expect_download() as downloading:
            await note.click()
        assert (await downloading.value).suggested_filename == "credit-note-CN-000001.pdf"


SKIPPED = {
    "en": "Medium Ceramic Top Storage Jar is discontinued and was skipped.",
    "ru": "Товар «Банка для хранения с керамической крышкой, средняя» снят с продажи и пропущен.",  # its name_ru
}


async def buy_again_without_the_jar(shop: RunningBot, client: Any, page: Any) -> str:
    """Ann's order of the jar and 23843, the jar discontinued since, and 🛒 Buy again pressed on its screen."""
    found = await (await client.get("/app/api/shop/products?q=23166", headers=tma(shop, ANN))).json()
    jar = {"product_id": found["products"][0]["id"], "quantity": 1}
    assert (await client.post("/app/api/shop/cart", json=jar, headers=tma(shop, ANN))).status == 200
    code = await web_order(shop, client, ANN, "23843", "a")  # the jar and 23843
    async with shop.runtime.sessions() as session, session.begin():
        await session.execute(update(m.ProductRow).where(m.ProductRow.sku == "23166").values(status="discontinued"))
    await page.goto(str(client.make_url("/app/shop")))
    await page.locator("#orders-button").click()
    await page.locator(f'button.order-row[data-order="{code}"]').click()
    await page.locator("#order-buy-again").click()
    return code


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_what_buy_again_left_out_stays_said_while_the_customer_changes_quantities_in_the_cart(
    shop: RunningBot, language: str
) -> None:
    """The cart's − and + redrew it without Buy again's notes: what could not go in, and why, vanished at the first
    tap; they go once the customer leaves the cart."""
    from playwright.async_api import expect

    async with miniapp(shop) as client, browser_page(f"buy-again-{language}",
                                                    init_data(shop, ANN, language=language)) as page:  # fmt: skip
        await buy_again_without_the_jar(shop, client, page)
        line, said = page.locator('li[data-sku="23843"]'), page.locator("#view p.said")
        await expect(line.locator(".quantity")).to_have_text("1")
        await expect(said.filter(has_text=SKIPPED[language])).to_have_count(1)
        notes = await said.all_inner_texts()

        await line.locator(".qty button").last.click()  # +
        await expect(line.locator(".quantity")).to_have_text("2")
        await expect(said).to_have_text(notes)
        await line.locator(".qty button").first.click()  # −
        await expect(line.locator(".quantity")).to_have_text("1")
        await expect(said).to_have_text(notes)

        await page.evaluate("window.__pressBack()")  # left: the cart opened again says nothing of it
        await page.locator("#cart-button").click()
        await expect(line.locator(".quantity")).to_have_text("1")
        await expect(said).to_have_count(0)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_what_buy_again_left_out_stays_said_when_the_customer_presses_the_cart_button_on_the_cart(
    shop: RunningBot, language: str
) -> None:
    """🛒 pressed on the cart redrew it without Buy again's notes, as − and + did: the cart is not left, they stay."""
    from playwright.async_api import expect

    async with miniapp(shop) as client, browser_page(f"buy-again-cart-button-{language}",
                                                    init_data(shop, ANN, language=language)) as page:  # fmt: skip
        code = await buy_again_without_the_jar(shop, client, page)
        said = page.locator("#view p.said")
        await expect(said.filter(has_text=SKIPPED[language])).to_have_count(1)
        notes = await said.all_inner_texts()

        await page.locator("#cart-button").click()  # on the cart: redrawn, still the cart
        await expect(page.locator('li[data-sku="23843"] .quantity')).to_have_text("1")
        await expect(said).to_have_text(notes)
        await page.evaluate("window.__pressBack()")  # one cart on the stack: Back leads to the order, not the cart
        await expect(page.locator(f'article.order[data-order="{code}"]')).to_be_visible()


MY_ORDERS = {"en": "📦 My orders", "ru": "📦 Мои заказы"}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_tap_on_my_orders_before_the_shop_knows_its_customer_opens_them_once_it_does(
    shop: RunningBot, language: str
) -> None:
    """📦 and 🛒 are on the page before the shop has asked who its customer is; their listeners were added only after
    the answer, so a quick tap (a slow phone, a loaded machine) did nothing at all and the list never came."""
    from playwright.async_api import Route, expect

    answered = asyncio.Event()

    async def slowly(route: Route) -> None:
        await answered.wait()
        await route.continue_()

    async with miniapp(shop) as client, browser_page(f"early-tap-{language}",
                                                    init_data(shop, ANN, language=language)) as page:  # fmt: skip
        code = await web_order(shop, client, ANN, "23843", "a")
        await page.route("**/app/api/me", slowly)
        await page.goto(str(client.make_url("/app/shop")))
        await page.locator("#orders-button").click()  # the shop still waits to know who Ann is
        answered.set()
        await expect(page.locator(f'button.order-row[data-order="{code}"]')).to_be_visible()
        await expect(page.locator("#orders-button")).to_have_attribute("aria-label", MY_ORDERS[language])
