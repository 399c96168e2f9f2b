"""Category names per language (the products file's ``category_ru``): a customer browses the tree, its
breadcrumbs and the Mini App's categories in their language, an untranslated one in the shop's."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.harness import RunningBot
from domain.usecases.imports.products import import_products
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN, hire
from tests.e2e.journeys import breadcrumb, down
from tests.e2e.miniapp import miniapp, tma
from tests.e2e.variant_management import manager_in

CUSTOMER = 1701
CLOTHES = (
    "sku,name,category,category_ru,price,currency\n"
    "TEE-1,Plain tee,Clothing > T-shirts,Одежда > Футболки,10.00,GBP\n"
    "SCARF-1,Wool scarf,clothing,,15.00,GBP\n"  # the stored Clothing, its translation kept
    "KITE-1,Paper kite,Toys,,7.00,GBP\n"  # no category_ru: Toys reads as the shop names it
)
OURS = m.CategoryRow.name.in_(("Clothing", "T-shirts"))  # the demo's categories have their Russian names too


@pytest.mark.parametrize(
    ("language", "clothing", "tshirts", "catalog"),
    [("en", "Clothing", "T-shirts", "Catalog"), ("ru", "Одежда", "Футболки", "Каталог")],
)
async def test_a_customer_browses_categories_named_in_their_language_and_untranslated_ones_in_the_shops(
    shop: RunningBot, language: str, clothing: str, tshirts: str, catalog: str
) -> None:
    await import_products(shop.runtime.uow(), shop.runtime.clock, CLOTHES)
    customer = SandboxUser(shop.server, CUSTOMER, "Cat", language_code=language)
    toys = await down(customer, (await customer.send("/catalog")).last, "Toys")
    assert breadcrumb(toys) == f"{catalog} › Toys"  # not translated: the shop's name
    upper = await down(customer, (await customer.send("/catalog")).last, clothing)
    assert breadcrumb(upper) == f"{catalog} › {clothing}"
    assert f"{tshirts} (1)" in upper.button_texts() and "Wool scarf" in upper.button_texts()
    inner = (await customer.press(upper, f"{tshirts} (1)")).last
    assert breadcrumb(inner) == f"{catalog} › {clothing} › {tshirts}"
    headers = tma(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client:
        listed = await (await client.get("/app/api/shop/categories", headers=headers)).json()
        found = next(c for c in listed if c["name"] == clothing)
        assert found["count"] == 2 and any(c["name"] == "Toys" for c in listed)
        grid = await (
            await client.get("/app/api/shop/products", params={"category": found["id"]}, headers=headers)
        ).json()
        assert [c["name"] for c in grid["children"]] == [tshirts] and [c["name"] for c in grid["trail"]] == [clothing]


async def test_a_russian_category_name_is_shortened_and_escaped_in_the_breadcrumbs(shop: RunningBot) -> None:
    long = "Очень " * 15 + "<длинное & имя"  # 104 characters (no “>”: it parts a path): a category's name takes 128
    products = f"sku,name,category,category_ru,price,currency\nHAT-1,Hat,Hats,{long.strip()},5.00,GBP\n"
    await import_products(shop.runtime.uow(), shop.runtime.clock, products)
    boris = SandboxUser(shop.server, CUSTOMER + 1, "Борис", language_code="ru")
    top = (await boris.send("/catalog")).last
    while not any(t.startswith("Очень Очень") for t in top.button_texts()):
        top = (await boris.press(top, "▶")).last
    assert next(t for t in top.button_texts() if t.startswith("Очень")).endswith("… (1)")  # the button's 40
    hats = (await boris.press(top, "Очень Очень")).last
    assert breadcrumb(hats).startswith("Каталог › Очень Очень") and breadcrumb(hats).endswith("…")
    assert hats.html is not None and "<длинное" not in hats.html


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (
            "en",
            "products.csv:2: category_ru does not translate category name by name (1 of 2): give each name of its path",
        ),
        ("ru", "products.csv:2: category_ru переводит category не имя за именем (1 из 2): переведите каждое имя пути"),
    ],
)
async def test_a_translated_path_shorter_than_the_category_path_is_refused_and_nothing_is_imported(
    shop: RunningBot, language: str, said: str
) -> None:
    await hire(shop, ADMIN + 1, "Olga", "manager")
    olga = SandboxUser(shop.server, ADMIN + 1, "Olga", language_code=language)
    await olga.send(f"/language {language}")
    translations = select(func.count()).select_from(m.CategoryTranslationRow)
    async with shop.runtime.sessions() as session:
        before = await session.scalar(translations)  # the demo's categories' Russian names
    bad = "sku,name,category,category_ru,price,currency\nTEE-9,Tee,Clothing > T-shirts,Одежда,10.00,GBP\n".encode()
    reply = await olga.send_document(bad, "products.csv", caption="/import products")
    assert said in reply.last.text.splitlines()
    async with shop.runtime.sessions() as session:
        assert await session.scalar(translations) == before
        assert await session.scalar(select(func.count()).where(m.ProductRow.sku == "TEE-9")) == 0


@pytest.mark.parametrize(
    ("language", "field", "refused"),
    [
        (
            "en",
            "Category (ru)",
            "A > B > C names more categories than the product's category path has: Clothing > T-shirts.",
        ),
        ("ru", "Категория (ru)", "В «A > B > C» больше категорий, чем в пути категории товара: Clothing > T-shirts."),
    ],
)
async def test_a_manager_names_a_products_category_and_the_one_above_it_in_russian_from_its_sheet(
    shop: RunningBot, language: str, field: str, refused: str
) -> None:
    await import_products(shop.runtime.uow(), shop.runtime.clock, CLOTHES)
    mia = await manager_in(shop, 1711, language)
    sheet = (await mia.send("/product TEE-1")).last
    assert f"{field}: Одежда › Футболки" in sheet.text
    asked = (await mia.press(sheet, field)).last
    assert "Одежда › Футболки" in asked.text  # what it is now
    too_long = (await mia.send("A > B > C")).last
    assert too_long.text == refused  # the question stays open; nothing changed
    saved = (await mia.send("Верх > Футболки и майки")).last
    assert f"{field}: Верх › Футболки и майки" in saved.text
    async with shop.runtime.sessions() as session:
        rows = await session.execute(
            select(m.CategoryRow.name, m.CategoryTranslationRow.name)
            .join(m.CategoryTranslationRow)
            .where(OURS)
            .order_by(m.CategoryRow.name)
        )
        assert rows.all() == [("Clothing", "Верх"), ("T-shirts", "Футболки и майки")]
        changed = await session.execute(select(m.ProductChangeRow.field, m.ProductChangeRow.after))
        assert ("category_ru", "Верх > Футболки и майки") in changed.all()
    boris = SandboxUser(shop.server, CUSTOMER + 2, "Борис", language_code="ru")
    upper = await down(boris, (await boris.send("/catalog")).last, "Верх")
    assert "Футболки и майки (1)" in upper.button_texts()


@pytest.mark.parametrize(
    ("language", "field", "hint"),
    [("en", "Category (ru)", "- removes its name there."), ("ru", "Категория (ru)", "- удаляет её название")],
)
async def test_a_dash_removes_the_russian_name_of_a_products_category_and_keeps_the_ones_above_it(
    shop: RunningBot, language: str, field: str, hint: str
) -> None:
    """As «-» removes a name or options in a language: it named the category «-» for every Russian reader."""
    await import_products(shop.runtime.uow(), shop.runtime.clock, CLOTHES)
    mia = await manager_in(shop, 1712, language)
    asked = (await mia.press((await mia.send("/product TEE-1")).last, field)).last
    assert hint in asked.text, asked.text
    saved = (await mia.send(" - ")).last
    assert f"{field}: Одежда › T-shirts" in saved.text, saved.text
    async with shop.runtime.sessions() as session:
        rows = await session.execute(
            select(m.CategoryRow.name, m.CategoryTranslationRow.name).join(m.CategoryTranslationRow).where(OURS)
        )
        assert rows.all() == [("Clothing", "Одежда")]
        changed = await session.execute(
            select(m.ProductChangeRow.field, m.ProductChangeRow.before, m.ProductChangeRow.after)
        )
        assert ("category_ru", "Одежда > Футболки", "Одежда > T-shirts") in changed.all()
    boris = SandboxUser(shop.server, CUSTOMER + 3, "Борис", language_code="ru")
    upper = await down(boris, (await boris.send("/catalog")).last, "Одежда")
    assert "T-shirts (1)" in upper.button_texts(), upper.button_texts()


@pytest.mark.parametrize(("language", "clothing"), [("en", "Clothing"), ("ru", "Одежда")])
async def test_a_dash_in_a_products_files_category_ru_removes_the_categorys_russian_name_as_in_chat(
    shop: RunningBot, language: str, clothing: str
) -> None:
    """It named the category «-» for every Russian reader; in chat «-» removes a name."""
    await import_products(shop.runtime.uow(), shop.runtime.clock, CLOTHES)
    again = "sku,name,category,category_ru,price,currency\nTEE-1,Plain tee,Clothing > T-shirts,-,10.00,GBP\n"
    await import_products(shop.runtime.uow(), shop.runtime.clock, again)
    async with shop.runtime.sessions() as session:
        rows = await session.execute(
            select(m.CategoryRow.name, m.CategoryTranslationRow.name).join(m.CategoryTranslationRow).where(OURS)
        )
        assert rows.all() == [("Clothing", "Одежда")]  # the ones above it keep theirs
    customer = SandboxUser(shop.server, CUSTOMER + 4, "Cat", language_code=language)
    upper = await down(customer, (await customer.send("/catalog")).last, clothing)
    assert "T-shirts (1)" in upper.button_texts(), upper.button_texts()  # the shop's name, not «-»
