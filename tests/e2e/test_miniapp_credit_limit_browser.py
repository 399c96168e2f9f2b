"""The Mini App's checkout in Chromium on a 390×844 phone: a business's invoice the credit limit would refuse for the
way chosen is left out of the payment choices, the chat's one line saying why (as text), and back for a way it fits.

Demo data used: 85123A £2.95 (five: £14.75, under £20.00 at a pickup, over it by a courier's rate)."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.browser import DARK, browser_page
from tests.e2e.conftest import ADMIN
from tests.e2e.journeys import add_to_cart, no_invoice_over_limit
from tests.e2e.miniapp import init_data, miniapp

pytestmark = pytest.mark.browser

CORP = 762


@pytest.mark.parametrize(("language", "theme"), [("en", None), ("ru", DARK)])
async def test_the_mini_app_leaves_out_an_invoice_over_the_credit_limit_for_the_way_chosen_and_says_why(
    shop: RunningBot, language: str, theme: dict[str, str] | None
) -> None:
    from playwright.async_api import expect

    corp = SandboxUser(shop.server, CORP, "Corp", language_code=language)
    await corp.send("/start")
    await SandboxUser(shop.server, ADMIN, "Ada").send(f"/customer {CORP} business on 30 20")
    await add_to_cart(corp, "85123A", 5)
    reader = init_data(shop, CORP, language=language)
    async with miniapp(shop) as client, browser_page(f"credit-limit-{language}", reader, theme=theme) as page:
        await page.goto(str(client.make_url("/app/shop")))
        await page.locator("#cart-button").click()
        await page.locator("#to-checkout").click()
        payment = page.locator("fieldset.payment")
        invoice = payment.locator('input[name="payment"][value="invoice"]')
        why = payment.locator("#no-invoice")
        await expect(invoice).to_be_visible()  # the goods alone fit: nothing said
        await expect(why).to_be_hidden()
        await invoice.check()

        await page.locator('input[name="delivery"][value="courier"]').check()
        await page.locator('input[name="rate"]').first.check()
        total = (await page.locator("p.total").text_content() or "").rsplit(": ", 1)[1]
        await expect(why).to_have_text(no_invoice_over_limit(language, total))
        await expect(invoice).to_be_hidden()
        assert not await invoice.is_checked()  # not placed on an invoice no longer shown
        assert await why.evaluate("(p) => p.children.length") == 0  # text, not markup

        await page.locator('input[name="delivery"][value="pickup"]').check()
        await expect(invoice).to_be_visible()
        await expect(why).to_be_hidden()
        assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
