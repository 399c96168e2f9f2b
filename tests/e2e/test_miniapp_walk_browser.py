"""What a customer walking the storefront on a 390×844 phone read wrong: a card order left unpaid sent them to the
chat though 💳 Pay is on the order's screen a tap away, and a business buyer's "Add your PO number" was drawn in
the colour of its panel, no button to be seen."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.browser import DARK, browser_page
from tests.e2e.journeys import add_to_cart, business_customer
from tests.e2e.miniapp import init_data, miniapp, tma

pytestmark = pytest.mark.browser

ANN, BUYER = 541, 542
UNPAID = {
    "en": "Order {code} is placed and waits for payment: pay it with 💳 Pay on its screen (📦 Track this order).",
    "ru": "Заказ {code} оформлен и ждёт оплаты: оплатите его кнопкой «💳 Оплатить» на его экране "
    "(«📦 Отследить заказ»).",
}
PAY = {"en": "💳 Pay", "ru": "💳 Оплатить"}


@asynccontextmanager
async def at_checkout(shop: RunningBot, name: str, language: str) -> AsyncIterator[Any]:
    """Ann's checkout in the Mini App, a 23843 in her cart from the chat."""
    ann = SandboxUser(shop.server, ANN, "Ann", language_code=language)
    await ann.send("/start")
    await add_to_cart(ann, "23843")
    async with miniapp(shop) as client, browser_page(name, init_data(shop, ANN, language=language)) as page:
        await page.goto(str(client.make_url("/app/shop")))
        await page.locator("#cart-button").click()
        await page.locator("#to-checkout").click()
        yield page


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_card_order_left_unpaid_says_to_pay_it_on_its_screen_where_pay_is(
    paying_shop: RunningBot, language: str
) -> None:
    from playwright.async_api import expect

    async with at_checkout(paying_shop, f"unpaid-{language}", language) as page:
        await page.locator('input[name="phone"]').fill("+44 7911 123456")
        await page.locator('input[name="delivery"][value="pickup"]').check()
        await page.locator('input[name="payment"][value="card"]').check()
        await page.locator("#place-order").click()  # Telegram's payment form closed unpaid (none here)
        placed = page.locator("p.placed")
        code = await placed.get_attribute("data-order")
        await expect(placed).to_have_text(UNPAID[language].format(code=code))
        await page.locator("#track-order").click()
        await expect(page.locator("#order-pay")).to_have_text(PAY[language])


@pytest.mark.parametrize(("language", "theme"), [("en", None), ("ru", DARK)])
async def test_a_business_buyers_po_number_button_stands_out_from_its_panel(
    paying_shop: RunningBot, language: str, theme: dict[str, str] | None
) -> None:
    from playwright.async_api import expect

    buyer = await business_customer(paying_shop, BUYER, "Café Lyon", language)
    await add_to_cart(buyer, "85123A", 2)
    headers = tma(paying_shop, BUYER, language=language)
    async with miniapp(paying_shop) as client, browser_page(f"po-button-{language}",
                                                         init_data(paying_shop, BUYER, language=language),
                                                         theme=theme) as page:  # fmt: skip
        options = await (await client.get("/app/api/shop/checkout", headers=headers)).json()
        order = {"key": "p" * 32, "phone": "+44 7911 123456", "payment": "invoice",
                 "pickup_id": options["pickup_points"][0]["id"]}  # fmt: skip
        placed = await client.post("/app/api/shop/checkout", json=order, headers=headers)
        assert placed.status == 201, await placed.text()
        await page.goto(str(client.make_url("/app/shop")))
        await page.locator("#orders-button").click()
        await page.locator("button.order-row").first.click()
        button = page.locator("#po-open")
        await expect(button).to_be_visible()
        drawn = await button.evaluate("""(b) => {
          const mine = getComputedStyle(b), panel = getComputedStyle(b.closest('.panel'));
          return { fill: mine.backgroundColor, panel: panel.backgroundColor, border: mine.borderTopWidth };
        }""")
        assert drawn["fill"] != drawn["panel"] or drawn["border"] != "0px", drawn


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_checkout_names_each_pickup_point_whole_on_a_phone(paying_shop: RunningBot, language: str) -> None:
    """A drop-down's closed box cut the point at 390 px ("Manchester store, 21 Market Street, Manches"), its
    postcode lost, as it cut the courier rates; each point is a radio beside its whole name and address."""
    from playwright.async_api import expect

    async with at_checkout(paying_shop, f"pickup-whole-{language}", language) as page:
        await page.locator('input[name="delivery"][value="pickup"]').check()
        point = page.get_by_role("radio", name="Manchester store, 21 Market Street, Manchester M1 1WR")
        await expect(point).to_be_checked()  # the one there is
        width = await page.locator("form.checkout").evaluate("(f) => [f.scrollWidth, f.clientWidth]")
        assert width[0] <= width[1]
