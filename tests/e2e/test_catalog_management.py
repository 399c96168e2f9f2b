"""Catalog management in chat through the sandbox: /product edits (price, photos, status,
translations) with the audit trail, /newproduct, and what customers see afterwards."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.catalog_management import _changes, _price, _product
from tests.e2e.conftest import ADMIN, hire, invite_token
from tests.e2e.journeys import add_to_cart, checkout_to_payment, order_code, scalar

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def test_a_manager_edits_price_and_photos_and_the_history_shows_each_change(shop: RunningBot) -> None:
    manager = await hire(shop, 60, "Mia", "manager")
    sheet = await manager.send("/product 85123a")
    assert sheet.new[0].kind == "photo"  # the demo's photo comes first
    assert "White Hanging Heart" in sheet.last.text and "Price (GBP): £2.95" in sheet.last.text

    asked = await manager.press(sheet.last, "Price (GBP)")
    assert "Send the new value of Price (GBP). Now: £2.95" in asked.last.text
    refused = await manager.send("two pounds")
    assert refused.last.text == "two pounds is not a valid amount in GBP."
    assert await _price(shop, "85123A") == 295
    saved = await manager.send("3.10")
    assert "Price (GBP): £3.10" in saved.last.text and "Saved." in saved.last.text
    assert await _price(shop, "85123A") == 310

    photos = await manager.press(saved.last, "Photos")
    assert "It has 1 now" in photos.last.text
    not_a_picture = await manager.send_document(b"%PDF-1.4", "spec.pdf")
    assert not_a_picture.last.text.startswith("That is not a photo.")
    assert "Photo saved: 2 in all" in (await manager.send_photo(PNG)).last.text
    third = await manager.send_photo(PNG + b"2")
    assert "Photo saved: 3 in all" in third.last.text
    done = await manager.press(third.last, "Done")
    assert "Photos: 3" in done.last.text

    history = await manager.press(done.last, "History (4)")
    assert "Price (GBP): £2.95 → £3.10" in history.last.text
    assert "Photos: 1 → 2" in history.last.text and "Photos: 2 → 3" in history.last.text
    assert [(a, f) for a, f, _, _ in await _changes(shop, "85123A")] == [
        ("import", "created"),  # the demo's products file
        ("staff:60", "price_GBP"),
        ("staff:60", "photos"),
        ("staff:60", "photos"),
    ]

    alice = SandboxUser(shop.server, 620, "Alice")
    card = await alice.send("/start p_85123A")  # the card: an album, then the text with its buttons
    assert [message.kind for message in card.new] == ["photo", "photo", "photo", "text"]
    assert "sendMediaGroup" in shop.server.requested
    assert "£3.10" in card.last.text and "🛒 Add to cart" in card.last.button_texts()


async def test_a_discontinued_product_is_refused_at_add_and_in_the_cart_with_the_reason(shop: RunningBot) -> None:
    alice = SandboxUser(shop.server, 621, "Alice")
    await add_to_cart(alice, "22197", 2)
    await add_to_cart(alice, "85123A")
    card = await alice.send("/start p_22197")
    manager = await hire(shop, 61, "Max", "manager")
    status = await manager.press((await manager.send("/product 22197")).last, "Status")
    assert (await manager.press(status.last, "discontinued")).last.text.count("discontinued") >= 1
    assert (await _product(shop, "22197")).status == "discontinued"

    pressed = await alice.press(card.last, "➕")  # a button drawn before: refused with the reason
    assert pressed.callback_answer is not None
    assert pressed.callback_answer["text"] == "Popcorn Holder is discontinued and can no longer be ordered."
    added = await alice.send("/add 22197")
    assert added.last.text == "Popcorn Holder is discontinued and can no longer be ordered."
    cart = await alice.send("/cart")
    assert "Popcorn Holder is discontinued and can no longer be ordered; it was left out." in cart.last.text
    assert "White Hanging Heart" in cart.last.text
    again = await alice.send("/start p_22197")
    assert "Discontinued: this product can no longer be ordered." in again.last.text
    assert not any("cart" in text.lower() for text in again.last.button_texts())

    review = await checkout_to_payment(alice)
    review = await alice.press(review.last, "💵")
    assert "Popcorn Holder is discontinued and can no longer be ordered; it was left out." in review.last.text
    placed = await alice.press(review.last, "✅")
    code = order_code(placed)
    lines = await scalar(
        shop,
        select(func.group_concat(m.OrderLineRow.sku)).join(m.OrderRow).where(m.OrderRow.code == code),
    )
    assert lines == "85123A"  # the order was placed without the discontinued line
    async with shop.runtime.sessions() as session:
        order = (await session.scalars(select(m.OrderRow).where(m.OrderRow.code == code))).one()
    assert order.subtotal_minor == 295


async def test_a_hidden_product_is_not_found_by_search_nor_listed(shop: RunningBot) -> None:
    alice = SandboxUser(shop.server, 622, "Alice")
    assert "Popcorn Holder" in (await alice.send("popcorn")).last.text
    admin = await hire(shop, 62, "Ann", "admin")
    status = await admin.press((await admin.send("/product 22197")).last, "Status")
    await admin.press(status.last, "hidden")
    assert (await alice.send("popcorn")).last.text.startswith("Nothing found")
    assert (await alice.send("/start p_22197")).last.text == "Nothing was found."
    assert (await alice.send("/add 22197")).last.text.startswith("No product has the SKU 22197.")
    categories = await alice.send("/catalog")
    assert "Home decor" not in categories.last.text or "Popcorn" not in categories.last.text
    sheet = await admin.send("/product 22197")  # staff still see it
    assert "hidden" in sheet.last.text


async def test_in_russian_a_manager_names_and_discontinues_and_a_russian_customer_sees_it(shop: RunningBot) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    token = invite_token((await admin.send("/invite manager")).last.text)
    masha = SandboxUser(shop.server, 63, "Маша", language_code="ru")
    await masha.send(f"/start inv_{token}")
    sheet = await masha.send("/product 85123A")
    assert "Цена (GBP)" in sheet.last.text and "в продаже" in sheet.last.text
    asked = await masha.press(sheet.last, "Название (ru)")
    now = "Белый подвесной подсвечник «Сердце»"  # the demo's name_ru
    assert asked.last.text.startswith(f"Пришлите новое значение поля «Название (ru)». Сейчас: {now}")
    assert (await masha.send("x" * 300)).last.text == "Название — от 1 до 256 символов."
    saved = await masha.send("Подсвечник «Белое сердце»")
    assert "Название (ru): Подсвечник «Белое сердце»" in saved.last.text and "Сохранено." in saved.last.text
    history = await masha.press(saved.last, "История (2)")
    assert f"Название (ru): {now} → Подсвечник «Белое сердце»" in history.last.text

    other = await masha.send("/product 22197")
    await masha.press((await masha.press(other.last, "Статус")).last, "снят с продажи")

    ivan = SandboxUser(shop.server, 623, "Иван", language_code="ru")
    found = await ivan.send("сердце")  # search matches the Russian name
    assert "Подсвечник «Белое сердце»" in found.last.text
    card = await ivan.send("/start p_85123A")
    assert "Подсвечник «Белое сердце»" in card.last.text
    await add_to_cart(ivan, "85123A")
    assert "Подсвечник «Белое сердце» × 1" in (await ivan.send("/cart")).last.text
    refused = await ivan.send("/add 22197")
    assert refused.last.text == "Товар «Стаканчик для попкорна» снят с продажи и больше не заказывается."
    bob = SandboxUser(shop.server, 624, "Bob", language_code="en")
    assert "White Hanging Heart" in (await bob.send("/start p_85123A")).last.text  # the default language's


async def test_hostile_input_is_refused_or_shown_as_typed(shop: RunningBot) -> None:
    manager = await hire(shop, 64, "Mia", "manager")
    sheet = await manager.send("/product 85123A")
    await manager.press(sheet.last, "✏️ Name")
    refused = await manager.send("<b>" + "x" * 5000)
    assert refused.last.text == "A name has 1 to 256 characters."
    assert (await _product(shop, "85123A")).name == "White Hanging Heart T-Light Holder"
    saved = await manager.send("<script>alert(1)</script> Heart")
    assert "<script>alert(1)</script> Heart" in saved.last.text
    await manager.press(saved.last, "Barcode")
    taken = await manager.send("2002219700007")  # the Popcorn Holder's
    assert taken.last.text == "Barcode 2002219700007 already belongs to 22197."
    await manager.press(saved.last, "Dimensions")
    assert (await manager.send("10 by 20")).last.text.startswith("Dimensions are three whole numbers")
    assert [f for _, f, _, _ in await _changes(shop, "85123A")] == ["created", "name"]


async def test_newproduct_creates_a_product_in_one_step_at_the_end(shop: RunningBot) -> None:
    manager = await hire(shop, 65, "Mia", "manager")
    await manager.send("/newproduct")
    assert (await manager.send("85123A")).last.text == "SKU 85123A is already in the catalog."
    assert "called" in (await manager.send("mug-9")).last.text
    await manager.send("Enamel mug")
    await manager.send("Kitchen")
    assert (await manager.send("-1")).last.text == "An amount cannot be negative."
    barcode = await manager.send("7.50")
    await manager.press(barcode.last, "Skip")
    created = await manager.send_photo(PNG)
    assert "Enamel mug" in created.last.text and "Saved." in created.last.text
    row = await _product(shop, "MUG-9")
    assert row.name == "Enamel mug" and row.photo_file_id
    assert await _price(shop, "MUG-9") == 750
    assert [(f, after) for _, f, _, after in await _changes(shop, "MUG-9")] == [("created", "MUG-9")]
    alice = SandboxUser(shop.server, 625, "Alice")
    assert "Enamel mug" in (await alice.send("enamel")).last.text


async def test_cancel_leaves_newproduct_with_nothing_saved(shop: RunningBot) -> None:
    manager = await hire(shop, 66, "Mia", "manager")
    await manager.send("/newproduct")
    await manager.send("MUG-10")
    await manager.send("/cancel")
    assert (await manager.send("Enamel mug")).last.text.startswith("Nothing found")
    async with shop.runtime.sessions() as session:
        assert (await session.scalars(select(m.ProductRow).where(m.ProductRow.sku == "MUG-10"))).first() is None


async def test_category_weight_and_dimensions_are_set_and_forged_or_foreign_presses_change_nothing(
    shop: RunningBot,
) -> None:
    manager = await hire(shop, 67, "Mia", "manager")
    sheet = await manager.send("/product 85123A")
    asked = await manager.press(sheet.last, "✏️ Category")
    moved = await manager.press(asked.last, "Party")  # picked from the list
    assert "Category: Party" in moved.last.text
    await manager.press(moved.last, "Weight")
    await manager.send("350 g")
    await manager.press(moved.last, "Dimensions")
    saved = await manager.send("300x200x100")
    assert "Weight: 350 g" in saved.last.text and "300×200×100 mm" in saved.last.text
    await manager.press(saved.last, "✏️ Category")
    typed = await manager.send("Gifts & <new")  # typed: a new category by that name (">" would make a path)
    assert "Category: Gifts & <new" in typed.last.text
    row = await _product(shop, "85123A")
    assert (row.weight_g, row.length_mm, row.width_mm, row.height_mm) == (350, 300, 200, 100)
    changes = [f for _, f, _, _ in await _changes(shop, "85123A")]
    assert changes == ["created", "category", "weight", "dims", "category"]

    forged = await manager.press_data(typed.last, f"pe:{row.id}:colour")
    assert forged.callback_answer is not None and forged.callback_answer["text"] == "That field cannot be edited."
    gone = await manager.press_data(typed.last, "pe:999999:name")
    assert gone.callback_answer is not None
    assert gone.callback_answer["text"] == "This item is no longer available. Please open the menu again."
    picker = await hire(shop, 68, "Pia", "picker", "LON")
    refused = await picker.press_data(typed.last, f"pst:{row.id}:hidden")
    assert refused.callback_answer is not None
    assert refused.callback_answer["text"] == "Your role (picker) does not allow this."
    assert (await _product(shop, "85123A")).status == "active"
    assert len(await _changes(shop, "85123A")) == 5
