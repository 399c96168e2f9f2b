"""The customer's waiting-part screen through the sandbox when the order changed while it was open:
a refused cancel redraws the screen as the order is now, its stale buttons gone."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from bot.harness import RunningBot
from domain.orders import OrderStatus
from sandbox import SandboxUser
from storage import models as m
from storage.repositories.orders import SqlOrders
from tests.e2e.backorders import CANCELLING, beyond_stock
from tests.e2e.conftest import hire
from tests.e2e.journeys import scalar, stock

REFUSED = {
    "en": "Nothing of this order is waiting any more: it has been allocated or cancelled.",
    "ru": "Из этого заказа больше ничего не ждёт поставки: всё уже отложено или отменено.",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_cancel_of_a_part_that_arrived_meanwhile_redraws_the_screen_without_its_buttons(
    shop: RunningBot, language: str
) -> None:
    """The jars arrived while Carol's waiting-part screen was open: her ✖ Cancel was refused in an
    alert, and the screen kept listing the part with its 'Yes, I no longer want it' button."""
    _, button, undated, cancel, confirm, nothing = CANCELLING[language]
    manager = await hire(shop, 94, "Mia", "manager")
    await manager.send("/backorder 85123A on")
    carol = SandboxUser(shop.server, 95, "Carol", language_code=language)
    code = await beyond_stock(shop, carol, 3)
    waiting = await carol.press((await carol.send(f"/track {code}")).last, button)
    asked = await carol.press(waiting.last, cancel)
    await manager.send("/receive 85123A 5 LON")  # fills the waiting part meanwhile
    done = await carol.press(asked.last, confirm)
    assert done.callback_answer is not None and done.callback_answer.get("text") == REFUSED[language]
    assert nothing in done.last.text and undated not in done.last.text
    assert confirm not in done.last.button_texts() and not any(cancel in b for b in done.last.button_texts())
    assert await scalar(shop, select(m.BackorderRow.cancelled)) == 0


async def test_a_cancel_that_lost_to_a_picker_redraws_the_screen_as_the_order_is_now(
    shop: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A picker started the order as Carol confirmed cancelling its only, waiting part: she was told
    it changed meanwhile, and the screen still asked 'Yes, I no longer want it', the same refusal
    at each press."""
    _, button, _, cancel, confirm, _ = CANCELLING["en"]
    manager = await hire(shop, 94, "Mia", "manager")
    await manager.send("/backorder 85123A on")
    for warehouse, on_hand, reserved in await stock(shop, "85123A"):  # sold out: all 3 wait
        await manager.send(f"/adjust 85123A {warehouse} -{on_hand - reserved} sold elsewhere")
    carol = SandboxUser(shop.server, 95, "Carol")
    code = await beyond_stock(shop, carol, 3)
    waiting = await carol.press((await carol.send(f"/track {code}")).last, button)
    asked = await carol.press(waiting.last, cancel)
    read, once = SqlOrders.get_by_id, [True]

    async def picked_meanwhile(self: SqlOrders, order_id: int) -> object:
        found = await read(self, order_id)
        if found is not None and found.code == code and once and once.pop():  # a picker started it, after the read
            await self.s.execute(update(m.OrderRow).where(m.OrderRow.id == order_id).values(status="picking"))
        return found

    monkeypatch.setattr(SqlOrders, "get_by_id", picked_meanwhile)
    done = await carol.press(asked.last, confirm)
    monkeypatch.undo()
    assert done.callback_answer is not None and "changed while it was being cancelled" in done.callback_answer["text"]
    assert confirm not in done.last.button_texts()  # the screen as the order is: its part still waits
    assert any(cancel in b for b in done.last.button_texts())
    assert await scalar(shop, select(m.BackorderRow.cancelled)) == 0
    assert await scalar(shop, select(m.OrderRow.status).where(m.OrderRow.code == code)) != OrderStatus.CANCELLED.value
