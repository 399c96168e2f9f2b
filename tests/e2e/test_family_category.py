"""A product's category is its family's, through the sandbox in English and Russian: a category
typed or picked on one variant moves the parent and every variant together, each row audited,
the reply says how many moved, and customers browsing find the whole product in the new
category and none of it in the old one."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from bot.harness import RunningBot
from sandbox import SandboxUser
from sandbox.server import BotMessage
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.family_category import FAMILY, audit, categories
from tests.e2e.variants import tshirts

WORDS = {
    "en": {
        "category": "✏️ Category",
        "moved": "7 variants of TEE moved to Party: a product's variants share one category.",
        "one": "1 variant of TEE moved to Clothing: a product's variants share one category.",
        "shown": "Category: Party",
        "history": "Category: Clothing → Party",
        "party": "Party",  # as the customer reads it
    },
    "ru": {
        "category": "✏️ Категория",
        "moved": "7 вариантов TEE перенесены в Party: у вариантов товара одна категория.",
        "one": "1 вариант TEE перенесён в Clothing: у вариантов товара одна категория.",
        "shown": "Категория: Party",
        "history": "Категория: Clothing → Party",
        "party": "Для праздника",  # the demo's category_ru
    },
}


async def category_page(customer: SandboxUser, name: str) -> BotMessage | None:
    """The customer's page of category ``name`` from /catalog (walking its pages), or None when it is not offered."""
    page = (await customer.send("/catalog")).last
    while True:
        found = next((t for t in page.button_texts() if t.startswith(f"{name} (")), None)
        if found is not None:
            return (await customer.press(page, found)).last
        following = next((t for t in page.button_texts() if t.startswith(("Next", "Далее", "▶"))), None)
        if following is None:
            return None
        page = (await customer.press(page, following)).last


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_category_typed_on_one_variant_moves_the_whole_product_and_the_reply_says_how_many(
    shop: RunningBot, language: str
) -> None:
    await tshirts(shop)
    words = WORDS[language]
    customer = SandboxUser(shop.server, 820, "Tess", language_code=language)
    clothing = await category_page(customer, "Clothing")  # read before the move: the read cache holds it
    assert clothing is not None and "Organic cotton T-shirt" in clothing.button_texts()
    manager = await hire(shop, 120, "Mia", "manager", language=language)
    await manager.press((await manager.send("/product TEE-M-NVY")).last, words["category"])
    moved = (await manager.send("Party")).last
    assert words["moved"] in moved.text and words["shown"] in moved.text
    assert await categories(shop) == dict.fromkeys(FAMILY, "Party")
    assert await category_page(customer, "Clothing") is None  # no member left there: it had only the T-shirt
    party = await category_page(customer, words["party"])
    assert party is not None
    assert [t for t in party.button_texts() if "T-shirt" in t] == ["Organic cotton T-shirt"]  # listed once
    history = (await manager.press((await manager.send("/product TEE-XL-NVY")).last, "📜")).last
    assert words["history"] in history.text  # a sibling's own trail says it moved


async def test_every_row_the_move_changes_is_audited_with_who_and_before_and_after(shop: RunningBot) -> None:
    await tshirts(shop)
    manager = await hire(shop, 121, "Mia", "manager")
    await manager.press((await manager.send("/product TEE")).last, "✏️ Category")
    await manager.send("Party")
    assert await audit(shop) == [(sku, "staff:121", "category", "Clothing", "Party") for sku in sorted(FAMILY)]
    async with shop.runtime.sessions() as session:
        times = set(
            (await session.scalars(select(m.ProductChangeRow.at).where(m.ProductChangeRow.field == "category"))).all()
        )
    assert len(times) == 1  # one edit, one moment
    await manager.press((await manager.send("/product TEE-S-NVY")).last, "✏️ Category")
    again = (await manager.send("party")).last  # where it already is: nothing moves, nothing audited
    assert "moved" not in again.text and len(await audit(shop)) == len(FAMILY)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_category_picked_on_a_split_family_brings_back_only_the_variant_left_elsewhere(
    shop: RunningBot, language: str
) -> None:
    """A family split before this rule (one size moved alone): picking the family's category on
    that size brings it back, and only it is moved and audited."""
    await tshirts(shop)
    async with shop.runtime.sessions() as session:
        kitchen = await session.scalar(select(m.CategoryRow.id).where(m.CategoryRow.name == "Kitchen"))
        await session.execute(update(m.ProductRow).where(m.ProductRow.sku == "TEE-L-NVY").values(category_id=kitchen))
        await session.commit()
    manager = await hire(shop, 122, "Mia", "manager", language=language)
    asked = (await manager.press((await manager.send("/product TEE-L-NVY")).last, WORDS[language]["category"])).last
    picked = (await manager.press(asked, "Clothing")).last
    assert WORDS[language]["one"] in picked.text
    assert await categories(shop) == dict.fromkeys(FAMILY, "Clothing")
    assert await audit(shop) == [("TEE-L-NVY", "staff:122", "category", "Kitchen", "Clothing")]


async def test_a_product_without_variants_moves_alone_and_its_reply_counts_nothing(shop: RunningBot) -> None:
    manager = await hire(shop, 123, "Mia", "manager")
    await manager.press((await manager.send("/product 85123A")).last, "✏️ Category")
    moved = (await manager.send("Party")).last
    assert "Category: Party" in moved.text and "variant" not in moved.text
