"""A category path typed at /product that puts a stored category under another parent says which
category moved from where to where, and the sheet shows the category's path as customers' breadcrumbs
read it; in English and Russian, names escaped."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from sandbox.server import BotMessage
from tests.e2e.conftest import ADMIN, hire

SAID = {
    "en": {
        "category": "Category",
        "saved": "Saved.",
        "moved": "Category Shirts moved from Clothing › Women to Clothing › Men & Boys, with everything in it.",
        "top": "Category Kitchen moved from the top of the catalog to Home, with everything in it.",
    },
    "ru": {
        "category": "Категория",
        "saved": "Сохранено.",
        "moved": "Категория Shirts перенесена из Clothing › Women в Clothing › Men & Boys вместе со всем, что в ней.",
        "top": "Категория Kitchen перенесена с верхнего уровня каталога в Home вместе со всем, что в ней.",
    },
}


async def _typed_category(manager: SandboxUser, sku: str, language: str, path: str) -> BotMessage:
    sheet = await manager.send(f"/product {sku}")
    await manager.press(sheet.last, "✏️ " + SAID[language]["category"])
    return (await manager.send(path)).last


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_typed_path_moving_a_category_says_where_it_went_and_the_sheet_shows_the_path(
    shop: RunningBot, language: str
) -> None:
    said = SAID[language]
    manager = await hire(shop, 91, "Mia", "manager", language=language)
    first = await _typed_category(manager, "85123A", language, "Clothing > Women > Shirts")
    assert f"{said['category']}: Clothing › Women › Shirts" in first.text
    assert first.text.rstrip().endswith(f"✅ {said['saved']}")  # nothing stored moved

    moved = await _typed_category(manager, "22197", language, "clothing > Men & Boys > shirts")
    assert f"{said['category']}: Clothing › Men & Boys › Shirts" in moved.text
    assert said["moved"] in moved.text
    assert moved.html is not None and "Men &amp; Boys" in moved.html
    again = (await manager.send("/product 85123A")).last  # the product already in Shirts moved with it
    assert f"{said['category']}: Clothing › Men & Boys › Shirts" in again.text

    top = await _typed_category(manager, "21212", language, "Home > Kitchen")
    assert said["top"] in top.text and f"{said['category']}: Home › Kitchen" in top.text


SUMMARY = {
    "en": "products: 1 created, 0 updated, 1 unchanged.",
    "ru": "Товары (products): создано 1, изменено 0, без изменений 1.",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_products_file_moving_a_category_says_in_its_summary_where_it_went(
    shop: RunningBot, language: str
) -> None:
    """The file moved Shirts and Kitchen with everything in them and its summary said only the
    counts (the shirt "unchanged": still in Shirts); a typed path said which category moved where."""
    admin = SandboxUser(shop.server, ADMIN, "Ada", language_code=language)
    head = b"sku,name,category,price,currency\n"
    first = head + b"SHIRT-1,Oxford shirt,Clothing > Women > Shirts,20.00,GBP\n"
    assert (await admin.send_document(first, "products.csv", caption="/import products")).last.text
    second = head + (
        b"SHIRT-1,Oxford shirt,Clothing > Men & Boys > Shirts,20.00,GBP\nPAN-1,Pan,Home > Kitchen,9.00,GBP\n"
    )
    reply = (await admin.send_document(second, "products.csv", caption="/import products")).last
    assert reply.text.startswith(SUMMARY[language]), reply.text
    assert SAID[language]["moved"] in reply.text and SAID[language]["top"] in reply.text, reply.text
    assert reply.html is not None and "Men &amp; Boys" in reply.html


MORE = {"en": "… and 2 more categories moved.", "ru": "… и ещё 2 категории перенесены."}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_file_moving_many_categories_names_the_first_five_and_counts_the_rest(
    shop: RunningBot, language: str
) -> None:
    """A file that reshapes the tree must still fit in one message."""
    admin = SandboxUser(shop.server, ADMIN, "Ada", language_code=language)
    head = "sku,name,category,price,currency\n"
    rows = [f"P-{n},Thing {n},{{}} > Shelf {n},1.00,GBP\n" for n in range(1, 8)]
    for parent in ("Old", "New"):
        file = (head + "".join(row.format(parent) for row in rows)).encode()
        reply = (await admin.send_document(file, "products.csv", caption="/import products")).last
    assert reply.text.count(SAID[language]["category"] + " Shelf") == 5, reply.text
    assert reply.text.endswith(MORE[language]), reply.text


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_column_ignored_beside_a_moved_category_reads_as_its_header_says(
    shop: RunningBot, language: str
) -> None:
    """After a move's note the summary's later parts were escaped twice: "size &amp; fit"."""
    admin = SandboxUser(shop.server, ADMIN, "Ada", language_code=language)
    head = b"sku,name,category,price,currency,size & fit\n"
    for path in (b"Clothing > Women > Shirts", b"Clothing > Men & Boys > Shirts"):
        row = b"SHIRT-1,Oxford shirt," + path + b",20.00,GBP,slim\n"
        reply = (await admin.send_document(head + row, "products.csv", caption="/import products")).last
    assert SAID[language]["moved"] in reply.text and reply.text.endswith(": size & fit."), reply.text
    assert reply.html is not None and "&amp;amp;" not in reply.html
