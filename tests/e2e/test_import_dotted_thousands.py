"""A products file saved with semicolons and decimal commas (a German or Russian Excel): a price
written "1.250" read as €1.25 although the same file's "1.234,50" read the dot as grouping thousands."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from storage import models as m
from tests.e2e.conftest import hire

ROWS = (
    "\ufeffsku;name;category;price;currency\n"
    "CND-1;Lavender candle;Candles;12,50;GBP\n"
    "CND-2;Candle wall;Candles;1.250;GBP\n"
)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_price_with_a_dot_before_three_digits_in_a_decimal_comma_file_is_refused_as_ambiguous(
    shop: RunningBot, language: str
) -> None:
    manager = await hire(shop, 71, "Olga", "manager", language=language)
    reply = await manager.send_document(ROWS.encode(), "products.csv", caption="/import products")
    expected = {
        "en": "products.csv:3: price: 1.250 could be 1250 or 1,25: write 1250, or 1,25 with a decimal comma.",
        "ru": "products.csv:3: price: 1.250 — это 1250 или 1,25? Напишите 1250 или 1,25 (с десятичной запятой).",
    }[language]
    assert expected in reply.last.text, reply.last.text
    async with shop.runtime.sessions() as session:
        assert (await session.scalars(select(m.ProductRow).where(m.ProductRow.sku.in_(["CND-1", "CND-2"])))).all() == []
    fixed = ROWS.replace("1.250;", "1.250,00;").encode()
    reply = await manager.send_document(fixed, "products.csv", caption="/import products")
    async with shop.runtime.sessions() as session:
        price = (
            await session.scalars(
                select(m.ProductPriceRow.amount_minor)
                .join(m.ProductRow, m.ProductRow.id == m.ProductPriceRow.product_id)
                .where(m.ProductRow.sku == "CND-2")
            )
        ).one()
    assert price == 125000, reply.last.text
