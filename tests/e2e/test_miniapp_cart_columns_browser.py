"""The storefront's cart as columns on a phone: each line's −, quantity, + and total under the others', whatever
width a total, a quantity or a name takes (each row's own layout put − and + where its total left room)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.harness import RunningBot
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from sandbox import SandboxUser
from tests.e2e.browser import DARK, browser_page
from tests.e2e.journeys import add_to_cart
from tests.e2e.miniapp import init_data, miniapp

pytestmark = pytest.mark.browser

ANN = 552
LONG = "Extra-large hand-painted ceramic garden lantern with a brass handle " * 3  # wraps, clamped to three lines
PRODUCTS = f"BIG,{LONG.strip()},,Garden,1234.56,GBP\n"
# (SKU, quantity): totals of 4 to 9 characters, quantities of one and two digits, a name of three lines.
CART = [("23843", 1), ("BIG", 12), ("23166", 10), ("85123A", 2)]
SUBTOTAL = {"en": "Subtotal: £14,835.20", "ru": "Товары: 14\xa0835,20\xa0£"}


def column(drawn: list[Any], edge: str) -> list[float]:
    """Where each box's ``edge`` (left, middle, right) is, to a tenth of a pixel."""
    return [round(b["x"] + (b["width"] if edge == "right" else b["width"] / 2 if edge == "middle" else 0), 1)
            for b in drawn]  # fmt: skip


async def boxes(rows: list[Any], selector: str, nth: int = 0) -> list[Any]:
    """The box of each row's ``selector`` (its ``nth``), as drawn now."""
    found = [await row.locator(selector).nth(nth).bounding_box() for row in rows]
    assert all(box is not None for box in found), (selector, found)
    return found


@pytest.mark.parametrize(("language", "theme"), [("en", None), ("ru", DARK)])
async def test_the_carts_quantity_controls_and_totals_line_up_in_columns_at_390_and_320_px(
    shop: RunningBot, language: str, theme: dict[str, str] | None
) -> None:
    from playwright.async_api import expect

    runtime = shop.runtime
    await import_products(runtime.uow(), runtime.clock, "sku,name,description,category,price,currency\n" + PRODUCTS)
    await import_stock(runtime.uow(), runtime.clock, "sku,warehouse,bin,quantity\nBIG,LON,A-01-01-1,50\n")
    ann = SandboxUser(shop.server, ANN, "Ann", language_code=language)
    for sku, quantity in CART:
        await add_to_cart(ann, sku, quantity)
    reader = init_data(shop, ANN, language=language)
    async with miniapp(shop) as client, browser_page(f"cart-columns-{language}", reader, theme=theme) as page:
        await page.goto(str(client.make_url("/app/shop")))
        await page.locator("#cart-button").click()
        lines = page.locator("ul.lines li")
        await expect(lines).to_have_count(len(CART))
        await expect(page.locator("#view > p.price")).to_have_text(SUBTOTAL[language])
        rows = [page.locator(f'ul.lines li[data-sku="{sku}"]') for sku, _ in CART]
        for line, (_, quantity) in zip(rows, CART, strict=True):
            await expect(line.locator(".quantity")).to_have_text(str(quantity))
        for width in (390, 320):
            await page.set_viewport_size({"width": width, "height": 844})
            await expect(rows[0].locator(".qty button").first).to_be_in_viewport()
            fewer, more = await boxes(rows, ".qty button", 0), await boxes(rows, ".qty button", -1)
            counts, total = await boxes(rows, ".quantity"), await boxes(rows, ".total")
            name = await boxes(rows, ".name")
            for edge, drawn in (("left", fewer), ("left", more), ("middle", counts), ("right", total)):
                assert len(set(column(drawn, edge))) == 1, (width, edge, drawn)  # one column down the cart
            for i in range(len(CART)):
                assert name[i]["x"] + name[i]["width"] <= fewer[i]["x"]  # the name beside, never under them
                assert fewer[i]["x"] + fewer[i]["width"] <= counts[i]["x"]
                assert counts[i]["x"] + counts[i]["width"] <= more[i]["x"]
                assert more[i]["x"] + more[i]["width"] < total[i]["x"]  # the total apart from +
                assert total[i]["x"] + total[i]["width"] <= width - 8  # on the screen, within the page's margin
            assert await rows[1].locator(".name").evaluate("(n) => n.scrollHeight > n.clientHeight")  # cut at 3 lines
            assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
