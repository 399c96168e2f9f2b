"""The books reconciled flow by flow, as the shop's accountant checks them at month end: after each
flow the trial balance balances, each account moved by exactly what a hand computation gives
(sales without tax, shipping income, cost of goods at unit cost, receivables, refunds owed), and
``1200 Inventory`` is the stock value ``/stockvalue`` counts."""

from __future__ import annotations

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.conftest import hire
from tests.e2e.test_accounting import balances
from tests.e2e.test_books_stock_arrivals import _inventory as inventory
from tests.e2e.test_books_stock_arrivals import _stock_value as stock_value
from tests.e2e.test_returns import ask_return, delivered

CASH, SALES, SHIPPING, RETURNS = "1000 Cash", "4000 Sales", "4100 Shipping income", "4900 Sales returns"
INVENTORY, COGS, REFUNDS = "1200 Inventory", "5000 Cost of goods sold", "2100 Refunds owed to customers"


async def moves(shop: RunningBot, before: dict[str, tuple[int, int]]) -> dict[str, int]:
    """What each account moved by since ``before`` (debit side up), the accounts that did not
    left out; the trial balance balancing and 1200 equal to the stock value asserted on the way."""
    after = await balances(shop)
    assert sum(d for d, _ in after.values()) == sum(c for _, c in after.values())
    assert await inventory(shop) == await stock_value(shop)
    moved = {}
    for account in after.keys() | before.keys():
        (d, c), (d0, c0) = after.get(account, (0, 0)), before.get(account, (0, 0))
        if (d - c) - (d0 - c0):
            moved[account] = (d - c) - (d0 - c0)
    return moved


async def settle_return(manager: SandboxUser, rma: str, *buttons: str) -> None:
    shown = await manager.send(f"/rma {rma}")
    for button in buttons:
        shown = await manager.press(shown.last, button)


async def test_a_shop_fault_return_gives_the_shipping_back_out_of_shipping_income_not_sales_returns(
    shop: RunningBot,
) -> None:
    before = await balances(shop)
    code = await delivered(shop, 700, {"85123A": 2})  # COD: 2 × £2.95 + £3.70 shipping; £1.10 a unit
    assert await moves(shop, before) == {CASH: 960, SALES: -590, SHIPPING: -370, COGS: 220, INVENTORY: -220}
    rma = await ask_return(SandboxUser(shop.server, 700, "C700"), code, "85123A", "damaged")
    manager = await hire(shop, 97, "Mo", "manager")
    await settle_return(manager, rma, "Approve", "Parcel received", "Restock 85123A", "Refund", "Refund paid back")
    # £2.95 of goods back, and the £3.70 shipping (the shop's fault) it never earned: net sales
    # £2.95, no shipping income, one unit's cost sold, £6.65 paid back.
    assert await moves(shop, before) == {
        CASH: 960 - 665,
        SALES: -590,
        RETURNS: 295,
        COGS: 110,
        INVENTORY: -110,
    }
