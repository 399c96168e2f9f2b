"""Option names and values per language (the products file's ``options_ru``): a Russian customer chooses
«Размер» and «Цвет» on the card's buttons and line, and reads the variant so in the cart (the Mini App's too),
the checkout's review and the order kept; an English one as the shop writes them. Bad files are refused by
line; /product sets them on a variant, its translated siblings following; a variant given other values
loses the words of its old ones."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from bot.harness import RunningBot
from domain.usecases.imports.products import import_products
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.journeys import checkout_to_payment, order_code
from tests.e2e.miniapp import miniapp, tma
from tests.e2e.variant_management import manager_in
from tests.e2e.variants import translated_tees, tshirts

CUSTOMER = 1771
WORDS = {
    "en": ("T-shirt", "Size", "Colour", "White", "Navy", "🛒 Add to cart"),
    "ru": ("Футболка", "Размер", "Цвет", "Белый", "Синий", "🛒 В корзину"),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_customer_chooses_options_named_in_their_language_and_reads_the_variant_so_up_to_the_order(
    shop: RunningBot, language: str
) -> None:
    await translated_tees(shop)
    tshirt, size, colour, white, navy, add = WORDS[language]
    customer = SandboxUser(shop.server, CUSTOMER, "Tess", language_code=language)
    card = (await customer.send("/start p_TEE")).last
    assert f"{size}: <b>S</b> · {colour}: <b>{white}</b>\n" in (card.html or "")
    assert card.button_texts()[:4] == ["✔ S", "M", f"✔ {white}", navy]
    card = (await customer.press(card, navy)).last  # S / Navy: the variant the translated button names
    assert "TEE-S-NVY" in card.text and f"{colour}: {navy}" in card.text
    assert card.button_texts()[:4] == ["✔ S", "M", white, f"✔ {navy}"]
    card = (await customer.press(card, "M")).last  # M / Navy has no translation: the shop's words on its line
    assert "TEE-M-NVY" in card.text and "Size: M · Colour: Navy" in card.text
    assert card.button_texts()[:4] == ["S", "✔ M", white, f"✔ {navy}"]  # its siblings' buttons still translated
    card = (await customer.press(card, "S")).last
    await customer.press(card, add)
    cart = (await customer.send("/cart")).last.text
    assert f"{tshirt} (S / {navy})" in cart
    async with miniapp(shop) as client:  # the Mini App's cart names it alike
        shown = await (await client.get("/app/api/shop/cart", headers=tma(shop, CUSTOMER, language=language))).json()
    assert [line["name"] for line in shown["lines"]] == [f"{tshirt} (S / {navy})"]
    review = (await customer.press((await checkout_to_payment(customer)).last, "💵")).last
    assert f"{tshirt} (S / {navy})" in review.text
    code = order_code(await customer.press(review, "✅"))
    async with shop.runtime.sessions() as session:
        line = (await session.execute(select(m.OrderLineRow).where(m.OrderLineRow.sku == "TEE-S-NVY"))).scalar_one()
    # Kept as sold, in each language: the order reads so after the catalog changes
    assert (line.name, json.loads(line.names)) == ("T-shirt (S / Navy)", {"ru": "Футболка (S / Синий)"})
    assert f"{tshirt} (S / {navy})" in (await customer.send(f"/track {code}")).last.text


HEADER = "sku,name,category,price,currency,parent,options,options_ru\n"
PARENT = "TEE,T-shirt,Clothing,12.00,GBP,,Size=S;Colour=White,Размер=S;Цвет=Белый\n"
REFUSED = {  # a file's rows and the problem named in English and Russian
    "fewer options": (
        "TEE,T-shirt,Clothing,12.00,GBP,,Size=S;Colour=White,Размер=S\n",
        "products.csv:2: options_ru must give 2 options, as options does and in its order (Size, Colour); got Размер",
        "products.csv:2: в options_ru должно быть опций: 2, как в options и в том же порядке (Size, Colour); "
        "указано Размер",
    ),
    "other names": (
        PARENT + "TEE-M-WHT,,,,,TEE,Size=M;Colour=White,Рост=M;Цвет=Белый\n",
        "products.csv:3: options_ru: TEE's options are Размер, Цвет on line 2, as its variants share them; "
        "got Рост, Цвет",
        "products.csv:3: options_ru: опции TEE — Размер, Цвет в строке 2, у вариантов они общие; указано Рост, Цвет",
    ),
    "a value said twice": (
        PARENT + "TEE-M-WHT,,,,,TEE,Size=M;Colour=White,Размер=M;Цвет=Белая\n",
        "products.csv:3: options_ru: White is Белый on line 2 (a value reads the same in a product); got Белая",
        "products.csv:3: options_ru: White — это Белый в строке 2 (значение в товаре переводится одинаково); "
        "указано Белая",
    ),
    "two values said alike": (
        PARENT + "TEE-S-NVY,,,,,TEE,Size=S;Colour=Navy,Размер=S;Цвет=белый\n",
        "products.csv:3: options_ru: белый says White on line 2; give Navy a word of its own (two buttons would "
        "read alike)",
        "products.csv:3: options_ru: белый означает White в строке 2; дайте Navy своё слово (две кнопки читались бы "
        "одинаково)",
    ),
    # Beside the stored TRANSLATED_TEES, which the file leaves out: the card's line said «Белая», its buttons «Белый»
    "a value said otherwise than a stored variant": (
        "TEE-L-WHT,,,,,TEE,Size=L;Colour=White,Размер=L;Цвет=Белая\n",
        "products.csv:2: options_ru: White is Белый on the stored variant TEE (a value reads the same in a "
        "product); got Белая",
        "products.csv:2: options_ru: White — это Белый у сохранённого варианта TEE (значение в товаре переводится "
        "одинаково); указано Белая",
    ),
    "options named otherwise than the stored variants": (
        "TEE-L-WHT,,,,,TEE,Size=L;Colour=White,Рост=L;Цвет=Белый\n",
        "products.csv:2: options_ru: TEE's options are Размер, Цвет on the stored variant TEE, as its variants share "
        "them; got Рост, Цвет",
        "products.csv:2: options_ru: опции TEE — Размер, Цвет у сохранённого варианта TEE, у вариантов они общие; "
        "указано Рост, Цвет",
    ),
    "a value said as a stored variant's other value": (
        "TEE-L-BLK,,,,,TEE,Size=L;Colour=Black,Размер=L;Цвет=Белый\n",
        "products.csv:2: options_ru: Белый says White on the stored variant TEE; give Black a word of its own (two "
        "buttons would read alike)",
        "products.csv:2: options_ru: Белый означает White у сохранённого варианта TEE; дайте Black своё слово (две "
        "кнопки читались бы одинаково)",
    ),
}
BESIDE_STORED = (
    "a value said otherwise than a stored variant",
    "options named otherwise than the stored variants",
    "a value said as a stored variant's other value",
)


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("case", list(REFUSED))
async def test_options_translated_unlike_the_options_or_other_rows_are_refused_naming_the_line_and_nothing_is_written(
    shop: RunningBot, case: str, language: str
) -> None:
    """Other rows are the stored variants of the parent too, those the file leaves out (named by SKU)."""
    if case in BESIDE_STORED:
        await translated_tees(shop)
    manager = await hire(shop, 83, "Mia", "manager", language=language)
    rows, english, russian = REFUSED[case]
    refused = await manager.send_document((HEADER + rows).encode(), "products.csv", "/import")
    assert (english if language == "en" else russian) in refused.last.text.splitlines(), refused.last.text
    async with shop.runtime.sessions() as session:
        stored = await session.scalar(select(func.count()).where(m.ProductRow.sku.like("TEE%")))
    assert stored == (4 if case in BESIDE_STORED else 0)  # nothing of the file's


@pytest.mark.parametrize(
    ("language", "field", "refused"),
    [
        (
            "en",
            "Options (ru)",
            "Give each option of TEE in that language, in its order (Size, Colour): "
            "e.g. Size=M; Colour=Navy; - removes them.",
        ),
        (
            "ru",
            "Опции (ru)",
            "Укажите каждую опцию TEE на этом языке, в её порядке (Size, Colour): "
            "например, Size=M; Colour=Navy; - удаляет их.",
        ),
    ],
)
async def test_a_manager_gives_a_variant_its_options_in_russian_from_its_sheet_audited(
    shop: RunningBot, language: str, field: str, refused: str
) -> None:
    await translated_tees(shop)
    mia = await manager_in(shop, 1772, language)
    sheet = (await mia.send("/product TEE-M-NVY")).last
    assert f"{field}: —" in sheet.text
    asked = (await mia.press(sheet, field)).last
    assert "—" in asked.text
    assert (await mia.send("Размер=M")).last.text == refused  # one of two: the question stays open, nothing changed
    saved = (await mia.send("Размер=M; Цвет=Синий")).last
    assert f"{field}: Размер=M; Цвет=Синий" in saved.text
    async with shop.runtime.sessions() as session:
        t, p = m.ProductTranslationRow, m.ProductRow
        words = await session.scalar(select(t.options).join(p, p.id == t.product_id).where(p.sku == "TEE-M-NVY"))
        changed = await session.execute(select(m.ProductChangeRow.field, m.ProductChangeRow.after))
        assert words == "Размер=M; Цвет=Синий" and ("options_ru", "Размер=M; Цвет=Синий") in changed.all()
    boris = SandboxUser(shop.server, CUSTOMER + 2, "Борис", language_code="ru")
    card = (await boris.send("/start p_TEE-M-NVY")).last
    assert "Размер: M · Цвет: Синий" in card.text


async def test_options_given_on_one_variant_rename_its_translated_siblings_and_a_value_they_share_each_audited(
    shop: RunningBot,
) -> None:
    await translated_tees(shop)
    mia = await manager_in(shop, 1773, "en")
    sheet = (await mia.send("/product TEE")).last
    await mia.press(sheet, "Options (ru)")
    await mia.send("Рост=S; Цвет=Молочный")  # S / White: its names, and White, for every sibling translated
    async with shop.runtime.sessions() as session:
        t, p = m.ProductTranslationRow, m.ProductRow
        tees = select(p.sku, t.options).join(t, t.product_id == p.id).where(p.sku.like("TEE%"))  # not the demo's names
        words = dict((await session.execute(tees)).all())
        audited = await session.execute(
            select(p.sku, m.ProductChangeRow.after)
            .join(p, p.id == m.ProductChangeRow.product_id)
            .where(m.ProductChangeRow.field == "options_ru")
        )
        assert words == {
            "TEE": "Рост=S; Цвет=Молочный",
            "TEE-M-WHT": "Рост=M; Цвет=Молочный",
            "TEE-S-NVY": "Рост=S; Цвет=Синий",  # its S said as before, its Navy its own
            "TEE-M-NVY": "",  # untranslated: left to be given
        }
        assert sorted(audited.all()) == [
            ("TEE", "Рост=S; Цвет=Молочный"),
            ("TEE-M-WHT", "Рост=M; Цвет=Молочный"),
            ("TEE-S-NVY", "Рост=S; Цвет=Синий"),
        ]
    boris = SandboxUser(shop.server, CUSTOMER + 3, "Борис", language_code="ru")
    card = (await boris.send("/start p_TEE-S-NVY")).last
    assert "Рост: S · Цвет: Синий" in card.text and card.button_texts()[:4] == ["✔ S", "M", "Молочный", "✔ Синий"]


async def test_a_variant_given_other_values_in_chat_loses_the_russian_words_of_its_old_ones(shop: RunningBot) -> None:
    """«Размер: S · Цвет: Синий» would go on naming what is now an L."""
    await translated_tees(shop)
    mia = await manager_in(shop, 1774, "en")
    await mia.press((await mia.send("/product TEE-S-NVY")).last, "✏️ Options")
    await mia.send("Size=L; Colour=Navy")
    async with shop.runtime.sessions() as session:
        t, p = m.ProductTranslationRow, m.ProductRow
        words = await session.scalar(select(t.options).join(p, p.id == t.product_id).where(p.sku == "TEE-S-NVY"))
    assert words == ""
    boris = SandboxUser(shop.server, CUSTOMER + 4, "Борис", language_code="ru")
    card = (await boris.send("/start p_TEE-S-NVY")).last
    assert "Футболка" in card.text and "Size: L · Colour: Navy" in card.text


@pytest.mark.parametrize(
    ("language", "options", "field"), [("en", "✏️ Options", "Options (ru)"), ("ru", "✏️ Опции", "Опции (ru)")]
)
async def test_a_variant_whose_values_are_typed_again_as_they_are_keeps_its_russian_words_and_its_sheet_says_them(
    shop: RunningBot, language: str, options: str, field: str
) -> None:
    """Only other values lose the words of the old ones: the same values keep them, and the sheet shown after
    the save says them, not «—» (it showed the variant as typed, without its words)."""
    await translated_tees(shop)
    mia = await manager_in(shop, 1775, language)
    await mia.press((await mia.send("/product TEE-S-NVY")).last, options)
    saved = (await mia.send("Size=S; Colour=Navy")).last
    assert f"{field}: Размер=S; Цвет=Синий" in saved.text, saved.text
    async with shop.runtime.sessions() as session:
        t, p = m.ProductTranslationRow, m.ProductRow
        words = await session.scalar(select(t.options).join(p, p.id == t.product_id).where(p.sku == "TEE-S-NVY"))
    assert words == "Размер=S; Цвет=Синий"


async def test_the_russian_words_a_variant_loses_with_its_old_values_are_audited(shop: RunningBot) -> None:
    """As a products file's row giving other values audits its options_ru going: the History says where they went."""
    await translated_tees(shop)
    mia = await manager_in(shop, 1776, "en")
    await mia.press((await mia.send("/product TEE-S-NVY")).last, "✏️ Options")
    saved = (await mia.send("Size=L; Colour=Navy")).last
    assert "Options (ru): —" in saved.text, saved.text
    async with shop.runtime.sessions() as session:
        p, c = m.ProductRow, m.ProductChangeRow
        audited = await session.execute(
            select(c.field, c.before, c.after).join(p, p.id == c.product_id).where(p.sku == "TEE-S-NVY")
        )
        changes = sorted(tuple(row) for row in audited.all())
    assert ("options_ru", "Размер=S; Цвет=Синий", "") in changes, changes


