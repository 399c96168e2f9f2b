"""A products file's variants against what is stored, through the chat's /import in English and
Russian: a barcode another stored product carries is refused with the line, and nothing is written."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.test_variants import tshirts

HEADER = "sku,name,category,price,currency,barcode,weight_g,parent,options\n"
REFUSED = {
    "en": "products.csv:4: Barcode 2009001000000 already belongs to TEE-M-WHT.",
    "ru": "products.csv:4: Штрихкод 2009001000000 уже принадлежит TEE-M-WHT.",
}


async def skus_and_barcodes(shop: RunningBot) -> list[tuple[str, str | None]]:
    async with shop.runtime.sessions() as session:
        rows = await session.execute(select(m.ProductRow.sku, m.ProductRow.barcode).order_by(m.ProductRow.sku))
        return [tuple(r) for r in rows]  # type: ignore[misc]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_new_variant_with_a_stored_products_barcode_is_refused_naming_the_line(
    shop: RunningBot, language: str
) -> None:
    await tshirts(shop)
    manager = await hire(shop, 80, "Mia", "manager", language=language)
    before = await skus_and_barcodes(shop)
    taken = (
        HEADER
        + "TEE-XXL-WHT,,,,,,,TEE,Size=XXL;Colour=White\nTEE-XXL-NVY,,,,,2009001000000,,TEE,Size=XXL;Colour=Navy\n"
    )
    parent = "TEE,Organic cotton T-shirt,Clothing,12.00,GBP,2009000000001,180,,Size=S;Colour=White\n"
    refused = await manager.send_document(
        (HEADER + parent + taken.removeprefix(HEADER)).encode(), "products.csv", "/import"
    )
    assert REFUSED[language] in refused.last.text
    assert await skus_and_barcodes(shop) == before


async def test_a_barcode_moved_between_products_in_one_file_is_taken_as_the_file_says(shop: RunningBot) -> None:
    await tshirts(shop)
    manager = await hire(shop, 81, "Mia", "manager")
    parent = "TEE,Organic cotton T-shirt,Clothing,12.00,GBP,2009000000001,180,,Size=S;Colour=White\n"
    moved = "TEE-M-WHT,,,,,,,TEE,Size=M;Colour=White\nTEE-XXL-WHT,,,,,2009001000000,,TEE,Size=XXL;Colour=White\n"
    done = await manager.send_document((HEADER + parent + moved).encode(), "products.csv", "/import")
    assert "1 created" in done.last.text
    barcodes = dict(await skus_and_barcodes(shop))
    assert (barcodes["TEE-M-WHT"], barcodes["TEE-XXL-WHT"]) == (None, "2009001000000")
