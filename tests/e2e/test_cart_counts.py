"""What the chat says the cart holds after ``/add``: a second size of one product is counted as
itself and beside the whole cart, in English and Russian — "In your cart: 1" after two of
another size read as if the first two had gone."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.variants import tshirts

ADDED = {
    "en": (
        "Added Organic cotton T-shirt (S / White) × 2. In your cart: 2. /cart",
        "Added Organic cotton T-shirt (M / White) × 1. In your cart: 1 of this one, 3 in all. /cart",
    ),
    "ru": (
        "Добавлено: Organic cotton T-shirt (S / White) × 2. В корзине: 2. /cart",
        "Добавлено: Organic cotton T-shirt (M / White) × 1. В корзине: 1 этого товара, всего 3. /cart",
    ),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_adding_a_second_size_counts_that_size_and_the_whole_cart(shop: RunningBot, language: str) -> None:
    await tshirts(shop)
    customer = SandboxUser(shop.server, 980, "Вера", language_code=language)
    first, second = ADDED[language]
    assert (await customer.send("/add TEE 2")).last.text == first
    assert (await customer.send("/add TEE-M-WHT")).last.text == second
    async with shop.runtime.sessions() as session:
        rows = await session.execute(
            select(m.ProductRow.sku, m.CartLineRow.quantity)
            .join(m.ProductRow, m.ProductRow.id == m.CartLineRow.product_id)
            .where(m.CartLineRow.customer_id == (await customer_id(shop, 980)))
        )
        assert sorted(tuple(r) for r in rows) == [("TEE", 2), ("TEE-M-WHT", 1)]


async def customer_id(shop: RunningBot, telegram_id: int) -> int:
    async with shop.runtime.sessions() as session:
        found = await session.scalar(select(m.CustomerRow.id).where(m.CustomerRow.telegram_id == telegram_id))
        assert found is not None
        return found
