"""The races of editing an order, told in the editor's language (English and Russian) through
the sandbox: an edit pressed after a picker started is refused with the reason, and of a
customer and a manager editing at once one wins and the other is told. Nothing half-done."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from domain.picking import PickMethod
from domain.usecases.picking import start_round
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.journeys import add_to_cart, line_quantities, order_code, place_cod_order, scalar, stock

WORDS = {
    "en": {
        "edit": "✏️ Edit",
        "picking": "Order {code} can no longer be changed: picking has started. Nothing was changed.",
        "conflict": "Order {code} has changed since this screen was shown. Nothing was changed",
        "heart": "White Hanging…",
    },
    "ru": {
        "edit": "✏️ Изменить",
        "picking": "Заказ {code} уже нельзя изменить: сборка началась. Ничего не изменено.",
        "conflict": "Заказ {code} изменился с тех пор, как был показан этот экран. Ничего не изменено",
        "heart": "Белый подвесной…",  # the demo's name_ru, cut to fit
    },
}


async def _version(shop: RunningBot, code: str) -> int:
    return int(await scalar(shop, select(m.OrderRow.version).where(m.OrderRow.code == code)) or 0)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_customer_s_edit_pressed_after_a_picker_started_is_refused_with_the_reason(
    shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    customer = SandboxUser(shop.server, 751 if language == "en" else 752, "Vera", language_code=language)
    await add_to_cart(customer, "85123A", 2)
    code = order_code(await place_cod_order(customer))
    screen = await customer.press((await customer.send(f"/track {code}")).last, words["edit"])
    await hire(shop, 850, "Pia", "picker", "LON")
    await start_round(shop.runtime.uow(), shop.runtime.clock, staff_id=850, method=PickMethod.SINGLE)
    before = await stock(shop, "85123A")

    late = await customer.press(screen.last, f"➕ {words['heart']}")  # the screen was drawn before the picker started
    assert late.callback_answer is not None
    assert str(late.callback_answer.get("text")) == words["picking"].format(code=code)
    assert (await line_quantities(shop, code), await stock(shop, "85123A"), await _version(shop, code)) == (
        {"85123A": 2},
        before,
        0,
    )
    assert await scalar(shop, select(m.OrderRow.status).where(m.OrderRow.code == code)) == "picking"


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_customer_and_a_manager_editing_at_once_one_wins_the_other_is_told(
    shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    customer = SandboxUser(shop.server, 753 if language == "en" else 754, "Vera", language_code=language)
    await add_to_cart(customer, "85123A", 2)
    code = order_code(await place_cod_order(customer))
    manager = await hire(shop, 851, "Max", "manager")
    screen = await customer.press((await customer.send(f"/track {code}")).last, words["edit"])

    won = await manager.send(f"/edit {code} 85123A 4")
    assert "2 → 4" in won.last.text
    lost = await customer.press(screen.last, f"🗑 {words['heart']}")  # drawn at the version before the manager's edit
    assert lost.callback_answer is not None
    assert words["conflict"].format(code=code) in str(lost.callback_answer.get("text"))
    assert await line_quantities(shop, code) == {"85123A": 4} and await _version(shop, code) == 1
    on_hand = (await stock(shop, "85123A"))[0]
    assert on_hand[2] == 4  # exactly the winner's units held
