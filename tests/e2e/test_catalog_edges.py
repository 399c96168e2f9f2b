"""Catalog edits as managers type them and customers meet them, through the sandbox: a variant
withdrawn from a cart is named as the variant, in the customer's language; a category typed in
another case is the existing one, and one typed as a path goes in the tree as the products file puts it."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from bot.harness import RunningBot
from domain.usecases.imports.stock import import_stock
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.catalog_management import _changes, _price, _product
from tests.e2e.conftest import hire
from tests.e2e.journeys import add_to_cart, checkout_to_payment
from tests.e2e.variant_management import manager_in
from tests.e2e.variants import tshirts


async def set_status(manager: SandboxUser, sku: str, status: str, button: str = "✏️ Status") -> None:
    sheet = await manager.send(f"/product {sku}")
    await manager.press((await manager.press(sheet.last, button)).last, status)


async def test_a_variant_left_out_of_the_cart_is_named_with_its_options_not_as_the_whole_product(
    shop: RunningBot,
) -> None:
    await tshirts(shop)
    customer = SandboxUser(shop.server, 800, "Tess")
    await add_to_cart(customer, "TEE-M-NVY")
    await add_to_cart(customer, "TEE-L-WHT")
    manager = await hire(shop, 80, "Mia", "manager")
    await set_status(manager, "TEE-M-NVY", "hidden")
    await set_status(manager, "TEE-L-WHT", "discontinued")
    cart = (await customer.send("/cart")).last.text
    assert "Organic cotton T-shirt (M / Navy) is no longer sold and was left out." in cart
    assert "Organic cotton T-shirt (L / White) is discontinued and can no longer be ordered; it was left out." in cart


async def test_a_product_left_out_of_a_russian_cart_is_named_in_russian(shop: RunningBot) -> None:
    masha = await manager_in(shop, 81, "ru")
    sheet = await masha.send("/product 85123A")
    await masha.press(sheet.last, "Название (ru)")
    await masha.send("Подсвечник «Сердце»")
    ivan = SandboxUser(shop.server, 801, "Иван", language_code="ru")
    await add_to_cart(ivan, "85123A")
    await set_status(masha, "85123A", "снят с продажи", "✏️ Статус")
    cart = (await ivan.send("/cart")).last.text
    assert "Товар «Подсвечник «Сердце»» снят с продажи и больше не заказывается; он исключён." in cart


async def _category_names(shop: RunningBot) -> list[str]:
    async with shop.runtime.sessions() as session:
        return sorted((await session.scalars(select(m.CategoryRow.name))).all())


async def test_a_category_typed_in_another_case_is_the_existing_one_not_a_new_one(shop: RunningBot) -> None:
    before = await _category_names(shop)
    manager = await hire(shop, 82, "Mia", "manager")
    sheet = await manager.send("/product 85123A")
    await manager.press(sheet.last, "✏️ Category")
    moved = await manager.send("kitchen")
    assert "Category: Kitchen" in moved.last.text
    await manager.send("/newproduct")
    for answer in ("MUG-11", "Enamel mug", "PARTY", "7.50"):
        asked = await manager.send(answer)
    created = await manager.press((await manager.press(asked.last, "Skip")).last, "Skip")
    assert "Category: Party" in created.last.text
    assert await _category_names(shop) == before
    assert (await _product(shop, "85123A")).category_id == (await _product(shop, "21212")).category_id  # Kitchen


async def test_a_cyrillic_sku_is_refused_saying_the_sku_takes_latin_letters(shop: RunningBot) -> None:
    masha = await manager_in(shop, 83, "ru")
    asked = await masha.send("/newproduct")
    assert "латинские буквы" in asked.last.text
    refused = await masha.send("КРУЖКА-1")
    assert refused.last.text == "КРУЖКА-1 — неверный артикул (латинские буквы, цифры, - _ . /, не длиннее 64 символов)."
    assert "называется" in (await masha.send("MUG-1")).last.text


async def test_sizes_keep_their_order_on_the_card_when_the_first_variant_is_hidden(shop: RunningBot) -> None:
    await tshirts(shop)
    manager = await hire(shop, 84, "Mia", "manager")
    await set_status(manager, "TEE", "hidden")  # S / White, the row that first named S
    customer = SandboxUser(shop.server, 802, "Tess")
    card = (await customer.send("/start p_TEE-M-WHT")).last
    assert card.button_texts()[:6] == ["S", "✔ M", "L", "XL ✖", "✔ White", "Navy"]
    small = (await customer.press(card, "S")).last
    assert "TEE-S-NVY" in small.text  # the only S still listed
    assert small.button_texts()[:6] == ["✔ S", "M", "L", "XL ✖", "White", "✔ Navy"]


async def test_a_link_to_a_product_opens_a_listed_variant_when_the_one_coded_as_the_product_is_hidden(
    shop: RunningBot,
) -> None:
    await tshirts(shop)
    manager = await hire(shop, 85, "Mia", "manager")
    await set_status(manager, "TEE", "hidden")  # S / White, which shares the product's code
    customer = SandboxUser(shop.server, 803, "Tess")
    card = (await customer.send("/start p_TEE")).last
    assert "SKU: TEE-M-WHT" in card.text and "🛒 Add to cart" in card.button_texts()
    added = (await customer.send("/add TEE")).last.text
    assert added.startswith("No product has the SKU TEE.")  # the SKU itself stays hidden
    await set_status(manager, "TEE-L-NVY", "hidden")
    assert (await customer.send("/start p_TEE-L-NVY")).last.text == "Nothing was found."  # a variant's own link


async def test_a_products_history_names_who_changed_it_and_shows_hostile_values_as_typed(shop: RunningBot) -> None:
    manager = await hire(shop, 86, "Mia <b>Lee</b>", "manager")
    sheet = await manager.send("/product 85123A")
    await manager.press(sheet.last, "✏️ Name")
    saved = await manager.send("<i>Heart</i> & co")
    history = (await manager.press(saved.last, "History (2)")).last
    assert "Mia <b>Lee</b>" in history.text and "staff:86" not in history.text
    assert "Name: White Hanging Heart T-Light Holder → <i>Heart</i> & co" in history.text
    assert history.html is not None and "&lt;i&gt;Heart&lt;/i&gt; &amp; co" in history.html


async def test_a_category_typed_on_one_variant_moves_the_whole_product_and_the_counts_follow(
    shop: RunningBot,
) -> None:
    """The category is the product's (tests/e2e/test_family_category.py): moving one size moves
    the T-shirt, listed once in Party and counted there, and Clothing keeps none of it."""
    await tshirts(shop)
    manager = await hire(shop, 87, "Mia", "manager")
    sheet = await manager.send("/product TEE-M-NVY")
    await manager.press(sheet.last, "✏️ Category")
    await manager.send("Party")
    customer = SandboxUser(shop.server, 804, "Tess")
    top = (await customer.send("/catalog")).last  # one page now: Clothing had only the T-shirt
    assert not [t for t in top.button_texts() if t.startswith(("Clothing (", "Next"))]
    party_button = next(t for t in top.button_texts() if t.startswith("Party ("))
    party = (await customer.press(top, "Party (")).last
    listed = [t for t in party.button_texts() if not t.startswith(("⬆", "⬅", "◀", "Next"))]
    assert f"{len(listed)} products here and below" in party.text
    assert party_button == f"Party ({len(listed)})"
    assert listed.count("Organic cotton T-shirt") == 1


async def test_a_price_too_large_to_store_is_refused_with_the_reason_and_changes_nothing(shop: RunningBot) -> None:
    manager = await hire(shop, 88, "Mia", "manager")
    sheet = await manager.send("/product 85123A")
    await manager.press(sheet.last, "Price (GBP)")
    refused = await manager.send("100000000000000000")
    assert refused.last.text == "100000000000000000 is too large an amount in GBP."
    for typed in ("1e17", "1e9", "nan"):  # "1e9" was taken as £1,000,000,000.00
        refused = await manager.send(typed)
        assert refused.last.text == (
            f"{typed} is not a valid amount in GBP."
            if typed == "nan"
            else f"{typed}: write the amount in digits, like 12.50, not with an exponent."
        )
    saved = await manager.send("99999999.99")  # big, but a price
    assert "Price (GBP): £99,999,999.99" in saved.last.text
    await manager.press(saved.last, "Unit cost")
    assert (await manager.send("9" * 40)).last.text == f"{'9' * 40} is too large an amount in GBP."
    await manager.send("/cancel")
    assert (await _product(shop, "85123A")).cost_minor is None
    masha = await manager_in(shop, 89, "ru")
    await masha.press((await masha.send("/product 85123A")).last, "✏️ Себестоимость")
    assert (await masha.send("1e17")).last.text == "1e17: напишите сумму цифрами, например 12,50, без экспоненты."
    assert (await masha.send("9" * 40)).last.text == f"{'9' * 40} — слишком большая сумма в GBP."


async def test_newproduct_refuses_a_price_in_exponent_notation_and_keeps_asking(shop: RunningBot) -> None:
    manager = await hire(shop, 87, "Max", "manager")
    await manager.send("/newproduct")
    for answer in ("MUG-13", "Tin mug", "Kitchen"):
        await manager.send(answer)
    refused = await manager.send("1e9")
    assert refused.last.text == "1e9: write the amount in digits, like 12.50, not with an exponent."
    asked = await manager.send("7.50")
    created = await manager.press((await manager.press(asked.last, "Skip")).last, "Skip")
    assert "£7.50" in created.last.text
    assert await _price(shop, "MUG-13") == 750


async def test_search_matches_a_russian_name_in_any_case(shop: RunningBot) -> None:
    await tshirts(shop)
    masha = await manager_in(shop, 90, "ru")
    await masha.press((await masha.send("/product TEE")).last, "Название (ru)")
    await masha.send("Футболка из ХЛОПКА")
    await masha.send("/newproduct")
    for answer in ("MUG-12", "Кружка эмалированная", "Kitchen", "7.50"):
        asked = await masha.send(answer)
    await masha.press((await masha.press(asked.last, "Пропустить")).last, "Пропустить")
    ivan = SandboxUser(shop.server, 805, "Иван", language_code="ru")
    for typed in ("футболка", "ФУТБОЛКА", "хлопка"):
        assert "Футболка из ХЛОПКА" in (await ivan.send(typed)).last.text, typed
    assert "Кружка эмалированная" in (await ivan.send("кружка")).last.text


async def test_a_name_or_translation_edited_on_one_variant_reaches_the_siblings_that_shared_it(
    shop: RunningBot,
) -> None:
    await tshirts(shop)
    async with shop.runtime.sessions() as session:  # a name of its own, as a products file may give
        await session.execute(update(m.ProductRow).where(m.ProductRow.sku == "TEE-L-NVY").values(name="Navy special"))
        await session.commit()
    masha = await manager_in(shop, 91, "ru")
    sheet = await masha.send("/product TEE")
    await masha.press(sheet.last, "Название (ru)")
    await masha.send("Футболка")
    await masha.press(sheet.last, "✏️ Название")
    await masha.send("Cotton tee")
    ivan = SandboxUser(shop.server, 806, "Иван", language_code="ru")
    card = (await ivan.send("/start p_TEE")).last
    assert card.text.startswith("Футболка")
    navy = (await ivan.press(card, "Navy")).last
    assert navy.text.startswith("Футболка")  # the name does not change language with the colour
    tess = SandboxUser(shop.server, 807, "Tess")
    assert (await tess.send("/start p_TEE-M-NVY")).last.text.startswith("Cotton tee")
    assert (await tess.send("/start p_TEE-L-NVY")).last.text.startswith("Navy special")
    assert (await _product(shop, "TEE-L-NVY")).name == "Navy special"
    history = (await masha.press((await masha.send("/product TEE-M-NVY")).last, "История (3)")).last
    assert "Название (ru): — → Футболка" in history.text
    assert "Название: Organic cotton T-shirt → Cotton tee" in history.text


async def test_the_parent_rows_price_reaches_variants_without_their_own_and_a_variants_price_stays_its_own(
    shop: RunningBot,
) -> None:
    await tshirts(shop)  # TEE and most variants at £12.00; L / Navy and XL / Navy at £13.00 of their own
    manager = await hire(shop, 92, "Mia", "manager")
    await manager.press((await manager.send("/product TEE-M-WHT")).last, "Price (GBP)")
    await manager.send("12.50")  # an override of this variant alone
    await manager.press((await manager.send("/product TEE")).last, "Price (GBP)")
    await manager.send("14.00")
    prices = {sku: await _price(shop, sku) for sku in ("TEE", "TEE-S-NVY", "TEE-M-NVY", "TEE-M-WHT", "TEE-L-NVY")}
    assert prices == {"TEE": 1400, "TEE-S-NVY": 1400, "TEE-M-NVY": 1400, "TEE-M-WHT": 1250, "TEE-L-NVY": 1300}
    history = (await manager.press((await manager.send("/product TEE-S-NVY")).last, "History (2)")).last
    assert "Price (GBP): £12.00 → £14.00" in history.text


async def test_a_status_and_dimensions_read_in_the_managers_language_in_the_history(shop: RunningBot) -> None:
    masha = await manager_in(shop, 93, "ru")
    sheet = await masha.send("/product 85123A")
    await masha.press((await masha.press(sheet.last, "✏️ Статус")).last, "скрыт")
    await masha.press(sheet.last, "✏️ Размеры")
    await masha.send("1x2x3")
    history = (await masha.press((await masha.send("/product 85123A")).last, "История (3)")).last
    assert "Статус: в продаже → скрыт" in history.text
    assert "Размеры, мм: 100x140x65 → 1x2x3\n" in history.text + "\n"  # the unit is in the field's name


async def test_the_checkout_review_names_products_in_the_customers_language(shop: RunningBot) -> None:
    masha = await manager_in(shop, 94, "ru")
    await masha.press((await masha.send("/product 85123A")).last, "Название (ru)")
    await masha.send("Подсвечник «Сердце»")
    await masha.press((await masha.send("/product 22197")).last, "Название (ru)")
    await masha.send("Подставка для попкорна")
    ivan = SandboxUser(shop.server, 808, "Иван", language_code="ru")
    await add_to_cart(ivan, "85123A")
    await add_to_cart(ivan, "22197")
    await set_status(masha, "22197", "снят с продажи", "✏️ Статус")
    review = await ivan.press((await checkout_to_payment(ivan)).last, "💵")
    assert "• Подсвечник «Сердце» × 1" in review.last.text
    assert "Товар «Подставка для попкорна» снят с продажи" in review.last.text


RESTOCK = "sku,warehouse,bin,quantity\nTEE-XL-NVY,LON,A-05-01-1,5\n"


async def _asked_for_while_off_sale(shop: RunningBot) -> tuple[SandboxUser, SandboxUser, SandboxUser, int, int]:
    """TEE-XL-NVY (Футболка in Russian) asked for by Ivan (ru) and Tess (en), then discontinued by
    Masha, a Russian-reading manager; 5 came in while it was off sale and nobody was told. Masha,
    Ivan, Tess and how many messages Tess and Ivan had then."""
    await tshirts(shop)
    masha = await manager_in(shop, 95, "ru")
    await masha.press((await masha.send("/product TEE-XL-NVY")).last, "Название (ru)")
    await masha.send("Футболка")
    ivan = SandboxUser(shop.server, 809, "Иван", language_code="ru")
    tess = SandboxUser(shop.server, 810, "Tess")
    for customer in (ivan, tess):
        card = await customer.send("/start p_TEE-XL-NVY")
        await customer.press(card.last, "🔔")
    await set_status(masha, "TEE-XL-NVY", "снят с продажи", "✏️ Статус")
    tess_before, ivan_before = len(tess.messages()), len(ivan.messages())
    await import_stock(shop.runtime.uow(), shop.runtime.clock, RESTOCK)
    await shop.runtime.notifier.drain()
    assert tess.messages()[tess_before:] == [] and ivan.messages()[ivan_before:] == []  # it cannot be ordered
    return masha, ivan, tess, tess_before, ivan_before


def _told_once_each(ivan: SandboxUser, tess: SandboxUser, tess_before: int, ivan_before: int) -> None:
    told = ivan.messages()[ivan_before:]
    assert len(told) == 1 and "Футболка (XL / Navy)" in told[0].text, [m.text for m in told]
    assert len(tess.messages()[tess_before:]) == 1 and "Organic cotton T-shirt (XL / Navy)" in tess.messages()[-1].text


async def test_back_in_stock_is_told_in_the_customers_language_when_the_product_is_on_sale_again_and_not_before(
    shop: RunningBot,
) -> None:
    masha, ivan, tess, tess_before, ivan_before = await _asked_for_while_off_sale(shop)
    await set_status(masha, "TEE-XL-NVY", "в продаже", "✏️ Статус")  # back on sale with the 5 that came
    await shop.runtime.notifier.drain()
    _told_once_each(ivan, tess, tess_before, ivan_before)
    restock = RESTOCK
    await import_stock(shop.runtime.uow(), shop.runtime.clock, restock.replace(",5", ",0"))
    await import_stock(shop.runtime.uow(), shop.runtime.clock, restock.replace(",5", ",4"))
    await shop.runtime.notifier.drain()
    assert len(ivan.messages()[ivan_before:]) == len(tess.messages()[tess_before:]) == 1  # told once


async def test_a_products_file_putting_a_product_back_on_sale_with_stock_tells_those_who_asked_in_their_language(
    shop: RunningBot,
) -> None:
    masha, ivan, tess, tess_before, ivan_before = await _asked_for_while_off_sale(shop)
    hidden = b"sku,name,category,price,currency,parent,options,status\n"
    row = b"TEE-XL-NVY,Organic cotton T-shirt,Clothing,13.00,GBP,TEE,Size=XL;Colour=Navy,"
    reply = await masha.send_document(hidden + row + b"hidden\n", "products.csv", caption="/import products")
    # Still off sale: nobody told.
    assert reply.last.text == "Товары (products): создано 0, изменено 1, без изменений 0."
    await shop.runtime.notifier.drain()
    assert tess.messages()[tess_before:] == [] and ivan.messages()[ivan_before:] == []
    reply = await masha.send_document(hidden + row + b"active\n", "products.csv", caption="/import products")
    assert reply.last.text == "Товары (products): создано 0, изменено 1, без изменений 0."
    await shop.runtime.notifier.drain()
    _told_once_each(ivan, tess, tess_before, ivan_before)
    asked = select(m.StockSubscriptionRow.notified_at).join(m.ProductRow).where(m.ProductRow.sku == "TEE-XL-NVY")
    async with shop.runtime.sessions() as session:
        assert [at is not None for at in (await session.scalars(asked)).all()] == [True, True]
    again = await masha.send_document(hidden + row + b"active\n", "products.csv", caption="/import products")
    assert again.last.text == "Товары (products): создано 0, изменено 0, без изменений 1."
    await shop.runtime.notifier.drain()
    assert len(ivan.messages()[ivan_before:]) == len(tess.messages()[tess_before:]) == 1  # told once


async def test_a_discontinued_variant_is_marked_on_the_option_buttons_as_one_that_cannot_be_had(
    shop: RunningBot,
) -> None:
    await tshirts(shop)
    manager = await hire(shop, 96, "Mia", "manager")
    await set_status(manager, "TEE-M-NVY", "discontinued")  # 3 in stock, but no longer sold
    customer = SandboxUser(shop.server, 811, "Tess")
    card = (await customer.send("/start p_TEE-S-NVY")).last
    assert card.button_texts()[:4] == ["✔ S", "M ✖", "L", "XL ✖"]
    chosen = (await customer.press(card, "M ✖")).last
    assert "Discontinued: this product can no longer be ordered." in chosen.text


async def test_a_category_typed_as_a_path_puts_the_product_there_and_a_loop_in_the_tree_is_refused(
    shop: RunningBot,
) -> None:
    manager = await hire(shop, 87, "Mia", "manager")
    asked = await manager.press((await manager.send("/product 85123A")).last, "✏️ Category")
    assert "Clothing > T-shirts" in asked.last.text  # the hint says a path is taken
    moved = await manager.send("home >  candles")  # a new pair; spacing as typed
    assert "Category: home › candles" in moved.last.text

    async def parents() -> dict[str, str | None]:
        uow = shop.runtime.uow()
        async with uow:
            return await uow.products.category_parents()

    assert (await parents())["candles"] == "home"
    await manager.press((await manager.send("/product 85123A")).last, "✏️ Category")
    refused = await manager.send("Candles > Home")  # the stored spelling is found whatever the case
    assert refused.last.text == "Category home cannot go inside candles: candles is already inside home."
    assert (await parents())["candles"] == "home" and (await parents())["home"] is None
    assert "Category: home › candles" in (await manager.send("/product 85123A")).last.text
    masha = await manager_in(shop, 88, "ru")
    asked = await masha.press((await masha.send("/product 85123A")).last, "✏️ Категория")
    assert "Одежда > Футболки" in asked.last.text


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_option_hidden_since_the_card_was_drawn_is_said_so_and_the_card_redrawn_as_it_is(
    shop: RunningBot, language: str
) -> None:
    await tshirts(shop)
    customer = SandboxUser(shop.server, 803, "Tess", language_code=language)
    card = (await customer.send("/start p_TEE-M-WHT")).last
    manager = await hire(shop, 89, "Mia", "manager")
    await set_status(manager, "TEE-L-WHT", "hidden")
    pressed = await customer.press(card, "L")  # drawn before L / White was hidden
    assert pressed.callback_answer is not None and pressed.callback_answer.get("show_alert") is True
    said = {"en": "That option is no longer sold", "ru": "Этот вариант больше не продаётся"}[language]
    assert said in pressed.callback_answer["text"]
    redrawn = pressed.last
    assert "TEE-L-WHT" not in (redrawn.text or "") and "TEE" in (redrawn.text or "")
    assert "L" in redrawn.button_texts()  # L / Navy is still sold


async def test_a_unit_cost_is_cleared_with_a_dash_as_other_optional_fields_are(shop: RunningBot) -> None:
    manager = await hire(shop, 90, "Mia", "manager")
    asked = await manager.press((await manager.send("/product 85123A")).last, "Unit cost")
    assert "- removes it" in asked.last.text
    saved = await manager.send("1.20")
    assert "Unit cost: £1.20" in saved.last.text and (await _product(shop, "85123A")).cost_minor == 120
    await manager.press(saved.last, "Unit cost")
    cleared = await manager.send("-")
    assert "Unit cost: —" in cleared.last.text and (await _product(shop, "85123A")).cost_minor is None
    history = [(f, before, after) for _, f, before, after in await _changes(shop, "85123A")]
    assert history == [("created", "", "85123A"), ("cost", "", "1.20 GBP"), ("cost", "1.20 GBP", "")]


async def test_asking_to_hear_of_a_discontinued_product_is_refused_naming_it_in_the_customers_language(
    shop: RunningBot,
) -> None:
    await tshirts(shop)
    masha = await manager_in(shop, 97, "ru")
    await masha.press((await masha.send("/product TEE-XL-NVY")).last, "Название (ru)")
    await masha.send("Футболка")
    ivan = SandboxUser(shop.server, 812, "Иван", language_code="ru")
    card = await ivan.send("/start p_TEE-XL-NVY")  # sold out: the card offers 🔔
    await set_status(masha, "TEE-XL-NVY", "снят с продажи", "✏️ Статус")
    refused = await ivan.press(card.last, "🔔")
    assert refused.callback_answer is not None
    assert refused.callback_answer["text"] == "Товар «Футболка (XL / Navy)» снят с продажи и больше не заказывается."
    asked = select(m.StockSubscriptionRow.customer_id).join(m.ProductRow).where(m.ProductRow.sku == "TEE-XL-NVY")
    async with shop.runtime.sessions() as session:
        assert (await session.scalars(asked)).all() == []


async def test_a_long_named_variant_refused_as_discontinued_is_still_named_with_its_options(shop: RunningBot) -> None:
    await tshirts(shop)
    manager = await hire(shop, 91, "Mia", "manager")
    await manager.press((await manager.send("/product TEE")).last, "✏️ Name")
    await manager.send("Heavyweight organic cotton crew-neck T-shirt " * 5)  # 225 characters, every variant's
    tess = SandboxUser(shop.server, 803, "Tess")
    ivan = SandboxUser(shop.server, 804, "Иван", language_code="ru")
    cards = [(await customer.send("/start p_TEE-M-WHT")).last for customer in (tess, ivan)]
    await set_status(manager, "TEE-M-WHT", "discontinued")
    alert = (await tess.press(cards[0], "🛒 Add to cart")).callback_answer
    assert alert is not None and alert["text"].endswith("… (M / White) is discontinued and can no longer be ordered.")
    assert len(alert["text"]) <= 200
    alert = (await ivan.press(cards[1], "🛒 В корзину")).callback_answer
    assert alert is not None and alert["text"].endswith("… (M / White)» снят с продажи и больше не заказывается.")
    typed = (await tess.send("/add TEE-M-WHT")).last.text
    assert typed.endswith("… (M / White) is discontinued and can no longer be ordered.")


REFUSED_PATHS = {
    "loop": (  # Clothing > T-shirts is stored first
        "T-shirts > Clothing",
        "Category Clothing cannot go inside T-shirts: T-shirts is already inside Clothing.",
        "Категорию «Clothing» нельзя поместить в «T-shirts»: «T-shirts» уже находится внутри «Clothing».",
    ),
    "two parents": (  # no file line to name in chat
        "Home > Shirts > Men > Shirts",
        "Category Shirts cannot be inside both Home and Men: a category has one parent.",
        "Категория «Shirts» не может быть сразу внутри «Home» и «Men»: у категории один родитель.",
    ),
}


@pytest.mark.parametrize("case", list(REFUSED_PATHS))
async def test_a_path_the_tree_refuses_is_told_in_chat_as_a_whole_sentence_in_english_and_russian(
    shop: RunningBot, case: str
) -> None:
    typed, english, russian = REFUSED_PATHS[case]
    manager = await hire(shop, 89, "Mia", "manager")
    await manager.press((await manager.send("/product 85123A")).last, "✏️ Category")
    await manager.send("Clothing > T-shirts")
    await manager.press((await manager.send("/product 21212")).last, "✏️ Category")
    assert (await manager.send(typed)).last.text == english
    masha = await manager_in(shop, 90, "ru")
    await masha.press((await masha.send("/product 21212")).last, "✏️ Категория")
    assert (await masha.send(typed.lower() if case == "loop" else typed)).last.text == russian
    assert "Category: Kitchen" in (await manager.send("/product 21212")).last.text  # nothing moved
    uow = shop.runtime.uow()
    async with uow:
        parents = await uow.products.category_parents()
    assert parents["Clothing"] is None and parents["T-shirts"] == "Clothing" and "Shirts" not in parents
