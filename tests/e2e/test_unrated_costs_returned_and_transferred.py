"""Goods costed in a currency without a rate, returned or transferred: no cost booked until the first rate."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from domain.usecases.imports.products import import_products
from domain.usecases.imports.purchasing import import_reorder
from domain.usecases.imports.stock import import_stock
from sandbox import SandboxUser
from tests.e2e.accounting import balances
from tests.e2e.books_reconcile import COGS, INVENTORY, journal_currencies, moves, settle_return
from tests.e2e.books_stock_arrivals import WITHOUT_ORDER
from tests.e2e.conftest import ADMIN, hire
from tests.e2e.returns import ask_return, delivered

REORDER = "sku,warehouse,reorder_point,max_level,supplier,pack_size,min_order_qty,unit_cost,currency\n"


@pytest.mark.parametrize("decision", ["Restock", "Write off"])
async def test_a_return_of_goods_costed_without_a_rate_books_no_cost_back_and_the_first_rate_values_them_once(
    shop: RunningBot, decision: str
) -> None:
    runtime = shop.runtime
    await import_reorder(runtime.uow(), runtime.clock, REORDER + "85123A,LON,40,400,CANDLES,12,48,1.25,USD\n")
    before = await balances(shop)
    code = await delivered(shop, 962, {"85123A": 1})  # left London, costed at $1.25 without a dollar rate
    assert COGS not in await moves(shop, before)  # the shipment booked no cost of goods sold for it
    rma = await ask_return(shop, SandboxUser(shop.server, 962, "C962"), code, "85123A", "Changed my mind")
    before = await balances(shop)
    await settle_return(await hire(shop, 91, "Sam", "support"), rma, "Approve", "Parcel received", f"{decision} 85123A")
    # No cost of goods sold to take back, and /stockvalue counts the unit at nothing: nothing in or out of 1200.
    moved = await moves(shop, before)
    assert INVENTORY not in moved and COGS not in moved
    await SandboxUser(shop.server, ADMIN, "Ada").send("/fx USD 1.25")  # the units on hand come in at £1.00 once
    await moves(shop, before)
    assert await journal_currencies(shop) == {"GBP"}


# Where a transfer of JAR-1 leaves and goes, and their costs of it ("" without any), as reorder lines.
TRANSFERS = {
    "from no cost": ("LON", "MAN", "", "MAN,1,10,CANDLES,1,1,1.25,USD"),
    "from a pound cost": ("LON", "MAN", "LON,1,10,CANDLES,1,1,1.00,GBP", "MAN,1,10,CANDLES,1,1,1.25,USD"),
    "to a pound cost": ("MAN", "LON", "MAN,1,10,CANDLES,1,1,1.25,USD", "LON,1,10,CANDLES,1,1,1.00,GBP"),
}
# What a transfer of 3 books (1200 stays what /stockvalue counts: a unit costed without a rate at nothing).
TRANSFERRED = {
    "from no cost": {},
    "from a pound cost": {INVENTORY: -300, WITHOUT_ORDER: 300},
    "to a pound cost": {INVENTORY: 300, WITHOUT_ORDER: -300},
}


@pytest.mark.parametrize("case", list(TRANSFERS))
async def test_a_transfer_to_or_from_a_cost_without_a_rate_counts_it_as_no_cost_until_the_first_rate(
    shop: RunningBot, case: str
) -> None:
    runtime = shop.runtime
    here, there, *costs = TRANSFERS[case]
    jar = "sku,name,category,price,currency\nJAR-1,Jar,Gadgets,5.00,GBP\n"  # no catalog cost: only the terms
    await import_products(runtime.uow(), runtime.clock, jar)
    await import_reorder(runtime.uow(), runtime.clock, REORDER + "".join(f"JAR-1,{c}\n" for c in costs if c))
    await import_stock(runtime.uow(), runtime.clock, f"sku,warehouse,bin,quantity\nJAR-1,{here},A-01-01-1,5\n")
    before = await balances(shop)
    manager = await hire(shop, 91, "Mo", "manager")
    done = await manager.send(f"/transfer JAR-1 3 {here} {there}:C-01-01-1 new")
    assert done.last.text.startswith("Transferred 3 × JAR-1"), done.last.text
    assert await moves(shop, before) == TRANSFERRED[case]
    await SandboxUser(shop.server, ADMIN, "Ada").send("/fx USD 1.25")  # the dollar-costed units come in at £1.00
    await moves(shop, before)
    assert await journal_currencies(shop) == {"GBP"}
