"""Where a returned item goes back on the shelf: into the warehouse of the staff member who
inspects it (a store's clerk restocks the parcel brought to their store there), else the one the
order left; the bin is the one holding the most of it, and the button's answer names both."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from domain.usecases.imports.purchasing import import_reorder
from sandbox import SandboxUser
from tests.e2e.accounting import balances
from tests.e2e.books_stock_arrivals import _inventory as inventory
from tests.e2e.books_stock_arrivals import _stock_value as stock_value
from tests.e2e.conftest import hire
from tests.e2e.journeys import stock
from tests.e2e.returns import ask_return, delivered
from tests.e2e.variants import journal_totals, tshirts


def moved_by(balances: dict[str, tuple[int, int]], account: str) -> int:
    debit, credit = balances.get(account, (0, 0))
    return debit - credit


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
    rma = await ask_return(shop, SandboxUser(shop.server, 961, "Ann"), code, "TEE-M-NVY", "Changed my mind")
    clerk = await hire(shop, 98, "Cy", "support", store, language=language)
    shown = await clerk.send(f"/rma {rma}")
    for step in STEPS[language]:
        shown = await clerk.press(shown.last, step)
    answer = shown.callback_answer
    levels = dict((w, h) for w, h, _ in await stock(shop, "TEE-M-NVY"))
    if store:
        assert levels == {"LON": 2, "MAN": 1}  # on the store's shelf, where the customer brought it
        assert answer is not None and answer["text"] == TOAST[(language, store)].format(bin="MAIN-00-00-0")
    else:
        assert levels == {"LON": 3}
        assert answer is not None and answer["text"] == TOAST[(language, "")]
    debit, credit = await journal_totals(shop)
    assert debit == credit


async def test_an_item_restocked_at_a_store_whose_cost_differs_keeps_inventory_at_the_stock_value(
    shop: RunningBot,
) -> None:
    await tshirts(shop)
    terms = "sku,warehouse,reorder_point,max_level,supplier,pack_size,min_order_qty,unit_cost,currency\n"
    terms += "TEE-M-NVY,LON,1,10,CANDLES,1,1,5.00,GBP\nTEE-M-NVY,MAN,1,10,CANDLES,1,1,6.00,GBP\n"
    await import_reorder(shop.runtime.uow(), shop.runtime.clock, terms)
    assert await inventory(shop) == await stock_value(shop)
    code = await delivered(shop, 961, {"TEE-M-NVY": 1})  # left London at its £5.00
    rma = await ask_return(shop, SandboxUser(shop.server, 961, "Ann"), code, "TEE-M-NVY", "Changed my mind")
    clerk = await hire(shop, 98, "Cy", "support", "MAN")
    shown = await clerk.send(f"/rma {rma}")
    for step in STEPS["en"]:
        shown = await clerk.press(shown.last, step)
    assert dict((w, h) for w, h, _ in await stock(shop, "TEE-M-NVY")) == {"LON": 2, "MAN": 1}
    # Sold at London's £5.00, on Manchester's shelf at its £6.00: the £1.00 between is a revaluation.
    assert await inventory(shop) == await stock_value(shop)
    assert moved_by(await balances(shop), "5200 Inventory revaluation") == -100
