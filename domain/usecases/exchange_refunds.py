"""What a replacement's units sent in exchange were paid, owed back when they will not be sent."""

from __future__ import annotations

from datetime import datetime

from domain.editing import exchange_given_back
from domain.errors import NotFound
from domain.money import Money
from domain.orders import Order, OrderLine
from domain.payments import Payment, PaymentKind
from domain.ports import UnitOfWork
from domain.usecases.bookkeeping import book_refund


async def give_back_exchanged(
    uow: UnitOfWork, replacement: Order, before: list[OrderLine], after: list[OrderLine], now: datetime, why: str
) -> Money:
    """Units sent in exchange taken off a replacement (``before`` → ``after``; ``after`` empty: it
    was cancelled): what they were paid beyond what the replacement itself charged is owed back
    on the order they were returned from, where it was paid (and where the exchange's own
    difference is owed), so the replacement's amount due is not raised by it. What is owed."""
    amount = Money(exchange_given_back(before, after), replacement.currency)
    if not amount.amount:
        return amount
    returns = await uow.returns.for_customer(replacement.customer_id)
    made = [r for r in returns if r.replacement_order_id == replacement.id]
    origin = await uow.orders.get_by_id(made[0].order_id) if made else None
    if origin is None or origin.id is None:
        raise NotFound()
    await uow.payments.add(Payment(origin.id, PaymentKind.REFUND_OWED, origin.payment_method.value, amount, now))
    memo = f"refund owed, replacement {replacement.code} {why}: units sent in exchange not sent"
    await book_refund(uow, origin, amount, now, source=f"order:{replacement.code}", memo=memo)
    return amount
