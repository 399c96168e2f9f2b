"""The books reconciled flow by flow, as the shop's accountant checks them at month end: after each
flow the trial balance balances, each account moved by exactly what a hand computation gives
(sales without tax, shipping income, cost of goods at unit cost, receivables, refunds owed), and
``1200 Inventory`` is the stock value ``/stockvalue`` counts."""

from __future__ import annotations

from bot.harness import RunningBot
from domain.orders import OrderStatus
from domain.usecases.orders import transition_order
from sandbox import SandboxUser
from tests.e2e.conftest import hire
from tests.e2e.journeys import place_card_order, stock
from tests.e2e.test_accounting import balances
from tests.e2e.test_books_stock_arrivals import _inventory as inventory
from tests.e2e.test_books_stock_arrivals import _stock_value as stock_value
from tests.e2e.test_picking import status
from tests.e2e.test_returns import ask_return, deliver, delivered
from tests.e2e.test_variants import exchange, tshirts

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


async def test_a_card_swap_s_replacement_owing_its_difference_does_not_ship_until_it_is_paid(
    paying_shop: RunningBot,
) -> None:
    shop = paying_shop
    await tshirts(shop)
    customer = SandboxUser(shop.server, 951, "Eli")
    before = await balances(shop)
    invoice = await place_card_order(customer, "TEE-M-NVY", 1)  # £12.00 by card
    await customer.pay(invoice)
    code = invoice.invoice["payload"].split(":")[1] if invoice.invoice else ""
    await deliver(shop, code)
    await shop.runtime.notifier.drain()
    replacement = await exchange(customer, shop, code, "TEE-M-NVY", "L / Navy")  # L is £13.00: £1.00 to pay
    await shop.runtime.notifier.drain()
    for step in (OrderStatus.PICKING, OrderStatus.PICKED, OrderStatus.PACKED):
        await transition_order(shop.runtime.uow(), shop.runtime.clock, code=replacement, target=step, actor="staff:1")
    packer = await hire(shop, 61, "Pat", "packer", "LON")
    booked = await moves(shop, before)
    refused = await packer.send(f"/ship {replacement} DPD 15501234567890")
    assert refused.last.text == (
        f"Order {replacement} still has £1.00 to pay by card: it ships once the customer has paid it."
    )
    assert await status(shop, replacement) == "packed" and await stock(shop, "TEE-L-NVY") == [("LON", 10, 1)]
    assert await moves(shop, before) == booked == {CASH: 1200, SALES: -1200}  # the £1.00 is not sold yet

    told = next(msg for msg in shop.server.chat_messages(951) if "💳 Pay the difference" in msg.button_texts())
    difference = next(msg for msg in (await customer.press(told, "💳 Pay the difference")).new if msg.kind == "invoice")
    await customer.pay(difference)
    shipped = await packer.send(f"/ship {replacement} DPD 15501234567890")
    assert shipped.last.text.startswith(f"Order {replacement} is shipped with DPD")
    assert await moves(shop, before) == {CASH: 1300, SALES: -1300}  # the L sold for £13.00 in all, paid
