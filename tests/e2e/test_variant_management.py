"""Options and variants edited in /product through the sandbox, in English and Russian: a
product is given options, a variant is added, the customer's card offers it; bad input,
stale or foreign presses change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from domain.usecases.imports.products import import_products
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.catalog_management import _changes, _price, _product
from tests.e2e.conftest import hire
from tests.e2e.variant_management import manager_in
from tests.e2e.variants import tshirts

POLO = "sku,name,category,price,currency,barcode,weight_g\nPOLO,Pique polo,Clothing,20.00,GBP,,210\n"
WORDS = {
    "en": {
        "options": "✏️ Options",
        "add": "Add variant",
        "skip": "Skip",
        "history": "History (3)",
        "saved": "Saved.",
        "this": "This variant: Size=M",
        "duplicate": "POLO already has a variant m (SKU POLO).",  # a whole sentence, as chat says it
        "price": "£22.00",
        "names": "✏️ Option names",
    },
    "ru": {
        "options": "✏️ Опции",
        "add": "Добавить вариант",
        "skip": "Пропустить",
        "history": "История (3)",
        "saved": "Сохранено.",
        "this": "Этот вариант: Size=M",
        "duplicate": "У POLO уже есть вариант m (артикул POLO).",
        "price": "22,00",
        "names": "✏️ Названия опций",
    },
}


async def _group_and_options(shop: RunningBot, sku: str) -> tuple[int, str, str]:
    row = await _product(shop, sku)
    async with shop.runtime.sessions() as session:
        group = await session.get(m.ProductGroupRow, row.group_id)
    assert group is not None
    return row.group_id, group.option1_name, row.option1


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_manager_gives_a_polo_sizes_and_adds_an_l_the_customer_card_offers(
    shop: RunningBot, language: str
) -> None:
    await import_products(shop.runtime.uow(), shop.runtime.clock, POLO)
    words = WORDS[language]
    customer = SandboxUser(shop.server, 700, "Tess", language_code=language)
    before = (await customer.send("/start p_POLO")).last  # read once: the card is in the read cache
    assert not any(b["text"].startswith("L") for b in before.buttons())
    manager = await manager_in(shop, 70, language)
    sheet = await manager.send("/product POLO")
    assert words["add"] not in " ".join(sheet.last.button_texts())  # no options yet: nothing to tell apart

    await manager.press(sheet.last, words["options"])
    saved = await manager.send("Size=M")
    assert words["this"] in saved.last.text and words["saved"] in saved.last.text

    await manager.press(saved.last, words["add"])
    await manager.send("polo-l")
    refused = await manager.send("size=m")  # the parent's own combination
    assert refused.last.text == words["duplicate"]
    barcode = await manager.send("Size=L")
    price = await manager.press(barcode.last, words["skip"])
    created = await manager.send("22.00")
    assert "POLO-L" in created.last.text and words["this"].replace("M", "L") in created.last.text
    assert any(text.startswith("POLO ·") for text in created.last.button_texts())  # the sibling opens its sheet
    assert price.last.text  # the price question was asked

    polo, polo_l = await _group_and_options(shop, "POLO"), await _group_and_options(shop, "POLO-L")
    assert polo == (polo[0], "Size", "M") and polo_l == (polo[0], "Size", "L")
    assert await _price(shop, "POLO-L") == 2200 and (await _product(shop, "POLO-L")).weight_g == 210
    assert [(f, a) for _, f, _, a in await _changes(shop, "POLO")] == [
        ("created", "POLO"),
        ("options", "Size=M"),
        ("variant_added", "POLO-L (Size=L)"),
    ]
    assert [(f, a) for _, f, _, a in await _changes(shop, "POLO-L")] == [("created", "POLO-L (Size=L)")]
    history = await manager.press((await manager.send("/product POLO")).last, words["history"])
    assert "POLO-L (Size=L)" in history.last.text

    card = (await customer.send("/start p_POLO")).last
    sizes = [b["text"] for b in card.buttons()]
    assert any(t.startswith("✔ M") for t in sizes) and any(t.startswith("L") for t in sizes)
    chosen = (await customer.press(card, "L")).last
    assert "POLO-L" in chosen.text and words["price"] in chosen.text


async def test_renaming_an_option_applies_to_every_variant_and_is_audited_on_each(shop: RunningBot) -> None:
    await tshirts(shop)
    manager = await hire(shop, 71, "Mia", "manager")
    sheet = await manager.send("/product TEE-L-NVY")
    assert "Variant of TEE, options: Size, Colour" in sheet.last.text and "Variants: 7" in sheet.last.text
    await manager.press(sheet.last, "Option names")
    assert (await manager.send("Size")).last.text.startswith("Give one new name for each option (Size, Colour)")
    saved = await manager.send("Size; Color")
    assert "This variant: Size=L; Color=Navy" in saved.last.text
    async with shop.runtime.sessions() as session:
        names = (
            await session.scalars(select(m.ProductGroupRow.option2_name).where(m.ProductGroupRow.code == "TEE"))
        ).one()
    assert names == "Color"
    assert ("option_names", "Size, Colour", "Size, Color") in [(f, b, a) for _, f, b, a in await _changes(shop, "TEE")]
    customer = SandboxUser(shop.server, 701, "Sam")
    assert "Color: <b>White</b>" in ((await customer.send("/start p_TEE")).last.html or "")


async def test_bad_options_are_refused_and_change_nothing(shop: RunningBot) -> None:
    await tshirts(shop)
    manager = await hire(shop, 72, "Mia", "manager")
    sheet = await manager.send("/product TEE-L-NVY")
    await manager.press(sheet.last, "✏️ Options")
    taken = await manager.send("colour=navy; size=m")  # any order, any case: still M / Navy
    assert taken.last.text == "TEE already has a variant m / navy (SKU TEE-M-NVY)."
    unknown = await manager.send("Fit=Slim")
    assert unknown.last.text == "Fit is not an option of this product; its options are Size and Colour."
    some = await manager.send("Size=M")
    assert some.last.text == "Give a value for each option of TEE (Size, Colour), e.g. Size=L; Colour=Navy."
    too_many = await manager.send("A=1;B=2;C=3;D=4")
    assert "at most 3 options" in too_many.last.text
    hostile = await manager.send("Size=<b>" + "x" * 5000)
    assert hostile.last.text == "An option's name or value is up to 64 characters; “<b>xxxxxxxxxxxxxxxxx…” has 5003."
    await manager.send("/cancel")
    await manager.press(sheet.last, "Add variant")
    assert (await manager.send("TEE-M-NVY")).last.text == "SKU TEE-M-NVY is already in the catalog."
    assert (await _product(shop, "TEE-L-NVY")).option1 == "L"
    assert await _changes(shop, "TEE-L-NVY") == [("import", "created", "", "TEE-L-NVY (Size=L; Colour=Navy)")]

    single = await manager.send("/product TEE")  # seven variants: none may lose or gain option names alone
    assert "Variants: 7" in single.last.text
    picker = await hire(shop, 73, "Pia", "picker", "LON")
    row = await _product(shop, "TEE-L-NVY")
    refused = await picker.press_data(sheet.last, f"pop:{row.id}:add")
    assert refused.callback_answer is not None
    assert refused.callback_answer["text"] == "Your role (picker) does not allow this."
    gone = await manager.press_data(sheet.last, "pop:999999:values")
    assert gone.callback_answer is not None
    assert gone.callback_answer["text"] == "This item is no longer available. Please open the menu again."


async def test_hostile_option_values_read_as_typed_and_a_product_without_options_cannot_add_variants(
    shop: RunningBot,
) -> None:
    await import_products(shop.runtime.uow(), shop.runtime.clock, POLO)
    manager = await hire(shop, 74, "Mia", "manager")
    sheet = await manager.send("/product POLO")
    row = await _product(shop, "POLO")
    early = await manager.press_data(sheet.last, f"pop:{row.id}:add")  # forged: it has no options yet
    assert early.callback_answer is not None
    assert early.callback_answer["text"] == (
        "POLO has no options yet: set its own first (✏️ Options, e.g. Size=M), then add variants."
    )
    await manager.press(sheet.last, "✏️ Options")
    saved = await manager.send("Size=<b>XL</b>")
    assert "This variant: Size=<b>XL</b>" in saved.last.text  # shown as typed, not as markup
    assert (await _product(shop, "POLO")).option1 == "<b>XL</b>"


async def test_a_dash_for_the_barcode_of_a_new_variant_or_product_means_none_as_on_the_sheet(shop: RunningBot) -> None:
    await tshirts(shop)
    manager = await hire(shop, 75, "Mia", "manager")
    for sku, values in (("TEE-XXL-NVY", "Size=XXL; Colour=Navy"), ("TEE-XXL-WHT", "Size=XXL; Colour=White")):
        await manager.press((await manager.send("/product TEE")).last, "Add variant")
        await manager.send(sku)
        await manager.send(values)
        price = await manager.send("-")  # none: the second variant is not refused a barcode the first took
        assert price.last.text.startswith("Its own price in GBP")
        await manager.press(price.last, "The parent's price")
        assert (await _product(shop, sku)).barcode is None
    await manager.send("/newproduct")
    for answer in ("CAP-1", "Cap", "Clothing", "9.00"):
        await manager.send(answer)
    photo = await manager.send("-")
    assert photo.last.text.startswith("A photo of it?")
    await manager.press(photo.last, "Skip")
    assert (await _product(shop, "CAP-1")).barcode is None
