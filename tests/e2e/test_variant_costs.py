"""A variant row's own price and cost without the currency column, as a spreadsheet of sizes is
filled in (the currency written once, on the parent row): they are in the parent row's currency.
They were dropped without a word for the parent's, so the M8 bolt sold and was valued at the M6's."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from storage import models as m
from tests.e2e.conftest import hire

HEADER = "sku;name;category;price;currency;cost;parent;options\n"
PARENT = "BOLT;Bolt;Fasteners;1,00;GBP;0,40;;Size=M6\n"


async def money(shop: RunningBot) -> dict[str, tuple[int | None, int | None, str | None]]:
    async with shop.runtime.sessions() as session:
        rows = await session.execute(
            select(
                m.ProductRow.sku, m.ProductPriceRow.amount_minor, m.ProductRow.cost_minor, m.ProductRow.cost_currency
            )
            .outerjoin(m.ProductPriceRow, m.ProductPriceRow.product_id == m.ProductRow.id)
            .where(m.ProductRow.sku.like("BOLT%"))
        )
        return {sku: (price, cost, currency) for sku, price, cost, currency in rows}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_variant_rows_own_price_and_cost_are_in_its_parent_rows_currency(
    shop: RunningBot, language: str
) -> None:
    manager = await hire(shop, 88, "Mia", "manager", language=language)
    rows = PARENT + "BOLT-M8;;;1,50;;0,60;BOLT;Size=M8\nBOLT-M10;;;;;0,90;BOLT;Size=M10\nBOLT-M12;;;;;;BOLT;Size=M12\n"
    done = await manager.send_document((HEADER + rows).encode(), "products.csv", "/import")
    assert (
        done.last.text
        == {
            "en": "products: 4 created, 0 updated, 0 unchanged.",
            "ru": "Товары (products): создано 4, изменено 0, без изменений 0.",
        }[language]
    )
    assert await money(shop) == {
        "BOLT": (100, 40, "GBP"),
        "BOLT-M8": (150, 60, "GBP"),
        "BOLT-M10": (100, 90, "GBP"),
        "BOLT-M12": (100, 40, "GBP"),
    }


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_variant_rows_price_with_no_currency_to_take_is_refused_with_its_line(
    shop: RunningBot, language: str
) -> None:
    manager = await hire(shop, 89, "Mia", "manager", language=language)
    rows = "BOLT-M8;;;1,50;;0,60;BOLT;Size=M8\n" + PARENT  # the parent row below it
    refused = await manager.send_document((HEADER + rows).encode(), "products.csv", "/import")
    expected = {
        "en": "price is given without a currency: write it on this row or on its parent row above it",
        "ru": "в столбце price значение без валюты: укажите валюту в этой строке или в строке родителя выше",
    }[language]
    assert f"products.csv:2: {expected}" in refused.last.text, refused.last.text
    assert await money(shop) == {}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_variant_rows_parent_code_that_no_row_carries_is_named_with_its_line(
    shop: RunningBot, language: str
) -> None:
    manager = await hire(shop, 90, "Mia", "manager", language=language)
    rows = PARENT + "BOLT-M8;;;1,50;;0,60;BOLTS;Size=M8\nBOLT-M10;;;;;;BOLTS;Size=M10\n"  # BOLTS for BOLT
    refused = await manager.send_document((HEADER + rows).encode(), "products.csv", "/import")
    expected = {
        "en": "parent BOLTS: no row has this SKU, nor is it a stored product: add its parent row, or give this row "
        "its own name, category, price and currency",
        "ru": "parent BOLTS: ни в одной строке нет такого SKU, и такого товара нет в каталоге: добавьте строку "
        "родителя или укажите в этой строке её собственные name, category, price и currency",
    }[language]
    for line in (3, 4):
        assert f"products.csv:{line}: {expected}" in refused.last.text, refused.last.text
    assert "without a currency" not in refused.last.text and "без валюты" not in refused.last.text
    assert await money(shop) == {}  # all or nothing: the good parent row is not imported either
