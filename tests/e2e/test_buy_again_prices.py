"""Buy again names a product whose price changed since the order, with both prices, before the
customer reaches checkout, in English and Russian; it said only "Prices and availability are
today's" and the dearer price was found on the bill."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.journeys import add_to_cart, order_code, place_cod_order

TOLD = {
    "en": ("🛒 Buy again", "💱 White Hanging Heart T-Light Holder: £3.25 each now (the order paid £2.95)."),
    "ru": (
        "🛒 Купить снова",
        "💱 Белый подвесной подсвечник «Сердце»: теперь 3,25\xa0£ за штуку (в заказе было 2,95\xa0£).",
    ),
}


async def _reprice(shop: RunningBot, sku: str, minor: int) -> None:
    async with shop.runtime.sessions() as session:
        product = await session.scalar(select(m.ProductRow.id).where(m.ProductRow.sku == sku))
        await session.execute(
            update(m.ProductPriceRow)
            .where(m.ProductPriceRow.product_id == product, m.ProductPriceRow.currency == "GBP")
            .values(amount_minor=minor)
        )
        await session.commit()


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_buy_again_names_a_changed_price_with_the_old_one_before_checkout(
    shop: RunningBot, language: str
) -> None:
    press, told = TOLD[language]
    buyer = SandboxUser(shop.server, 995, "Ольга", language_code=language)
    await add_to_cart(buyer, "85123A", 3)
    await add_to_cart(buyer, "22197", 1)
    code = order_code(await place_cod_order(buyer))
    await _reprice(shop, "85123A", 325)
    again = await buyer.press((await buyer.send(f"/track {code}")).last, press)
    summary = again.new[-2].text.splitlines()
    assert told in summary
    assert not any("Popcorn" in line and "💱" in line for line in summary)  # its price did not change
    assert "× 3 — " in again.new[-1].text and ("£9.75" in again.new[-1].text or "9,75" in again.new[-1].text)
