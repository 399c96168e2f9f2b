"""What an order owes back outside its returns, from its payment rows."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.money import Money
from domain.owed_back import PAID_BACK, owed_back
from domain.payments import Payment, PaymentKind
from domain.returns import ReturnKind, ReturnMethod, ReturnReason, ReturnRequest

AT = datetime(2026, 12, 5, tzinfo=UTC)


def paid(kind: PaymentKind, minor: int, method: str = "card") -> Payment:
    return Payment(1, kind, method, Money(minor, "GBP"), AT)


def returned(rma: str, refund: int | None) -> ReturnRequest:
    request = ReturnRequest(rma, 1, 7, ReturnKind.REFUND, ReturnReason.DAMAGED, ReturnMethod.DROP_OFF, [], AT)
    request.refund = Money(refund, "GBP") if refund is not None else None
    return request


def test_refunds_owed_and_charges_taken_twice_are_owed_back_less_what_was_paid_back_here() -> None:
    rows = [paid(PaymentKind.PAYMENT, 1000), paid(PaymentKind.REFUND_OWED, 300), paid(PaymentKind.DUPLICATE, 1000)]
    assert owed_back("GBP", rows, []) == Money(1300, "GBP")
    assert owed_back("GBP", [*rows, paid(PaymentKind.REFUNDED, 1300, PAID_BACK)], []) == Money(0, "GBP")


def test_a_return_s_refund_is_not_owed_on_the_order_s_screen_paid_back_or_not() -> None:
    rows = [paid(PaymentKind.PAYMENT, 1000), paid(PaymentKind.REFUND_OWED, 400), paid(PaymentKind.REFUND_OWED, 250)]
    returns = [returned("RAAAAAAA", 400), returned("RBBBBBBB", None)]  # the second not resolved yet
    assert owed_back("GBP", rows, returns) == Money(250, "GBP")
    confirmed = [*rows, paid(PaymentKind.REFUNDED, 400, "rma:RAAAAAAA")]  # on its /rma screen
    assert owed_back("GBP", confirmed, returns) == Money(250, "GBP")


def test_what_is_owed_back_is_never_below_zero() -> None:
    assert owed_back("GBP", [paid(PaymentKind.REFUNDED, 100, PAID_BACK)], []) == Money(0, "GBP")
