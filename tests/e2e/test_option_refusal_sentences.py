"""/product ✏️ Options refuses in whole sentences (en/ru), and an option the product does not have is named with
those it has; nothing is changed."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from domain.usecases.imports.products import import_products
from tests.e2e.catalog_management import _changes, _product
from tests.e2e.conftest import hire
from tests.e2e.variants import tshirts

SAID = {
    "en": {
        "options": "✏️ Options",
        "garbage": "Options are written as Name=value; Name=value (up to 3), not “garbage”.",
        "fit": "Fit is not an option of this product; its options are Size and Colour.",
        "hostile": "<i>Fit</i> is not an option of this product; its options are Size and Colour.",
        "only": "Fit is not an option of this product; its only option is Size.",
        "many": "A product has at most 3 options, not 4.",
        "long": "An option's name or value is up to 64 characters; “<b>xxxxxxxxxxxxxxxxx…” has 5003.",
    },
    "ru": {
        "options": "✏️ Опции",
        "garbage": "Опции записываются как Название=значение; Название=значение (не больше 3), а не «garbage».",
        "fit": "У этого товара нет опции Fit; его опции — Size и Colour.",
        "hostile": "У этого товара нет опции <i>Fit</i>; его опции — Size и Colour.",
        "only": "У этого товара нет опции Fit; его единственная опция — Size.",
        "many": "У товара не больше 3 опций, а здесь 4.",
        "long": "Название или значение опции не длиннее 64 символов, а в нём 5003: «<b>xxxxxxxxxxxxxxxxx…».",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_bad_options_are_refused_in_sentences_naming_an_option_the_product_does_not_have(
    shop: RunningBot, language: str
) -> None:
    said = SAID[language]
    await tshirts(shop)
    manager = await hire(shop, 75, "Mia", "manager", language=language)
    sheet = await manager.send("/product TEE-L-NVY")
    await manager.press(sheet.last, said["options"])
    for typed, expected in (
        ("garbage", "garbage"),
        ("Fit=Slim", "fit"),
        ("size=M; Fit=Slim", "fit"),  # its options named as stored, whatever case they are typed in
        ("Size=M; Colour=Navy; Fit=Slim", "fit"),
        ("<i>Fit</i>=Slim", "hostile"),
        ("A=1;B=2;C=3;D=4", "many"),
        ("Size=<b>" + "x" * 5000, "long"),
    ):
        assert (await manager.send(typed)).last.text == said[expected], typed
    row = await _product(shop, "TEE-L-NVY")
    assert (row.option1, row.option2) == ("L", "Navy")
    assert await _changes(shop, "TEE-L-NVY") == [("import", "created", "", "TEE-L-NVY (Size=L; Colour=Navy)")]

    await import_products(
        shop.runtime.uow(),
        shop.runtime.clock,
        "sku,name,category,price,currency,options\nPOLO,Pique polo,Clothing,20.00,GBP,Size=M\n",
    )
    await manager.send("/cancel")
    await manager.press((await manager.send("/product POLO")).last, said["options"])
    assert (await manager.send("Fit=Slim")).last.text == said["only"]
    assert (await _product(shop, "POLO")).option1 == "M"
