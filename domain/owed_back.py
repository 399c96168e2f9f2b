"""What an order owes its customer back outside its returns, read from its payment rows."""

from __future__ import annotations

from collections.abc import Iterable

from domain.money import Money
from domain.payments import Payment, PaymentKind
from domain.returns import ReturnRequest

RETURN_MARK = "rma:"  # a return's refund paid back (``refund_marker``): confirmed on its /rma screen
PAID_BACK = "owed_back"  # one paid back from the order's own screen (the column holds 16 characters)


def owed_back(currency: str, payments: Iterable[Payment], returns: Iterable[ReturnRequest]) -> Money:
    """Refunds owed on the order (edits, cancellation, parts not sent, a replacement's give-back)
    and charges taken twice, less what its returns owe (each paid back on its own screen) and
    less what was paid back here: what staff still have to pay the customer (never below zero)."""
    kept = list(payments)
    owed = sum(p.amount.amount for p in kept if p.kind in (PaymentKind.REFUND_OWED, PaymentKind.DUPLICATE))
    by_returns = sum(r.refund.amount for r in returns if r.refund is not None and r.refund.amount > 0)
    paid = sum(p.amount.amount for p in kept if p.kind is PaymentKind.REFUNDED and not p.method.startswith(RETURN_MARK))
    return Money(max(owed - by_returns - paid, 0), currency)
