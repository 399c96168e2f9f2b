"""A picker who takes the next size off the shelf (the sibling's barcode scanned) is told which size and colour they
hold, next to the one needed: it read «Wrong item: “2009005000006”», a number nobody can tell from the one wanted
(en and ru)."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from handlers.output.barcodes import barcode_png
from tests.e2e.conftest import hire
from tests.e2e.journeys import order, status
from tests.e2e.variants import tshirts

SAID = {
    "en": "Another variant: “{scanned}” is TEE-L-NVY (L / Navy). Expected TEE-M-NVY — Organic cotton T-shirt"
    " (M / Navy), from bin A-05-02-2.",
    "ru": "Другой вариант: «{scanned}» — это TEE-L-NVY (L / Navy). Нужен TEE-M-NVY — Organic cotton T-shirt"
    " (M / Navy), из ячейки A-05-02-2.",
}
SINGLE = {"en": "Single order", "ru": "Один заказ"}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_sibling_variant_scanned_names_the_size_and_colour_in_hand(shop: RunningBot, language: str) -> None:
    await tshirts(shop)
    code = await order(shop, 180 + len(language), {"TEE-M-NVY": 1})
    picker = await hire(shop, 95 + len(language), "Pia", "picker", "LON", language=language)
    await picker.press((await picker.send("/pick")).last, SINGLE[language])
    typed = await picker.send("2009005000006")
    assert typed.last.text == SAID[language].format(scanned="2009005000006")
    photo = await picker.send_photo(barcode_png("2009005000006", ean=True))
    assert photo.last.text == SAID[language].format(scanned="2009005000006")
    by_sku = await picker.send("tee-l-nvy")
    assert by_sku.last.text == SAID[language].format(scanned="tee-l-nvy")
    assert await status(shop, code) == "picking"  # nothing counted
    await picker.send("2009004000007")
    assert await status(shop, code) == "picked"
