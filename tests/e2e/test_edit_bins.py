"""The order edit screen's 🗑 buttons say which line each removes, and one pressed on a screen
the order has moved on from is answered with why and the screen shown as the order is now (en/ru)."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.journeys import add_to_cart, line_quantities, order_code, place_cod_order

WORDS = {
    "en": ("✏️ Edit", "has changed since this screen was shown"),
    "ru": ("✏️ Изменить", "изменился с тех пор, как был показан этот экран"),
}
BINS = {"en": ("🗑 Popcorn Holder", "🗑 White Hanging…"), "ru": ("🗑 Стаканчик для…", "🗑 Белый подвесной…")}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_each_bin_names_its_line_and_a_stale_one_is_answered_with_the_order_as_it_is(
    shop: RunningBot, language: str
) -> None:
    edit, stale = WORDS[language]
    popcorn, heart = BINS[language]
    customer = SandboxUser(shop.server, 5401, "Bea", language_code=language)
    await add_to_cart(customer, "85123A")
    await add_to_cart(customer, "22197")
    code = order_code(await place_cod_order(customer))
    first = (await customer.press((await customer.send(f"/track {code}")).last, edit)).last
    bins = [b["text"] for b in first.buttons() if b["text"].startswith("🗑")]
    assert len(bins) == 2 and len(set(bins)) == 2, bins
    assert sorted(bins) == sorted([popcorn, heart]), bins  # the name cut to fit a third of a row
    second = (await customer.press((await customer.send(f"/track {code}")).last, edit)).last
    await customer.press(second, heart)
    assert await line_quantities(shop, code) == {"22197": 1}

    answered = await customer.press(first, popcorn)  # the older screen: the order has moved on
    assert answered.callback_answer is not None and stale in answered.callback_answer["text"]
    assert await line_quantities(shop, code) == {"22197": 1}  # nothing changed
    redrawn = next(m for m in customer.messages() if m.message_id == first.message_id)
    assert [b["text"] for b in redrawn.buttons() if b["text"].startswith("🗑")] == [popcorn]
