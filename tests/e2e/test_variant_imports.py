"""A products file's variants against what is stored, through the chat's /import in English and
Russian: a barcode another stored product carries, or a stored variant as a parent, is refused with
the line, and nothing is written; a barcode moved within the file is taken as the file says."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.test_variants import tshirts

HEADER = "sku,name,category,price,currency,barcode,weight_g,parent,options\n"
PARENT = "TEE,Organic cotton T-shirt,Clothing,12.00,GBP,2009000000001,180,,Size=S;Colour=White\n"
BAD_ROWS = {  # a file's row against what is stored, and the problem named in English and Russian
    "a stored product's barcode": (
        PARENT
        + "TEE-XXL-WHT,,,,,,,TEE,Size=XXL;Colour=White\nTEE-XXL-NVY,,,,,2009001000000,,TEE,Size=XXL;Colour=Navy\n",
        "products.csv:4: Barcode 2009001000000 already belongs to TEE-M-WHT.",
        "products.csv:4: Штрихкод 2009001000000 уже принадлежит TEE-M-WHT.",
    ),
    "a stored variant as parent": (
        "TEE-M-NVY-KIDS,Kids tee,Clothing,9.00,GBP,,,TEE-M-NVY,Size=XS\n",
        "products.csv:2: parent TEE-M-NVY is itself a variant of TEE: a parent row has no parent",
        "products.csv:2: родитель TEE-M-NVY сам является вариантом TEE: у строки родителя не бывает родителя",
    ),
}


async def skus_and_barcodes(shop: RunningBot) -> list[tuple[str, str | None]]:
    async with shop.runtime.sessions() as session:
        rows = await session.execute(select(m.ProductRow.sku, m.ProductRow.barcode).order_by(m.ProductRow.sku))
        return [tuple(r) for r in rows]  # type: ignore[misc]


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("case", list(BAD_ROWS))
async def test_a_row_at_odds_with_the_stored_variants_is_refused_naming_the_line_and_nothing_is_written(
    shop: RunningBot, case: str, language: str
) -> None:
    await tshirts(shop)
    manager = await hire(shop, 80, "Mia", "manager", language=language)
    before = await skus_and_barcodes(shop)
    rows, english, russian = BAD_ROWS[case]
    refused = await manager.send_document((HEADER + rows).encode(), "products.csv", "/import")
    assert (english if language == "en" else russian) in refused.last.text
    assert await skus_and_barcodes(shop) == before


async def test_a_barcode_moved_between_products_in_one_file_is_taken_as_the_file_says(shop: RunningBot) -> None:
    await tshirts(shop)
    manager = await hire(shop, 81, "Mia", "manager")
    moved = "TEE-M-WHT,,,,,,,TEE,Size=M;Colour=White\nTEE-XXL-WHT,,,,,2009001000000,,TEE,Size=XXL;Colour=White\n"
    done = await manager.send_document((HEADER + PARENT + moved).encode(), "products.csv", "/import")
    assert "1 created" in done.last.text
    barcodes = dict(await skus_and_barcodes(shop))
    assert (barcodes["TEE-M-WHT"], barcodes["TEE-XXL-WHT"]) == (None, "2009001000000")
