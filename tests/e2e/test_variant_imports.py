"""A products file's variants against what is stored, through the chat's /import in English and
Russian: a barcode another stored product carries, or a stored variant as a parent, is refused with
the line, and nothing is written; a barcode moved within the file is taken as the file says. The
category is the product's, as in /product: a variant row giving another than its parent's is
refused naming the parent's, and a family's stored variants the file leaves out follow its rows,
each audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.family_category import FAMILY, audit, categories
from tests.e2e.variants import tshirts

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


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_variant_row_in_another_category_than_its_parents_is_refused_naming_the_parents_and_the_line(
    shop: RunningBot, language: str
) -> None:
    await tshirts(shop)
    manager = await hire(shop, 82, "Mia", "manager", language=language)
    rows = PARENT + "TEE-M-WHT,,,,,,,TEE,Size=M;Colour=White\nTEE-L-WHT,,Party,,,,,TEE,Size=L;Colour=White\n"
    refused = await manager.send_document((HEADER + rows).encode(), "products.csv", "/import")
    said = {
        "en": "products.csv:4: category must be Clothing, as for TEE on line 2: "
        "a product's variants share one category; got Party",
        "ru": "products.csv:4: категория должна быть Clothing, как у TEE в строке 2: "
        "у вариантов товара одна категория; указано Party",
    }[language]
    assert said in refused.last.text
    assert await categories(shop) == dict.fromkeys(FAMILY, "Clothing") and await audit(shop) == []


@pytest.mark.parametrize(
    "row",
    [
        "TEE,Organic cotton T-shirt,Home decor,12.00,GBP,2009000000001,180,,Size=S;Colour=White\n",  # the parent
        "TEE-L-NVY,Organic cotton T-shirt,Home decor,13.00,GBP,2009005000006,,TEE,Size=L;Colour=Navy\n",  # no parent
    ],
)
async def test_a_file_moving_one_row_of_a_product_moves_its_stored_variants_too_each_audited(
    shop: RunningBot, row: str
) -> None:
    await tshirts(shop)
    manager = await hire(shop, 83, "Mia", "manager")
    done = await manager.send_document((HEADER + row).encode(), "products.csv", "/import")
    assert done.last.text == "products: 0 created, 1 updated, 0 unchanged."
    assert await categories(shop) == dict.fromkeys(FAMILY, "Home decor")
    assert await audit(shop) == [(sku, "staff:83", "category", "Clothing", "Home decor") for sku in sorted(FAMILY)]


@pytest.mark.parametrize(("language", "name", "description"), [("ru", "Худи", "Тёплое"), ("en", "Hoodie", "Warm")])
async def test_every_variant_of_an_imported_parent_is_named_in_the_readers_language(
    shop: RunningBot, language: str, name: str, description: str
) -> None:
    from domain.usecases.imports.products import import_products
    from domain.usecases.imports.stock import import_stock
    from sandbox import SandboxUser

    runtime = shop.runtime
    products = "sku,name,category,price,currency,parent,options,name_ru,description,description_ru\n" + (
        "HOOD,Hoodie,Clothing,30.00,GBP,,Size=S,Худи,Warm,Тёплое\nHOOD-M,,,,,HOOD,Size=M,,,\n"
    )
    await import_products(runtime.uow(), runtime.clock, products)
    await import_stock(runtime.uow(), runtime.clock, "sku,warehouse,bin,quantity\nHOOD,LON,,5\nHOOD-M,LON,,5\n")
    ivan = SandboxUser(shop.server, 700, "Ivan", language_code=language)
    card = (await ivan.send("/start p_HOOD")).last
    assert f"<b>{name}</b>" in (card.html or "") and description in card.text
    card = (await ivan.press(card, "M")).last
    assert "HOOD-M" in card.text and f"<b>{name}</b>" in (card.html or "") and description in card.text
