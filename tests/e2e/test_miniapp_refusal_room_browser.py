"""A refusal floats over the foot of the screen (``#error``); on a 360×640 phone it lay over the checkout's Place order
for good: scrolled to the end, the button stayed under it, and the tap meant to place the order only put it away."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.browser import DARK, browser_page, open_checkout
from tests.e2e.journeys import add_to_cart
from tests.e2e.miniapp import init_data, miniapp

pytestmark = pytest.mark.browser

ANN = 571
NOT_A_PHONE = {"en": "does not look like a phone number", "ru": "не похоже на номер телефона"}


@pytest.mark.parametrize(("language", "theme"), [("en", None), ("ru", DARK)])
async def test_the_page_scrolls_its_last_button_clear_of_a_refusal_shown_over_its_foot(
    paying_shop: RunningBot, language: str, theme: dict[str, str] | None
) -> None:
    from playwright.async_api import expect

    await add_to_cart(SandboxUser(paying_shop.server, ANN, "Ann", language_code=language), "23843")
    reader = init_data(paying_shop, ANN, language=language)
    async with (
        miniapp(paying_shop) as client,
        browser_page(f"refusal-room-{language}", reader, theme=theme, viewport=(360, 640)) as page,
    ):
        await open_checkout(page, str(client.make_url("/app/shop")))
        await page.locator('input[name="phone"]').fill("<b>7911</b> 🎉")  # refused by the shop, not the page
        await page.locator('input[name="delivery"][value="courier"]').check()
        await page.locator('input[name="address"]').fill("1 Rose Lane, Leeds")
        await page.locator('input[name="rate"]').first.check()
        await page.locator('input[name="payment"][value="cod"]').check()
        await page.locator("#place-order").click()
        refusal = page.locator("#error")
        await expect(refusal).to_contain_text(NOT_A_PHONE[language])
        await page.locator('input[name="phone"]').fill("+44 7911 123456")
        await page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        place: dict[str, float] | None = await page.locator("#place-order").bounding_box()
        said: dict[str, float] | None = await refusal.bounding_box()
        assert place is not None and said is not None
        assert place["y"] + place["height"] <= said["y"], (place, said)  # the whole button above the refusal
        await page.locator("#place-order").click(timeout=5000)  # the tap reaches it
        await expect(page.locator(".placed")).to_be_visible()
