"""The staff dashboard's order view on a 360×640 phone: a product named without a space to break at took the whole
table, its SKU and each line's amount drawn a character or two a row ("EVI / L1", "1 / 0, / 5 / 0 / £")."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from domain.catalog import Product
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.browser import DARK, browser_page
from tests.e2e.conftest import ADMIN
from tests.e2e.journeys import add_to_cart, edit_product, order_code, place_cod_order
from tests.e2e.miniapp import init_data, miniapp

pytestmark = pytest.mark.browser

ANN = 581
# How many lines each of an element's texts is drawn on.
LINES = """(node) => { const range = document.createRange(); range.selectNodeContents(node);
  return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size; }"""


@pytest.mark.parametrize(("language", "theme"), [("en", None), ("ru", DARK)])
async def test_an_order_lines_sku_and_amount_read_whole_beside_a_long_name_on_a_phone(
    shop: RunningBot, language: str, theme: dict[str, str] | None
) -> None:
    from playwright.async_api import expect

    def renamed(product: Product) -> None:
        product.name = "Verylongword" * 20

    await edit_product(shop, "23843", renamed)
    ann = SandboxUser(shop.server, ANN, "Ann", language_code=language)
    await ann.send("/start")
    await add_to_cart(ann, "23843", 5)
    code = order_code(await place_cod_order(ann, pickup=True))
    reader = init_data(shop, ADMIN, language=language)
    async with (
        miniapp(shop) as client,
        browser_page(f"dashboard-order-{language}", reader, theme=theme, viewport=(360, 640)) as page,
    ):
        await page.goto(str(client.make_url(f"/app/dashboard#order/{code}")))
        cells = page.locator("#detail table.list tr").nth(1).locator("td")
        await expect(cells.first).to_have_text("23843")
        await expect(cells.last).to_have_text("£10.40" if language == "en" else "10,40\xa0£")
        assert await cells.first.evaluate(LINES) == 1
        assert await cells.last.evaluate(LINES) == 1
        assert await page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        ("en", ["£10.40", "Shipping: £3.70", "Total: £14.10"]),
        ("ru", ["10,40\xa0£", "Доставка: 3,70\xa0£", "Итого: 14,10\xa0£"]),
    ],
)
async def test_an_orders_view_says_its_shipping_so_its_lines_add_up_to_its_total(
    shop: RunningBot, language: str, lines: list[str]
) -> None:
    """A courier order's view listed its goods (£10.40) and a total of £14.10 with nothing between: the delivery
    paid was nowhere, and the sum read wrong to staff. It is said, with the total named, as the customer's order
    screen says them."""
    from playwright.async_api import expect

    ann = SandboxUser(shop.server, ANN, "Ann", language_code=language)
    await ann.send("/start")
    await add_to_cart(ann, "23843", 5)
    code = order_code(await place_cod_order(ann))  # by courier, its delivery £3.70
    async with (
        miniapp(shop) as client,
        browser_page(f"dashboard-shipping-{language}", init_data(shop, ADMIN, language=language)) as page,
    ):
        await page.goto(str(client.make_url(f"/app/dashboard#order/{code}")))
        goods, shipping, total = lines
        await expect(page.locator("#detail table.list tr").nth(1).locator("td").last).to_have_text(goods)
        await expect(page.locator("#detail p.shipping")).to_have_text(shipping)
        await expect(page.locator("#detail p.price")).to_have_text(total)


@pytest.mark.parametrize(
    ("language", "courier", "pickup"),
    [
        ("en", "🚚 Courier delivery", "🏬 Pick up at a store"),
        ("ru", "🚚 Доставка курьером", "🏬 Самовывоз из магазина"),
    ],
)
async def test_an_orders_view_says_where_it_goes_an_address_as_typed_or_the_pickup_points_name(
    shop: RunningBot, language: str, courier: str, pickup: str
) -> None:
    """The dashboard's order view said what was bought and nothing of where it went: a packer with the order open had
    to ask the chat. The address is said as the customer typed it (markup as text), a pickup order's point by name."""
    from playwright.async_api import expect

    ann = SandboxUser(shop.server, ANN, "Ann", language_code=language)
    await ann.send("/start")
    await add_to_cart(ann, "23843", 1)
    await ann.send("/checkout")
    reply = await ann.share_contact("+44 7911 123456")
    reply = await ann.press(reply.last, "🚚")
    reply = await ann.send("<b>221B</b> Baker Street, London NW1 6XE")
    reply = await ann.send_location(51.5237, -0.1585)
    reply = await ann.press(reply.last, reply.last.button_texts()[0])
    by_courier = order_code(await ann.press((await ann.press(reply.last, "💵")).last, "✅"))
    await add_to_cart(ann, "23843", 1)
    at_store = order_code(await place_cod_order(ann, pickup=True))
    async with shop.runtime.sessions() as session:
        point = (await session.scalars(select(m.WarehouseRow).where(m.WarehouseRow.is_pickup_point))).first()
    assert point is not None
    async with (
        miniapp(shop) as client,
        browser_page(f"dashboard-delivery-{language}", init_data(shop, ADMIN, language=language)) as page,
    ):
        await page.goto(str(client.make_url(f"/app/dashboard#order/{by_courier}")))
        said = page.locator('#detail [data-part="delivery"]')
        await expect(said).to_have_text(f"{courier}: <b>221B</b> Baker Street, London NW1 6XE")
        await expect(page.locator("#detail b")).to_have_count(0)
        await page.goto(str(client.make_url(f"/app/dashboard#order/{at_store}")))
        await expect(page.locator("#detail h2")).to_contain_text(at_store)
        await expect(said).to_contain_text(f"{pickup}: {point.name}")
