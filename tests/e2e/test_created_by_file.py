"""Products and variants a products file creates have their creation in 📜 History, as /newproduct's
and ➕ Add variant's do: who sent which file, when, and what it created; in English and Russian."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from tests.e2e.catalog_management import _changes
from tests.e2e.conftest import hire
from tests.e2e.variants import tshirts

HEADER = "sku,name,category,price,currency,parent,options\n"
ROWS = "MUG-9,Enamel mug,Kitchen,8.00,GBP,,\nTEE-XL-WHT,,,,,TEE,Size=XL;Colour=White\n"
SAID = {
    "en": ("History", "Created", "Variant added"),
    "ru": ("История", "Создан", "Добавлен вариант"),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_product_and_a_variant_a_file_creates_show_who_created_them_from_which_file(
    shop: RunningBot, language: str
) -> None:
    await tshirts(shop)
    manager = await hire(shop, 87, "Mia", "manager", language=language)
    await manager.send_document((HEADER + ROWS).encode(), "new <lines>.csv", "/import products")
    history, created, added = SAID[language]

    shown = (await manager.press((await manager.send("/product MUG-9")).last, f"{history} (1)")).last
    assert "Mia" in shown.text and f"{created}: — → MUG-9 · new <lines>.csv" in shown.text
    assert shown.html is not None and "new &lt;lines&gt;.csv" in shown.html
    variant = "TEE-XL-WHT (Size=XL; Colour=White) · new <lines>.csv"
    shown = (await manager.press((await manager.send("/product TEE-XL-WHT")).last, f"{history} (1)")).last
    assert f"{created}: — → {variant}" in shown.text
    assert await _changes(shop, "TEE-XL-WHT") == [("staff:87", "created", "", variant)]
    assert ("staff:87", "variant_added", "", variant) in await _changes(shop, "TEE")
    shown = (await manager.press((await manager.send("/product TEE")).last, f"{history} (")).last
    assert f"{added}: — → {variant}" in shown.text


async def test_a_catalog_imported_again_records_no_second_creation(shop: RunningBot) -> None:
    manager = await hire(shop, 88, "Max", "manager")
    await manager.send_document((HEADER + "MUG-9,Enamel mug,Kitchen,8.00,GBP,,\n").encode(), "products.csv", "/import")
    await manager.send_document((HEADER + "MUG-9,Enamel mug,Kitchen,9.00,GBP,,\n").encode(), "products.csv", "/import")
    assert [field for _, field, _, _ in await _changes(shop, "MUG-9")] == ["created", "price_GBP"]
