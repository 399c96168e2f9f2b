"""/cancelorder with no code says what it cancels now (en, ru): before picking, on hold before it, and, a manager's,
mid-pick or on hold after a short pick, the pickers told what to put back; not "before picking" alone."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from tests.e2e.conftest import hire

USAGE = {
    "en": "Usage: /cancelorder ORDER-CODE — cancel an order for its customer: before picking (or on hold before it); "
    "a manager also while it is being picked or on hold after a short pick, its pickers told what to put back.",
    "ru": "Использование: /cancelorder КОД-ЗАКАЗА — отменить заказ за покупателя: до начала сборки (или "
    "приостановленный до неё); менеджер — ещё и во время сборки или после недостачи при сборке, а сборщикам сообщат, "
    "что вернуть.",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_cancelorder_without_a_code_says_it_cancels_orders_being_picked_and_held_too(
    shop: RunningBot, language: str
) -> None:
    max_ = await hire(shop, 1_730, "Max", "manager", language=language)
    for typed in ("/cancelorder", "/cancelorder A B"):
        assert (await max_.send(typed)).last.text == USAGE[language]


MENU = {
    "en": "Cancel an order for its customer before picking (a manager: also mid-pick or on hold after a short pick)",
    "ru": "Отменить заказ за покупателя до начала сборки (менеджер — ещё и во время сборки или после недостачи при "
    "сборке)",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_cancelorder_in_the_menu_and_help_says_a_manager_cancels_on_hold_after_a_short_pick_too(
    shop: RunningBot, language: str
) -> None:
    max_ = await hire(shop, 1_731, "Max", "manager", language=language)
    menu = {c["command"]: c["description"] for c in shop.server.commands[f"chat:1731:{language}"]}
    assert menu["cancelorder"] == MENU[language]
    assert f"/cancelorder — {MENU[language]}" in (await max_.send("/help")).last.text
