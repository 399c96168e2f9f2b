"""The staff dashboard's counts grouped in the reader's language, as its money and the low-stock list are:
a busy day's 1,234 orders read "1,234" in English and "1 234" in Russian, in the tiles and in every detail view."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import insert, select, update

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.browser import browser_page
from tests.e2e.conftest import ADMIN
from tests.e2e.journeys import add_to_cart, order_code, place_cod_order
from tests.e2e.miniapp import init_data, miniapp

pytestmark = pytest.mark.browser

CUSTOMER = 521
ORDERS, UNITS, STOCK = 1234, 1200, 20000  # the buyer's 1,200 units, and 1,233 more orders like theirs
GROUPED = {"en": ",", "ru": "\xa0"}


async def busy_day(shop: RunningBot) -> str:
    """A buyer's order of 1,200 units of 23843 from a London shelf of 20,000, then 1,233 more placed the same hour."""
    async with shop.runtime.sessions() as session, session.begin():
        product = await session.scalar(select(m.ProductRow.id).where(m.ProductRow.sku == "23843"))
        lon = await session.scalar(select(m.WarehouseRow.id).where(m.WarehouseRow.code == "LON"))
        await session.execute(
            update(m.StockRow)
            .where(m.StockRow.product_id == product, m.StockRow.warehouse_id == lon)
            .values(on_hand=STOCK)
        )
        bins = select(m.BinRow.id).where(m.BinRow.warehouse_id == lon)
        await session.execute(
            update(m.BinStockRow).where(m.BinStockRow.product_id == product, m.BinStockRow.bin_id.in_(bins))
            .values(quantity=STOCK)
        )  # fmt: skip
    ann = SandboxUser(shop.server, CUSTOMER, "Ann")
    await add_to_cart(ann, "23843", UNITS)
    code = order_code(await place_cod_order(ann, pickup=True))
    async with shop.runtime.sessions() as session, session.begin():
        order = (await session.execute(select(m.OrderRow).where(m.OrderRow.code == code))).scalar_one()
        held = (
            await session.execute(select(m.ReservationRow).where(m.ReservationRow.order_id == order.id))
        ).scalar_one()
        row = _columns(order, "id", "code", "checkout_key")
        ids = (
            await session.scalars(
                insert(m.OrderRow).returning(m.OrderRow.id),
                [row | {"code": f"B{n:05d}"} for n in range(ORDERS - 1)],
            )
        ).all()
        hold = _columns(held, "id", "order_id") | {"quantity": 1}
        await session.execute(insert(m.ReservationRow), [hold | {"order_id": i} for i in ids])
    return code


def _columns(row: Any, *left_out: str) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in left_out}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_dashboard_groups_its_counts_in_the_readers_language(shop: RunningBot, language: str) -> None:
    from playwright.async_api import expect

    code = await busy_day(shop)

    def grouped(n: int) -> str:
        return f"{n:,}".replace(",", GROUPED[language])

    async with miniapp(shop) as client, browser_page(f"dashboard-numbers-{language}",
                                                    init_data(shop, ADMIN, language=language)) as page:  # fmt: skip
        await page.goto(str(client.make_url("/app/dashboard")))
        await expect(page.locator('[data-tile="by_status"] li[data-status="allocated"]')).to_contain_text(
            f": {grouped(ORDERS)}"
        )
        lon = page.locator('[data-tile="picking"] tr[data-warehouse="LON"]')
        await expect(lon.locator('[data-stage="allocated"]')).to_have_text(grouped(ORDERS))
        await expect(page.locator('[data-figure="today_orders"]')).to_have_text(grouped(ORDERS))

        await page.goto(str(client.make_url("/app/dashboard#chart")))
        hours = page.locator("#detail table.list tr").nth(1)
        await expect(hours.locator("td").nth(1)).to_have_text(grouped(ORDERS))

        await page.goto(str(client.make_url("/app/dashboard#list/queue/LON")))
        first = page.locator("#detail table.list tr").nth(1)
        await expect(first.locator("td").first).to_have_text(code)
        await expect(first.locator("td").nth(3)).to_have_text(grouped(UNITS))

        await page.goto(str(client.make_url(f"/app/dashboard#order/{code}")))
        line = page.locator("#detail table.list tr").nth(1)
        await expect(line.locator("td").nth(2)).to_have_text(grouped(UNITS))
        await expect(page.locator("#detail")).to_contain_text(f"23843 × {grouped(UNITS)}")

        await page.goto(str(client.make_url("/app/dashboard#product/23843")))
        shelf = page.locator('#detail [data-warehouse="LON"]')
        for figure in (STOCK - UNITS, STOCK, UNITS):  # available, on hand, reserved (the buyer's)
            await expect(shelf.locator("h3")).to_contain_text(grouped(figure))
        await expect(shelf.locator("td").nth(1)).to_have_text(grouped(STOCK))
