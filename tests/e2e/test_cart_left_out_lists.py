"""A 100-line cart whose products were discontinued or withdrawn by the dozen: /cart, the review
and Buy again name a few of each and count the rest, within Telegram's 4,096 characters, their
totals and buttons kept (a longer edit was refused and the screen lost them)."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from bot.harness import RunningBot
from storage import models
from tests.e2e.cart_100_lines import SKUS, fill, full_cart
from tests.e2e.journeys import checkout_to_payment, order_code

WORDS = {
    "en": {
        "sub": "Subtotal: ",
        "total": "Total: ",
        "again": "🛒 Buy again",
        "discontinued": "⛔ … and 27 more products.",
        "withdrawn": "❌ … and 27 more products.",
        "review": "⛔ … and 27 more products.",
        "skipped": "… and 55 more products were skipped.",
    },
    "ru": {
        "sub": "Товары: ",
        "total": "Итого: ",
        "again": "🛒 Купить снова",
        "discontinued": "⛔ … и ещё 27 товаров.",
        "withdrawn": "❌ … и ещё 27 товаров.",
        "review": "⛔ … и ещё 27 товаров.",
        "skipped": "… и ещё 55 товаров пропущено.",
    },
}


async def set_status(shop: RunningBot, skus: list[str], status: str) -> None:
    async with shop.runtime.sessions() as session:
        await session.execute(update(models.ProductRow).where(models.ProductRow.sku.in_(skus)).values(status=status))
        await session.commit()


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_sixty_products_left_out_of_a_full_cart_are_counted_and_its_screens_keep_their_totals(
    shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    bea = await full_cart(shop, language)
    code = order_code(await bea.press((await bea.press((await checkout_to_payment(bea)).last, "💵")).last, "✅"))
    await fill(bea)
    await set_status(shop, SKUS[:30], "discontinued")
    await set_status(shop, SKUS[30:60], "hidden")

    cart = (await bea.send("/cart")).last
    assert len(cart.text) <= 4096 and words["sub"] in cart.text
    assert words["discontinued"] in cart.text and words["withdrawn"] in cart.text
    assert cart.text.count("⛔") == cart.text.count("❌") == 4  # three named, the rest counted
    assert any(text.startswith("Wholesale tee") for text in cart.button_texts())

    review = (await bea.press((await checkout_to_payment(bea)).last, "💵")).last
    assert len(review.text) <= 4096 and words["total"] in review.text and words["review"] in review.text
    assert any(text.startswith("✅") for text in review.button_texts())

    again = await bea.press((await bea.send(f"/track {code}")).last, words["again"])
    summary = again.new[-2]
    assert len(summary.text) <= 4096 and words["skipped"] in summary.text
    assert len(again.last.text) <= 4096 and words["sub"] in again.last.text
    assert [call for call in shop.server.calls if not call.ok] == []
