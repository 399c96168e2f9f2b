"""A product with no price in a currency the shop takes cannot be bought, and never blocks
the rest of a cart."""

from __future__ import annotations

from sqlalchemy import delete, select

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN
from tests.e2e.journeys import add_to_cart, order_code, place_cod_order, stock


async def _price_only_in_roubles(shop: RunningBot, sku: str) -> None:
    async with shop.runtime.uow() as uow:
        product_id = await uow.session.scalar(select(m.ProductRow.id).where(m.ProductRow.sku == sku))
        await uow.session.execute(delete(m.ProductPriceRow).where(m.ProductPriceRow.product_id == product_id))
        uow.session.add(m.ProductPriceRow(product_id=product_id, currency="RUB", amount_minor=29900))
        await uow.commit()


async def test_a_product_priced_only_in_a_currency_without_a_rate_is_shown_unavailable_and_refused(
    shop: RunningBot,
) -> None:
    await _price_only_in_roubles(shop, "85123A")  # the shop's base is GBP; no RUB rate
    alice = SandboxUser(shop.server, 800, "Alice")
    card = (await alice.send("/start p_85123A")).last
    assert "Not for sale in GBP" in card.text and "In stock" not in card.text
    assert not any("Add to cart" in text for text in card.button_texts())

    before = await stock(shop, "85123A")
    refused = await add_to_cart(alice, "85123A", 2)
    assert "has no price in a currency we take" in refused.last.text
    assert await stock(shop, "85123A") == before  # nothing held

    await add_to_cart(alice, "22197", 2)
    cart = (await alice.send("/cart")).last.text
    assert "Popcorn Holder × 2" in cart and "£1.70" in cart


async def test_a_line_that_loses_its_rate_is_left_out_and_the_rest_is_ordered(shop: RunningBot) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    await admin.send("/fx RUB 100")
    await _price_only_in_roubles(shop, "85123A")
    alice = SandboxUser(shop.server, 800, "Alice")
    assert "£2.99" in (await alice.send("/start p_85123A")).last.text  # ₽299 through the rate
    await add_to_cart(alice, "85123A", 1)

    async with shop.runtime.uow() as uow:  # the rate goes away while it sits in the cart
        await uow.session.execute(delete(m.FxRateRow))
        await uow.commit()
    alone = (await alice.send("/checkout")).last.text  # nothing left to order: said at once, and why
    assert "no price in a currency we take" in alone and "Your cart is empty" in alone and "step 1" not in alone

    await add_to_cart(alice, "22197", 2)
    cart = (await alice.send("/cart")).last.text
    assert "no price in a currency we take" in cart and "Popcorn Holder × 2" in cart and "£1.70" in cart

    code = order_code(await place_cod_order(alice))
    async with shop.runtime.sessions() as session:
        order_id = await session.scalar(select(m.OrderRow.id).where(m.OrderRow.code == code))
        skus = list(await session.scalars(select(m.OrderLineRow.sku).where(m.OrderLineRow.order_id == order_id)))
    assert skus == ["22197"]
    assert [reserved for _, _, reserved in await stock(shop, "85123A")] == [0] * len(await stock(shop, "85123A"))
