"""A file captioned /import sent at a photo step (/newproduct's last, /product's Photos) is imported,
not called "not a photo"; the step stays open and is asked again, the answers kept; in English and Russian."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from tests.e2e.catalog_management import _product
from tests.e2e.conftest import hire

FILE = b"sku,name,category,price,currency\nJUG-1,Milk jug,Kitchen,6.00,GBP\n"
SAID = {
    "en": {
        "summary": "products: 1 created, 0 updated, 0 unchanged.",
        "still": "You are still adding MUG-21. A photo of it? The product is created after this step.",
        "photos": "You are still adding photos to 85123A: send a picture, or press Done.",
        "skip": "Skip",
        "done": "Done",
    },
    "ru": {
        "summary": "Товары (products): создано 1, изменено 0, без изменений 0.",
        "still": "Вы всё ещё добавляете MUG-21. Фото товара? После этого шага товар будет создан.",
        "photos": "Вы всё ещё добавляете фото к 85123A: пришлите изображение или нажмите «Готово».",
        "skip": "Пропустить",
        "done": "Готово",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_file_captioned_import_at_newproducts_photo_step_is_imported_and_the_step_asked_again(
    shop: RunningBot, language: str
) -> None:
    said = SAID[language]
    manager = await hire(shop, 89, "Mia", "admin", language=language)
    await manager.send("/newproduct")
    for answer in ("MUG-21", "Enamel mug", "Kitchen", "7.50"):
        asked = await manager.send(answer)
    await manager.press(asked.last, said["skip"])  # the barcode
    imported = await manager.send_document(FILE, "products.csv", "/import")
    texts = [m.text for m in imported.new]
    assert said["summary"] in texts and texts[-1].startswith(said["still"])
    assert (await _product(shop, "JUG-1")).name == "Milk jug"
    created = await manager.press(imported.last, said["skip"])  # the photo: the draft was kept
    assert "MUG-21" in created.last.text and (await _product(shop, "MUG-21")).name == "Enamel mug"


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_file_captioned_import_at_the_photos_step_is_imported_and_the_photos_step_stays(
    shop: RunningBot, language: str
) -> None:
    said = SAID[language]
    manager = await hire(shop, 90, "Max", "admin", language=language)
    sheet = await manager.send("/product 85123A")
    await manager.press(sheet.last, "Photos" if language == "en" else "Фото")
    imported = await manager.send_document(FILE, "products.csv", "/import")
    texts = [m.text for m in imported.new]
    assert said["summary"] in texts and texts[-1] == said["photos"]
    assert said["done"] in imported.last.button_texts()[0]
