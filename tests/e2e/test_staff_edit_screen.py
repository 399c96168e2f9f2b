"""Staff's /edit screen: a press on a screen the order has moved on from is answered with why,
changes nothing and shows the order as it is now (en/ru)."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.conftest import hire
from tests.e2e.journeys import add_to_cart, line_quantities, order_code, place_cod_order

STALE = {
    "en": "has changed since this screen was shown",
    "ru": "изменился с тех пор, как был показан этот экран",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_stale_press_on_the_staff_edit_screen_changes_nothing_and_shows_the_order_as_it_is(
    shop: RunningBot, language: str
) -> None:
    customer = SandboxUser(shop.server, 5501, "Bea")
    await add_to_cart(customer, "85123A")
    await add_to_cart(customer, "22197")
    code = order_code(await place_cod_order(customer))
    manager = await hire(shop, 5502, "Max", "manager", language=language)
    first = (await manager.send(f"/edit {code}")).last
    second = (await manager.send(f"/edit {code}")).last
    await manager.press(second, "🗑 White Hanging…")
    assert await line_quantities(shop, code) == {"22197": 1}

    answered = await manager.press(first, "🗑 Popcorn Holder")  # the older screen: the order has moved on
    assert answered.callback_answer is not None and STALE[language] in answered.callback_answer["text"]
    assert await line_quantities(shop, code) == {"22197": 1}  # nothing changed
    redrawn = next(m for m in manager.messages() if m.message_id == first.message_id)
    assert [b["text"] for b in redrawn.buttons() if b["text"].startswith("🗑")] == ["🗑 Popcorn Holder"]
