"""Posting to the journal from the business events, inside their own transactions: a sale
booked at most once, whatever path it takes.

Revenue is recognised when the money is earned: card payment, invoice issued (receivable), or
cash collected on delivery. Cost of goods leaves inventory at shipment at the supply cost
(``supply_terms``; products without one are booked at zero cost and said so in the memo)."""

from __future__ import annotations

from datetime import datetime

from domain.accounting import Account, entry
from domain.money import Money
from domain.orders import Order
from domain.ports import UnitOfWork

A = Account


async def book_sale(uow: UnitOfWork, order: Order, at: datetime, *, debit: Account, how: str) -> None:
    """Cash or receivable against sales and shipping income."""
    shipping = order.shipping.amount if order.shipping else 0
    posted = entry(
        at,
        f"order:{order.code}",
        f"sale {order.code} ({how})",
        order.currency,
        (debit, A.REVENUE, order.subtotal.amount),
        (debit, A.SHIPPING_INCOME, shipping),
    )
    if posted is not None:
        await uow.journal.post(posted)


async def supply_costs(uow: UnitOfWork) -> dict[tuple[int, int], Money]:
    """Unit cost per (product, warehouse), from the supply terms: read once per posting."""
    return {(t.product_id, t.warehouse_id): t.unit_cost for t in await uow.purchasing.terms()}


async def book_cost_of_goods(
    uow: UnitOfWork, order: Order, quantities: dict[tuple[int, int], int], at: datetime
) -> None:
    """Shipment: cost of goods sold against inventory. ``quantities`` per (product, warehouse)."""
    total = 0
    unknown: list[str] = []
    currency = order.currency
    costs = await supply_costs(uow)
    for (product_id, warehouse_id), quantity in quantities.items():
        cost = costs.get((product_id, warehouse_id))
        if cost is None:
            unknown.append(next((line.sku for line in order.lines if line.product_id == product_id), str(product_id)))
            continue
        currency = cost.currency
        total += cost.amount * quantity
    memo = f"shipment {order.code}" + (f"; no cost known for {', '.join(unknown)}" if unknown else "")
    posted = entry(at, f"order:{order.code}", memo, currency, (A.COGS, A.INVENTORY, total))
    if posted is not None:
        await uow.journal.post(posted)


async def book(
    uow: UnitOfWork, at: datetime, source: str, memo: str, money: Money, debit: Account, credit: Account
) -> None:
    posted = entry(at, source, memo, money.currency, (debit, credit, money.amount))
    if posted is not None:
        await uow.journal.post(posted)
