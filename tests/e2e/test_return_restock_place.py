"""Where a returned item goes back on the shelf: into the warehouse of the staff member who
inspects it (a store's clerk restocks the parcel brought to their store there), else the one the
order left; the bin is the one holding the most of it, and the button's answer names both."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.conftest import hire
from tests.e2e.journeys import stock
from tests.e2e.test_returns import ask_return, delivered
from tests.e2e.test_variants import journal_totals, tshirts

TOAST = {
    ("en", "MAN"): "↩️ Back in stock at Manchester store, bin {bin}.",
    ("ru", "MAN"): "↩️ Возвращено на склад: Manchester store, ячейка {bin}.",
    ("en", ""): "↩️ Back in stock at London warehouse, bin A-05-02-2.",
    ("ru", ""): "↩️ Возвращено на склад: London warehouse, ячейка A-05-02-2.",
}
STEPS = {"en": ("Approve", "Parcel received", "Restock"), "ru": ("Утвердить", "Посылка получена", "На склад")}


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("store", ["MAN", ""])
async def test_a_returned_item_goes_back_into_the_inspectors_warehouse_and_the_answer_says_where(
    shop: RunningBot, language: str, store: str
) -> None:
    await tshirts(shop)
    code = await delivered(shop, 961, {"TEE-M-NVY": 1})  # left London: 3 → 2
    rma = await ask_return(SandboxUser(shop.server, 961, "Ann"), code, "TEE-M-NVY", "changed my mind")
    clerk = await hire(shop, 98, "Cy", "support", store, language=language)
    shown = await clerk.send(f"/rma {rma}")
    for step in STEPS[language]:
        shown = await clerk.press(shown.last, step)
    answer = shown.callback_answer
    levels = dict((w, h) for w, h, _ in await stock(shop, "TEE-M-NVY"))
    if store:
        assert levels == {"LON": 2, "MAN": 1}  # on the store's shelf, where the customer brought it
        assert answer is not None and answer["text"] == TOAST[(language, store)].format(bin="MAIN-0-0-0")
    else:
        assert levels == {"LON": 3}
        assert answer is not None and answer["text"] == TOAST[(language, "")]
    debit, credit = await journal_totals(shop)
    assert debit == credit
