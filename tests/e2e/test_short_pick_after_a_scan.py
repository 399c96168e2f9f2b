"""A short pick reported after some units of the line were scanned: the picker is asked only for
the units still missing, so the one already in the tote is not counted twice (en and ru)."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from domain.usecases.imports.products import import_products
from tests.e2e.conftest import hire
from tests.e2e.journeys import jars, order, status, stock

ASKED = {
    "en": "Scanned into tote 1 already: 1 of 3 × 21212. How many more did you find in the bin? "
    "Send a number (0 if none).",
    "ru": "Уже в контейнере 1: 1 из 3 × 21212. Сколько ещё нашлось в ячейке? Пришлите число (0, если больше нет).",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_short_pick_after_a_scan_asks_only_for_the_units_not_yet_scanned(
    shop: RunningBot, language: str
) -> None:
    """Pia scanned 1 of 3 and pressed Short pick: she was asked «how many did you find in the bin?»,
    and a picker who answers 1 (the one in her hand) had it counted a second time."""
    code = await order(shop, 540, {"21212": 3})  # all in LON's B-02-08-2
    pia = await hire(shop, 87, "Pia", "picker", "LON", language=language)
    step = await pia.press((await pia.send("/pick")).last, {"en": "Single order", "ru": "Один заказ"}[language])
    assert "3 × 21212" in step.last.text
    scanned = await pia.send("21212")
    assert "2 × 21212" in scanned.last.text
    asked = await pia.press(scanned.last, {"en": "Short pick", "ru": "Недостача"}[language])
    assert asked.last.text == ASKED[language]
    await pia.send("0")
    assert await status(shop, code) == "on_hold"
    assert await stock(shop, "21212") == [("LON", 698, 1)]  # the scanned one kept in the tote, two written off


NOT_A_COUNT = {
    "en": "Send how many you found in the bin as a number: 0 if none.",
    "ru": "Пришлите числом, сколько нашлось в ячейке: 0, если ничего.",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_short_count_that_is_not_a_number_is_asked_again_with_zero_allowed(
    shop: RunningBot, language: str
) -> None:
    """Asked for a number «0 if none», a picker who typed a word read «Quantity must be a whole number
    from 1 to 9999»: the 0 they had just been told to send looked refused. One who scanned the item
    (SKU 21212, digits only) was told only 2 more are needed on the line, taken for 21,212 found."""
    code = await order(shop, 541, {"21212": 3})
    pia = await hire(shop, 88, "Pia", "picker", "LON", language=language)
    step = await pia.press((await pia.send("/pick")).last, {"en": "Single order", "ru": "Один заказ"}[language])
    await pia.press(step.last, {"en": "Short pick", "ru": "Недостача"}[language])
    assert (await pia.send({"en": "none", "ru": "нет"}[language])).last.text == NOT_A_COUNT[language]
    assert (await pia.send("21212")).last.text == NOT_A_COUNT[language]  # the item scanned out of habit
    assert (await pia.send("2002121200008")).last.text == NOT_A_COUNT[language]  # or its barcode
    await pia.send("0")
    assert await status(shop, code) == "on_hold"


MORE_NOT_A_COUNT = {
    "en": "Send how many more you found in the bin as a number: 0 if no more.",
    "ru": "Пришлите числом, сколько ещё нашлось в ячейке: 0, если больше нет.",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_bad_count_after_a_scan_asks_again_for_how_many_more(shop: RunningBot, language: str) -> None:
    """Asked «how many more did you find» with 1 of 3 in the tote, a picker who typed a word was told «send how many
    you found»: the one in the tote, counted again, would have been picked twice."""
    code = await order(shop, 542, {"21212": 3})
    pia = await hire(shop, 89, "Pia", "picker", "LON", language=language)
    await pia.press((await pia.send("/pick")).last, {"en": "Single order", "ru": "Один заказ"}[language])
    scanned = await pia.send("21212")
    asked = await pia.press(scanned.last, {"en": "Short pick", "ru": "Недостача"}[language])
    assert asked.last.text == ASKED[language]
    assert (await pia.send({"en": "one", "ru": "одна"}[language])).last.text == MORE_NOT_A_COUNT[language]
    assert (await pia.send("21212")).last.text == MORE_NOT_A_COUNT[language]  # the item scanned out of habit
    await pia.send("0")
    assert await status(shop, code) == "on_hold"
    assert await stock(shop, "21212") == [("LON", 698, 1)]


COUNT_OR_CODE = {  # {code}: a number that is an item's code ({sku}), {count} as a number
    "en": "{code} is an item's SKU or barcode in your catalog ({sku}). Is it a count? If you found {count} in the bin,"
    " send {code} again; if not, send the number you found (0 if none).",
    "ru": "{code} — артикул или штрихкод товара из вашего каталога ({sku}). Это количество? Если в ячейке нашлось"
    " {count}, пришлите {code} ещё раз; если нет, пришлите, сколько нашлось (0, если ничего).",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_short_count_that_is_another_items_code_is_asked_again_as_count_or_code(
    shop: RunningBot, language: str
) -> None:
    """A shop whose SKUs are digits (12, 1234): a picker short of jars scanned item 12 out of habit at
    «how many did you find» and 12 jars were taken as found; only the line's own SKU was refused.
    A number that is any item's code is asked again: sent twice it is a count. One more than the line
    needs cannot be a count: it is refused as not one."""
    await jars(shop, 20, 0)
    digits = "sku,name,category,price,currency\n12,Lid,Gadgets,1.00,GBP\n1234,Tray,Gadgets,2.00,GBP\n"
    await import_products(shop.runtime.uow(), shop.runtime.clock, digits)
    code = await order(shop, 543, {"JAR-1": 20})
    pia = await hire(shop, 90, "Pia", "picker", "LON", language=language)
    step = await pia.press((await pia.send("/pick")).last, {"en": "Single order", "ru": "Один заказ"}[language])
    await pia.press(step.last, {"en": "Short pick", "ru": "Недостача"}[language])
    assert (await pia.send("1234")).last.text == NOT_A_COUNT[language]  # a code, more than the line's 20
    assert (await pia.send("12")).last.text == COUNT_OR_CODE[language].format(code="12", sku="12", count="12")
    assert await stock(shop, "JAR-1") == [("LON", 20, 20)]  # nothing taken as found yet
    await pia.send("12")  # twice: a count
    assert await status(shop, code) == "on_hold"
    assert await stock(shop, "JAR-1") == [("LON", 12, 12)]  # 12 in the tote, 8 written off


# A lid and a shoe's size M whose EAN-13 barcodes read, as numbers, 17 and 154 (leading zeros), and a size L
# whose barcode is a maker's EAN-13, far above any count.
BARCODED = (
    "sku,name,category,price,currency,barcode,weight_g,parent,options\n"
    "LID-1,Lid,Gadgets,1.00,GBP,0000000000017,50,,\n"
    "SHOE-S,Trail shoe,Shoes,10.00,GBP,,900,,Size=S\n"
    "SHOE-M,,,12.00,GBP,0000000000154,,SHOE-S,Size=M\n"
    "SHOE-L,,,15.00,GBP,4006381333931,,SHOE-S,Size=L\n"
)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_another_items_barcode_at_a_short_count_is_refused_above_the_need_and_asked_below_it(
    shop: RunningBot, language: str
) -> None:
    """Count or code was tested with digit SKUs only: another item's EAN-13 typed (or scanned) at «how many
    did you find» — a plain product's or a variant's — is no count above the line's 200 (a maker's barcode),
    and asked «is it a count?» below it; sent twice it is one."""
    await jars(shop, 200, 0)
    await import_products(shop.runtime.uow(), shop.runtime.clock, BARCODED)
    code = await order(shop, 544, {"JAR-1": 200})
    pia = await hire(shop, 91, "Pia", "picker", "LON", language=language)
    step = await pia.press((await pia.send("/pick")).last, {"en": "Single order", "ru": "Один заказ"}[language])
    await pia.press(step.last, {"en": "Short pick", "ru": "Недостача"}[language])
    assert (await pia.send("4006381333931")).last.text == NOT_A_COUNT[language]  # the size L's barcode
    asked = COUNT_OR_CODE[language]
    lid = asked.format(code="0000000000017", sku="LID-1", count="17")
    assert (await pia.send("0000000000017")).last.text == lid  # the lid's barcode
    size_m = asked.format(code="0000000000154", sku="SHOE-M", count="154")
    assert (await pia.send("0000000000154")).last.text == size_m  # the size M's: asked again, of itself
    assert await stock(shop, "JAR-1") == [("LON", 200, 200)]  # nothing taken as found yet
    await pia.send("0000000000154")  # twice: a count
    assert await status(shop, code) == "on_hold"
    assert await stock(shop, "JAR-1") == [("LON", 154, 154)]  # 154 in the tote, 46 written off
