"""The Mini App's numbers in the reader's language, as the dashboard's are: a count grouped by common.js ``count``
("1,234" / "1 234"), a time and money as the server says them (the chat's words), in the catalog admin, the
storefront's cart and an order's screen."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select, update

from bot.harness import RunningBot
from handlers.views.dates import format_moment
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.browser import browser_page
from tests.e2e.catalog_admin_web import product_id
from tests.e2e.conftest import ADMIN
from tests.e2e.journeys import add_to_cart
from tests.e2e.miniapp import init_data, miniapp, tma

pytestmark = pytest.mark.browser

ANN = 523
STOCK, UNITS, CHANGES = 20000, 1200, 1234
AT = datetime(2030, 1, 2, 15, 4, tzinfo=UTC)  # newer than the fixture's own changes: the history's first line
GROUPED = {"en": ",", "ru": "\xa0"}
IMPORT = {"en": "import", "ru": "импорт"}


def grouped(n: int, language: str) -> str:
    return f"{n:,}".replace(",", GROUPED[language])


async def stocked(shop: RunningBot, sku: str) -> int:
    """``sku`` with 20,000 on each of its shelves."""
    pid = await product_id(shop, sku)
    async with shop.runtime.sessions() as session, session.begin():
        await session.execute(update(m.StockRow).where(m.StockRow.product_id == pid).values(on_hand=STOCK))
        await session.execute(update(m.BinStockRow).where(m.BinStockRow.product_id == pid).values(quantity=STOCK))
    return pid


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_catalog_admin_says_its_counts_times_and_actors_in_the_readers_language(
    shop: RunningBot, language: str
) -> None:
    """On hand and the history's count were "20000" and "(1234)", each change's time "2030-01-02 15:04" (UTC, ISO)
    and a products file's change "import" in Russian too; they read as the chat's /product history says them."""
    from playwright.async_api import expect

    pid = await stocked(shop, "23843")
    async with shop.runtime.sessions() as session, session.begin():
        made = await session.scalar(select(m.ProductChangeRow.id).where(m.ProductChangeRow.product_id == pid).limit(1))
        assert made is not None  # the fixture's import made it: its changes, and ours up to 1,234
        had = len(
            (await session.scalars(select(m.ProductChangeRow.id).where(m.ProductChangeRow.product_id == pid))).all()
        )
        change = {"product_id": pid, "at": AT, "actor": "import", "field": "barcode", "before": "", "after": "5012"}
        await session.execute(insert(m.ProductChangeRow), [change] * (CHANGES - had))
    when = format_moment(AT, shop.runtime.dp["renderer"].timezone.key, language)
    async with miniapp(shop) as client, browser_page(f"catalog-numbers-{language}",
                                                    init_data(shop, ADMIN, language=language)) as page:  # fmt: skip
        sheet = await (await client.get(f"/app/api/catalog/products/{pid}", headers=tma(shop, ADMIN))).json()
        assert sheet["on_hand"] >= 1000 and sheet["available"] >= 1000
        await page.goto(str(client.make_url("/app/catalog")))
        await page.locator("#q").fill("23843")
        await page.locator('#products li[data-sku="23843"] button.open').click()
        view = page.locator("#product-view")
        await expect(view.locator("p.hint").first).to_contain_text(grouped(sheet["on_hand"], language))
        await expect(view.locator("p.hint").first).to_contain_text(grouped(sheet["available"], language))
        await expect(view.locator("section.panel h2").last).to_contain_text(f"({grouped(CHANGES, language)})")
        await expect(view.locator(".history li").first).to_have_text(f"{when} · {IMPORT[language]} · " + (
            "Barcode" if language == "en" else "Штрихкод") + ": — → 5012")  # fmt: skip


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_storefront_groups_a_cart_and_an_orders_quantities_in_the_readers_language(
    shop: RunningBot, language: str
) -> None:
    """1,200 units read "1200" on 🛒, in the cart and on the order's screen ("× 1200"); grouped as its money is."""
    from playwright.async_api import expect

    await stocked(shop, "23843")
    await SandboxUser(shop.server, ANN, "Ann", language_code=language).send("/start")
    await add_to_cart(SandboxUser(shop.server, ANN, "Ann", language_code=language), "23843", UNITS)  # the chat's /add
    headers = tma(shop, ANN)
    async with miniapp(shop) as client, browser_page(f"storefront-numbers-{language}",
                                                    init_data(shop, ANN, language=language)) as page:  # fmt: skip
        await page.goto(str(client.make_url("/app/shop")))
        await expect(page.locator("#cart-count")).to_have_text(grouped(UNITS, language))
        await page.locator("#cart-button").click()
        await expect(page.locator('li[data-sku="23843"] .quantity')).to_have_text(grouped(UNITS, language))

        options = await (await client.get("/app/api/shop/checkout", headers=headers)).json()
        order = {"key": "n" * 32, "phone": "+44 7911 123456", "payment": "cod",
                 "pickup_id": options["pickup_points"][0]["id"]}  # fmt: skip
        placed = await client.post("/app/api/shop/checkout", json=order, headers=headers)
        assert placed.status == 201, await placed.text()
        code = (await placed.json())["code"]
        await page.locator("#orders-button").click()
        await page.locator(f'button.order-row[data-order="{code}"]').click()
        line = page.locator(f'article.order[data-order="{code}"] li[data-sku="23843"]')
        await expect(line.locator(".each")).to_have_text(f"× {grouped(UNITS, language)}")
