"""Set-ups and readers of test_books_reconcile that other test modules use too."""

from __future__ import annotations

from sqlalchemy import select

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.accounting import balances
from tests.e2e.books_stock_arrivals import _inventory as inventory
from tests.e2e.books_stock_arrivals import _stock_value as stock_value
from tests.e2e.conftest import ADMIN
from tests.e2e.journeys import add_to_cart, checkout_to_payment, order_of_invoice, pay_the_difference, place_card_order

CASH, SALES, SHIPPING, RETURNS = "1000 Cash", "4000 Sales", "4100 Shipping income", "4900 Sales returns"


INVENTORY, COGS, REFUNDS = "1200 Inventory", "5000 Cost of goods sold", "2100 Refunds owed to customers"


RECEIVABLE, DISCOUNTS = "1100 Accounts receivable", "4800 Sales discounts"


REVALUATION, TAX = "5200 Inventory revaluation", "2200 Sales tax payable"


REFUNDED = ("Approve", "Parcel received", "Restock 85123A", "Refund", "Refund paid back")  # a return seen through


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


async def journal_currencies(shop: RunningBot) -> set[str]:
    """The currencies the journal's entries are in."""
    async with shop.runtime.sessions() as session:
        return set((await session.scalars(select(m.JournalEntryRow.currency).distinct())).all())


async def settle_return(manager: SandboxUser, rma: str, *buttons: str) -> None:
    shown = await manager.send(f"/rma {rma}")
    for button in buttons:
        shown = await manager.press(shown.last, button)


async def paid_by_card(shop: RunningBot, user_id: int, quantity: int) -> tuple[SandboxUser, str]:
    """A customer's pickup of ``quantity`` × 85123A (£2.95) paid by card, and its order's code."""
    cleo = SandboxUser(shop.server, user_id, "Cleo")
    invoice = await place_card_order(cleo, "85123A", quantity)
    await cleo.pay(invoice, charge_id=f"tg-paid-{user_id}")
    return cleo, order_of_invoice(invoice)


async def raised_and_paid(shop: RunningBot, manager: SandboxUser, cleo: SandboxUser, code: str, units: int) -> int:
    """A card order's 85123A raised to ``units`` by staff and its difference paid: what was charged."""
    await manager.send(f"/edit {code} 85123A {units}")
    await shop.runtime.notifier.drain()
    return await pay_the_difference(cleo, shop.server.chat_messages(cleo.id)[-1], f"tg-raised-{code}-{units}")


async def promo_card_order(shop: RunningBot, user_id: int) -> tuple[dict[str, tuple[int, int]], SandboxUser, str]:
    """A pickup of 2 × 85123A (£5.90) with the code TENOFF (10 % off: −59p) paid by card: the
    books before it, the customer, the order's code."""
    await SandboxUser(shop.server, ADMIN, "Ada").send("/promocode new TENOFF percent=10 uses=5 until=2026-12-31")
    before = await balances(shop)
    cleo = SandboxUser(shop.server, user_id, "Cleo")
    await add_to_cart(cleo, "85123A", 2)
    await cleo.press((await checkout_to_payment(cleo, pickup=True)).last, "💳")
    applied = await cleo.send("/promo TENOFF")
    assert "Total: £5.31" in applied.last.text
    invoice = next(msg for msg in (await cleo.press(applied.last, "✅")).new if msg.kind == "invoice")
    code = order_of_invoice(invoice)
    await cleo.pay(invoice, charge_id=f"tg-promo-{user_id}")
    assert await moves(shop, before) == {CASH: 531, SALES: -590, DISCOUNTS: 59}
    return before, cleo, code
