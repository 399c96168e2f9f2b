"""Words a picker or packer sends while scanning (a question, a pasted note, markup) are answered with what a scan
is, not with «Quantity must be a whole number from 1 to 9999»: nobody typed a quantity (en and ru)."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from tests.e2e.conftest import hire
from tests.e2e.journeys import order, picked_order, status

SAID = {
    "en": "“{typed}” is not a scan: send the item's SKU or barcode, or a photo of the barcode;"
    " for more than one, the count after it (2 or x2).",
    "ru": "«{typed}» — не скан: пришлите артикул или штрихкод товара либо фото штрихкода;"
    " если штук несколько — число после него (2 или x2).",
}
SINGLE = {"en": "Single order", "ru": "Один заказ"}
QUESTION = {"en": "where is the ladder?", "ru": "где стремянка?"}
WITH_A_NUMBER = {"en": "where is bin A3?", "ru": "где полка 3?"}  # a digit in it is no quantity typed


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_words_sent_while_picking_are_answered_with_what_a_scan_is(shop: RunningBot, language: str) -> None:
    code = await order(shop, 160 + len(language), {"22197": 1})
    picker = await hire(shop, 80 + len(language), "Pia", "picker", "LON", language=language)
    await picker.press((await picker.send("/pick")).last, SINGLE[language])
    asked = await picker.send(QUESTION[language])
    assert asked.last.text == SAID[language].format(typed=QUESTION[language])
    asked = await picker.send(WITH_A_NUMBER[language])
    assert asked.last.text == SAID[language].format(typed=WITH_A_NUMBER[language])
    hostile = "<b>22197</b> <i>please</i> " + "Я" * 5000
    refused = (await picker.send(hostile)).last.text
    assert refused.startswith(SAID[language].split("{typed}")[0] + "<b>22197</b> <i>please</i> ЯЯЯ")
    assert len(refused) < 400
    assert (await picker.send("22197 two")).last.text == SAID[language].format(typed="22197 two")
    assert (await picker.send("22197 0")).last.text.startswith(("Quantity must", "Количество должно"))
    assert await status(shop, code) == "picking"  # nothing counted: the one scan left finishes the round
    assert await picker.send("22197") and await status(shop, code) == "picked"


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_words_sent_while_packing_are_answered_with_what_a_scan_is(shop: RunningBot, language: str) -> None:
    code = await picked_order(shop, 170 + len(language), {"85123A": 2})
    packer = await hire(shop, 90 + len(language), "Pax", "packer", "LON", language=language)
    await packer.send(f"/pack {code}")
    asked = await packer.send(QUESTION[language])
    assert asked.last.text == SAID[language].format(typed=QUESTION[language])
    asked = await packer.send(WITH_A_NUMBER[language])
    assert asked.last.text == SAID[language].format(typed=WITH_A_NUMBER[language])
    assert await status(shop, code) == "picked"


TWO_CODES = {
    "en": "“{typed}” holds more than one code: send one code at a time; for more than one unit, the count after it"
    " (2 or x2).",
    "ru": "«{typed}» — больше одного кода: присылайте коды по одному; если штук несколько — число после кода"
    " (2 или x2).",
}
AT_BIN = {
    "en": "“{typed}” names a bin, not an item: this line is picked from bin {bin}; send the SKU or barcode of the item"
    " there.",
    "ru": "«{typed}» — это ячейка, а не товар: эта строка собирается из ячейки {bin}; пришлите артикул или штрихкод"
    " товара оттуда.",
}
A_BIN = {
    "en": "“{typed}” names a bin, not an item: send the item's SKU or barcode, or a photo of the barcode.",
    "ru": "«{typed}» — это ячейка, а не товар: пришлите артикул или штрихкод товара либо фото штрихкода.",
}
BIN_WORD = {"en": "bin A3", "ru": "ячейка A3"}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_picker_sending_two_codes_or_a_bin_is_told_so_and_which_bin_the_line_is_at(
    shop: RunningBot, language: str
) -> None:
    """«JAR-1 JAR-2» and «bin A3» were answered «Quantity must be a whole number from 1 to 9999»: nobody typed one.
    Two codes are asked for one at a time; a bin is told to be no item, with the bin this line is picked from."""
    code = await order(shop, 190 + len(language), {"22197": 1})
    picker = await hire(shop, 110 + len(language), "Pia", "picker", "LON", language=language)
    await picker.press((await picker.send("/pick")).last, SINGLE[language])
    assert (await picker.send("22197 85123A")).last.text == TWO_CODES[language].format(typed="22197 85123A")
    named = await picker.send(BIN_WORD[language])
    assert named.last.text == AT_BIN[language].format(typed=BIN_WORD[language], bin="A-03-03-3")
    assert await status(shop, code) == "picking"  # nothing counted
    assert await picker.send("22197") and await status(shop, code) == "picked"


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_packer_sending_two_codes_or_a_bin_is_told_so(shop: RunningBot, language: str) -> None:
    code = await picked_order(shop, 195 + len(language), {"85123A": 2})
    packer = await hire(shop, 115 + len(language), "Pax", "packer", "LON", language=language)
    await packer.send(f"/pack {code}")
    assert (await packer.send("85123A 85099B")).last.text == TWO_CODES[language].format(typed="85123A 85099B")
    named = await packer.send(BIN_WORD[language])
    assert named.last.text == A_BIN[language].format(typed=BIN_WORD[language])
    assert await status(shop, code) == "picked"


COUNTED = {"en": "{sku}: 3 counted in bin A-01-01-1.", "ru": "{sku}: в ячейке A-01-01-1 насчитано 3."}
ITEM_NAMED_AS_A_BIN = {"en": "BIN", "ru": "SHELF"}  # SKUs are Latin (SKU_PATTERN): none is ЯЧЕЙКА


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_item_whose_code_is_a_bin_word_is_scanned_with_its_count(shop: RunningBot, language: str) -> None:
    """«BIN 2» was always taken for a bin named («bin 2»): an item whose SKU is BIN could not be scanned with a
    count. A text that is an item's code and a count is that scan."""
    sku = ITEM_NAMED_AS_A_BIN[language]
    runtime = shop.runtime
    await import_products(runtime.uow(), runtime.clock, f"sku,name,category,price,currency\n{sku},Bin,Gadgets,5,GBP\n")
    await import_stock(runtime.uow(), runtime.clock, f"sku,warehouse,bin,quantity\n{sku},LON,A-01-01-1,5\n")
    code = await order(shop, 200 + len(language), {sku: 2})
    picker = await hire(shop, 120 + len(language), "Pia", "picker", "LON", language=language)
    await picker.press((await picker.send("/pick")).last, SINGLE[language])
    await picker.send(f"{sku.lower()} 1")  # typed in lower case, as a phone does: the item still, not a bin
    await picker.send(f"{sku} 1")
    assert await status(shop, code) == "picked"
    packer = await hire(shop, 130 + len(language), "Pax", "packer", "LON", language=language)
    await packer.send(f"/pack {code}")
    scanned = await packer.send(f"{sku.lower()} 2")
    assert A_BIN[language].format(typed=f"{sku.lower()} 2") != scanned.last.text
    await packer.press(scanned.last, "✅")  # every item scanned: the box is offered
    counter = await hire(shop, 140 + len(language), "Mia", "manager", "LON", language=language)
    await counter.send("/count A-01-01-1")
    counted = await counter.send(f"{sku.lower()} 3")
    assert counted.last.text == COUNTED[language].format(sku=sku)