@pytest.mark.parametrize(
    ("language", "field", "refused"),
    [
        (
            "en",
            "Options (ru)",
            "“Белый” already says White on TEE: two of the card's buttons would read alike; give Navy a word of "
            "its own.",
        ),
        (
            "ru",
            "Опции (ru)",
            "«Белый» уже означает White у TEE: две кнопки на карточке читались бы одинаково; дайте Navy своё слово.",
        ),
    ],
)
async def test_two_values_of_an_option_given_one_russian_word_in_chat_are_refused_and_nothing_changes(
    shop: RunningBot, language: str, field: str, refused: str
) -> None:
    """Navy said «Белый» beside White's «Белый»: two identical buttons, a Russian customer not knowing which."""
    await translated_tees(shop)
    mia = await manager_in(shop, 1777, language)
    await mia.press((await mia.send("/product TEE-S-NVY")).last, field)
    assert (await mia.send("Размер=S; Цвет=белый")).last.text == refused  # in any case: the buttons read alike
    async with shop.runtime.sessions() as session:
        t, p = m.ProductTranslationRow, m.ProductRow
        tees = select(p.sku, t.options).join(t, t.product_id == p.id).where(p.sku.like("TEE%"))  # not the demo's names
        words = dict((await session.execute(tees)).all())
        audited = await session.scalar(
            select(func.count()).select_from(m.ProductChangeRow).where(m.ProductChangeRow.field == "options_ru")
        )
    assert words["TEE-S-NVY"] == "Размер=S; Цвет=Синий" and audited == 0
    saved = (await mia.send("Размер=S; Цвет=Тёмно-синий")).last  # the question stays open
    assert f"{field}: Размер=S; Цвет=Тёмно-синий" in saved.text


