"""What an order owes its customer back outside its returns, read from its payment rows."""

from __future__ import annotations

from collections.abc import Iterable

from domain.accounting import to_base
from domain.money import Money
from domain.payments import Payment, PaymentKind
from domain.returns import ReturnRequest

RETURN_MARK = "rma:"  # a return's refund paid back (``refund_marker``): confirmed on its /rma screen
PAID_BACK = "owed_back"  # one paid back from the order's own screen (the column holds 16 characters)
# Rows that owe the customer money back (PaymentRepository.owing applies the same in SQL).
OWED_KINDS = (PaymentKind.REFUND_OWED, PaymentKind.DUPLICATE, PaymentKind.GOODWILL)


def owed_back(currency: str, payments: Iterable[Payment], returns: Iterable[ReturnRequest]) -> Money:
    """Refunds owed on the order (edits, cancellation, parts not sent, a replacement's give-back,
    goodwill) and charges taken twice, less what its returns owe (each paid back on its own screen) and
    less what was paid back here: what staff still have to pay the customer (never below zero)."""
    kept = list(payments)
    owed = sum(p.amount.amount for p in kept if p.kind in OWED_KINDS)
    by_returns = sum(r.refund.amount for r in returns if r.refund is not None and r.refund.amount > 0)
    paid = sum(p.amount.amount for p in kept if p.kind is PaymentKind.REFUNDED and not p.method.startswith(RETURN_MARK))
    return Money(max(owed - by_returns - paid, 0), currency)


def owed_back_in_base(payments: Iterable[Payment], returns: Iterable[ReturnRequest], fx_rate: str, base: str) -> int:
    """What refunds owed (2100) hold for ``owed_back`` in the base currency: each refund owed
    and charge taken twice as it was booked (converted on its own), less each return's refund
    and each earlier pay-back. Converting the total owed at once could differ by a unit from
    those bookings (two refunds of 444.72 RUB at 100.50 are 4.43 each, 889.44 RUB is 8.85),
    leaving that unit owed for ever once paid back."""
    kept = list(payments)
    owed = sum(to_base(p.amount, fx_rate, base) for p in kept if p.kind in OWED_KINDS)
    by_returns = sum(to_base(r.refund, fx_rate, base) for r in returns if r.refund is not None and r.refund.amount > 0)
    paid = sum(
        to_base(p.amount, fx_rate, base)
        for p in kept
        if p.kind is PaymentKind.REFUNDED and not p.method.startswith(RETURN_MARK)
    )
    return owed - by_returns - paid
