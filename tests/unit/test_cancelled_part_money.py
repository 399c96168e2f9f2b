"""The rule of a cancelled part's money: an unpaid business invoice is taken down by a credit
note (and asks for less), a paid order owes the part back, nothing is owed twice."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.money import Money
from domain.orders import Order, OrderLine
from domain.payments import Payment, PaymentKind, invoice_owed, settle_cancelled_part, within_what_was_paid

AT = datetime(2026, 12, 4, tzinfo=UTC)
TOTAL = Money(10_000, "GBP")


def _pay(kind: PaymentKind, minor: int) -> Payment:
    return Payment(1, kind, "invoice", Money(minor, "GBP"), AT)


def test_an_unpaid_invoice_is_credited_the_part_and_owes_nothing_back() -> None:
    credit, refund = settle_cancelled_part(True, Money(3_000, "GBP"), TOTAL, [])
    assert (credit, refund) == (Money(3_000, "GBP"), Money(0, "GBP"))


def test_an_invoice_asks_for_its_total_less_payments_and_credit_notes() -> None:
    assert invoice_owed(TOTAL, []) == TOTAL
    assert invoice_owed(TOTAL, [_pay(PaymentKind.CREDIT_NOTE, 3_000)]) == Money(7_000, "GBP")
    credited_then_paid = [_pay(PaymentKind.CREDIT_NOTE, 3_000), _pay(PaymentKind.PAYMENT, 7_000)]
    assert invoice_owed(TOTAL, credited_then_paid) == Money(0, "GBP")
    assert invoice_owed(TOTAL, [_pay(PaymentKind.REFUND_OWED, 500)]) == TOTAL  # a refund owed is not a payment


def test_a_second_part_is_credited_only_up_to_what_the_invoice_still_asks_for() -> None:
    earlier = [_pay(PaymentKind.CREDIT_NOTE, 8_000)]
    assert settle_cancelled_part(True, Money(3_000, "GBP"), TOTAL, earlier) == (Money(2_000, "GBP"), Money(0, "GBP"))


def test_a_paid_invoice_owes_the_part_back_rather_than_crediting_it() -> None:
    paid = [_pay(PaymentKind.PAYMENT, 10_000)]
    assert settle_cancelled_part(True, Money(3_000, "GBP"), TOTAL, paid) == (Money(0, "GBP"), Money(3_000, "GBP"))


def test_a_card_order_owes_back_what_was_paid_and_cash_on_delivery_nothing() -> None:
    paid = [_pay(PaymentKind.PAYMENT, 10_000)]
    assert settle_cancelled_part(False, Money(3_000, "GBP"), TOTAL, paid) == (Money(0, "GBP"), Money(3_000, "GBP"))
    assert settle_cancelled_part(False, Money(3_000, "GBP"), TOTAL, []) == (Money(0, "GBP"), Money(0, "GBP"))


def test_a_part_is_owed_back_only_from_what_was_paid_and_not_owed_back_already() -> None:
    paid_then_owed = [_pay(PaymentKind.PAYMENT, 10_000), _pay(PaymentKind.REFUND_OWED, 8_000)]
    got = settle_cancelled_part(False, Money(3_000, "GBP"), TOTAL, paid_then_owed)
    assert got == (Money(0, "GBP"), Money(2_000, "GBP"))
    assert settle_cancelled_part(
        False, Money(3_000, "GBP"), TOTAL, [*paid_then_owed, _pay(PaymentKind.REFUND_OWED, 2_000)]
    ) == (
        Money(0, "GBP"),
        Money(0, "GBP"),
    )


def test_units_of_a_discounted_line_are_worth_their_share_of_what_it_cost() -> None:
    line = OrderLine(7, "A", "A", 3, Money(1_000, "GBP"), discount_minor=300)  # 27.00 for three
    other = OrderLine(8, "B", "B", 1, Money(500, "GBP"))
    order = Order.place(code="BCDFGHJK", customer_id=1, currency="GBP", lines=[line, other], now=AT, actor="test")
    assert order.net_of({7: 2}) == Money(1_800, "GBP")
    assert order.net_of({7: 3, 8: 1}) == order.goods
    assert order.net_of({7: 5}) == Money(2_700, "GBP")  # no more units than the line has


def test_a_part_cancelled_after_a_goodwill_refund_owes_back_only_what_the_goodwill_left() -> None:
    paid_then_goodwill = [_pay(PaymentKind.PAYMENT, 10_000), _pay(PaymentKind.GOODWILL, 8_000)]
    got = settle_cancelled_part(False, Money(3_000, "GBP"), TOTAL, paid_then_goodwill)
    assert got == (Money(0, "GBP"), Money(2_000, "GBP"))


def test_after_a_goodwill_refund_a_fall_or_a_return_is_owed_back_only_from_what_it_left() -> None:
    paid_then_goodwill = [_pay(PaymentKind.PAYMENT, 665), _pay(PaymentKind.GOODWILL, 500)]
    assert within_what_was_paid(Money(365, "GBP"), paid_then_goodwill) == Money(165, "GBP")
    assert within_what_was_paid(Money(100, "GBP"), paid_then_goodwill) == Money(100, "GBP")
    all_given = [*paid_then_goodwill, _pay(PaymentKind.GOODWILL, 165)]
    assert within_what_was_paid(Money(365, "GBP"), all_given) == Money(0, "GBP")


def test_without_goodwill_what_is_owed_back_is_not_held_to_the_order_s_payment_rows() -> None:
    # Cash on delivery collected by a courier and a replacement's first payment have no payment row here.
    assert within_what_was_paid(Money(295, "GBP"), []) == Money(295, "GBP")
