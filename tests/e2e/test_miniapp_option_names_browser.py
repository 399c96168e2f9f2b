"""The storefront's product page in Chromium: a variant's options named and valued in the reader's language
(the products file's ``options_ru``), as the chat's card shows them, and each option's words legible."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from tests.e2e.browser import CONTRAST, DARK, browser_page
from tests.e2e.miniapp import init_data, miniapp
from tests.e2e.variants import translated_tees, tshirts

pytestmark = pytest.mark.browser

CUSTOMER = 1791


@pytest.mark.parametrize(
    ("language", "size", "colour", "white", "navy"),
    [("en", "Size", "Colour", "White", "Navy"), ("ru", "Размер", "Цвет", "Белый", "Синий")],
)
async def test_the_product_page_names_the_options_and_their_values_in_the_readers_language(
    shop: RunningBot, language: str, size: str, colour: str, white: str, navy: str
) -> None:
    from playwright.async_api import expect

    await translated_tees(shop)
    reader = init_data(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client, browser_page("option-names", reader) as page:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.goto(str(client.make_url("/app/shop")))
        await page.get_by_role("button", name="Clothing").click()
        await page.locator('article.card[data-sku="TEE"] button.choose').click()
        colours = page.locator(f'[data-option="{colour}"] button')
        await expect(page.locator(f'[data-option="{size}"] button')).to_have_text(["S", "M"])
        await expect(colours).to_have_text([white, navy])
        await colours.filter(has_text=navy).click()  # the translated value opens S / Navy
        await expect(page.locator("article.product")).to_have_attribute("data-sku", "TEE-S-NVY")
        await expect(page.locator(f'[data-option="{colour}"] button.chosen')).to_have_text(navy)
        assert errors == []


@pytest.mark.parametrize(
    ("language", "theme", "stock_text"), [("en", None, "Out of stock"), ("ru", DARK, "Нет в наличии")]
)
async def test_a_sold_out_option_chosen_reads_legibly_on_its_chosen_chip(
    shop: RunningBot, language: str, theme: dict[str, str] | None, stock_text: str
) -> None:
    """XL (sold out) chosen was drawn in the hint's grey on the chosen chip's button colour (1.3:1 in the light
    theme): the customer could not read which size and colour the page showed. Chosen, it is the button's text
    colour, still struck through."""
    from playwright.async_api import expect

    await tshirts(shop)
    reader = init_data(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client, browser_page(f"sold-out-chosen-{language}", reader, theme=theme) as page:
        await page.goto(str(client.make_url("/app/shop")))
        await page.get_by_role("button", name="Clothing").click()
        await page.locator('article.card[data-sku="TEE"] button.choose').click()
        await page.locator('button.option[data-value="XL"]').click()  # only in Navy, none in stock
        await expect(page.locator("article.product")).to_have_attribute("data-sku", "TEE-XL-NVY")
        await expect(page.locator("p.stock")).to_have_text(stock_text)
        chosen = page.locator("button.option.chosen.sold-out")
        await expect(chosen).to_have_text(["XL ✖", "Navy ✖"])
        for chip in await chosen.all():
            assert await chip.evaluate(CONTRAST) >= 3  # as Telegram's own button colours read (4.1:1 light, 3.7:1 dark)
            assert "line-through" in await chip.evaluate("(b) => getComputedStyle(b).textDecorationLine")