async def test_a_file_saying_a_value_anew_on_every_stored_variant_having_it_is_taken(shop: RunningBot) -> None:
    """Not refused when the file changes the stored siblings' words alike: the card reads «Белая» throughout."""
    await translated_tees(shop)
    rows = (
        "TEE,T-shirt,Clothing,12.00,GBP,,Size=S;Colour=White,Размер=S;Цвет=Белая\n"
        "TEE-M-WHT,,,,,TEE,Size=M;Colour=White,Размер=M;Цвет=Белая\n"
        "TEE-L-WHT,,,,,TEE,Size=L;Colour=White,Размер=L;Цвет=Белая\n"
    )
    await import_products(shop.runtime.uow(), shop.runtime.clock, HEADER + rows)
    boris = SandboxUser(shop.server, CUSTOMER + 8, "Борис", language_code="ru")
    card = (await boris.send("/start p_TEE-L-WHT")).last
    buttons = card.button_texts()  # the L is out of stock: its buttons are marked so
    assert "Размер: L · Цвет: Белая" in card.text and any(b.startswith("✔ Белая") for b in buttons), buttons
    assert not any("Белый" in b for b in buttons), buttons


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (
            "en",
            "TEE: options_ru gives no words to its stored variants TEE, TEE-L-NVY, TEE-M-NVY, TEE-S-NVY, TEE-XL-NVY, "
            "which the file leaves out: their cards read their options as options writes them in that language "
            "(a variant without words does); give their rows to translate them too.",
        ),
        (
            "ru",
            "TEE: options_ru не даёт слов сохранённым вариантам TEE, TEE-L-NVY, TEE-M-NVY, TEE-S-NVY, TEE-XL-NVY, "
            "которых нет в файле: их карточки на этом языке читают опции так, как они записаны в options (как у "
            "любого варианта без слов); добавьте их строки, чтобы перевести и их.",
        ),
    ],
)
async def test_a_file_translating_some_variants_of_a_parent_names_the_stored_ones_it_leaves_without_words(
    shop: RunningBot, language: str, said: str
) -> None:
    """Two of seven stored T-shirts given Russian words: the import said nothing of the five left reading
    «Size: S · Colour: Navy» beside «Размер: M · Цвет: Белый»; a variant without words is allowed (a file's row, chat's
    ✏️ Options (ru)), so the file is taken and the summary names them."""
    await tshirts(shop)
    manager = await hire(shop, 84, "Mia", "manager", language=language)
    rows = (
        "TEE-M-WHT,,,,,TEE,Size=M;Colour=White,Размер=M;Цвет=Белый\n"
        "TEE-L-WHT,,,,,TEE,Size=L;Colour=White,Размер=L;Цвет=Белый\n"
    )
    summary = (await manager.send_document((HEADER + rows).encode(), "products.csv", "/import")).last.text
    assert said in summary, summary
    async with shop.runtime.sessions() as session:
        t, p = m.ProductTranslationRow, m.ProductRow
        tees = select(p.sku, t.options).join(t, t.product_id == p.id).where(p.sku.like("TEE%"))  # not the demo's names
        words = dict((await session.execute(tees)).all())
    assert {sku: w for sku, w in words.items() if w} == {
        "TEE-M-WHT": "Размер=M; Цвет=Белый",
        "TEE-L-WHT": "Размер=L; Цвет=Белый",
    }
    rest = "".join(
        f"{sku},,,,,TEE,Size={size};Colour={colour},Размер={size};Цвет={word}\n"
        for sku, size, colour, word in (
            ("TEE", "S", "White", "Белый"),
            ("TEE-S-NVY", "S", "Navy", "Синий"),
            ("TEE-M-NVY", "M", "Navy", "Синий"),
            ("TEE-L-NVY", "L", "Navy", "Синий"),
            ("TEE-XL-NVY", "XL", "Navy", "Синий"),
        )
    )
    summary = (await manager.send_document((HEADER + rest).encode(), "products.csv", "/import")).last.text
    assert "options_ru" not in summary, summary  # every variant says its options in Russian now
