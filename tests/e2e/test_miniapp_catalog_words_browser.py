"""The storefront's catalog in Chromium: category buttons named in the reader's language, and a product whose
variants on sale are priced differently shown on the grid "from" the lowest, as the chat lists it."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from domain.usecases.imports.products import import_products
from tests.e2e.browser import browser_page
from tests.e2e.miniapp import init_data, miniapp

pytestmark = pytest.mark.browser

CUSTOMER = 1781
KNITS = (
    "sku,name,category,category_ru,price,currency,parent,options\n"
    "JUMPER-S,Jumper,Knitwear,Трикотаж,30.00,GBP,JUMPER,Size=S\n"
    "JUMPER-M,Jumper,Knitwear,,25.50,GBP,JUMPER,Size=M\n"
    "SOCKS-S,Socks,Knitwear,,6.00,GBP,SOCKS,Size=S\n"
    "SOCKS-L,Socks,Knitwear,,6.00,GBP,SOCKS,Size=L\n"
)


@pytest.mark.parametrize(
    ("language", "knitwear", "jumper", "socks"),
    [
        ("en", "Knitwear", "from £25.50", "£6.00"),
        ("ru", "Трикотаж", "от 25,50\xa0£", "6,00\xa0£"),
    ],
)
async def test_the_grid_names_the_category_in_the_readers_language_and_a_jumper_from_its_lowest_price(
    shop: RunningBot, language: str, knitwear: str, jumper: str, socks: str
) -> None:
    from playwright.async_api import expect

    await import_products(shop.runtime.uow(), shop.runtime.clock, KNITS)
    reader = init_data(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client, browser_page("grid-from-prices", reader) as page:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.goto(str(client.make_url("/app/shop")))
        await page.get_by_role("button", name=knitwear).click()
        await expect(page.locator('article.card[data-sku="JUMPER-S"] .price')).to_have_text(jumper)
        await expect(page.locator('article.card[data-sku="SOCKS-S"] .price')).to_have_text(socks)
        assert errors == []
