"""The rules of editing an order: who may until when, what changed, and what it costs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.editing import (
    BadEditQuantity,
    EditWindowClosed,
    ExchangedLineRaised,
    LineChange,
    NotEditable,
    PickingStarted,
    changed_lines,
    check_editable,
    check_terms,
    diff_orders,
    exchange_given_back,
    settle,
    stepped,
)
from domain.money import Money
from domain.orders import Delivery, DeliveryMethod, Order, OrderLine, OrderStatus, PaymentMethod
from domain.payments import Payment, PaymentKind
from domain.pricing import BelowMinimumOrder, NotAPackMultiple, OrderingTerms
from domain.returns import share

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def gbp(amount: int) -> Money:
    return Money(amount, "GBP")


def order(status: OrderStatus = OrderStatus.ALLOCATED, method: PaymentMethod = PaymentMethod.CARD) -> Order:
    return Order(
        code="BCDFGHJK",
        customer_id=1,
        currency="GBP",
        lines=[OrderLine(10, "MUG", "Mug", 2, gbp(500), id=1), OrderLine(11, "CUP", "Cup", 1, gbp(300), id=2)],
        status=status,
        shipping=gbp(400),
        payment_method=method,
        delivery=Delivery(DeliveryMethod.COURIER, "1 Road"),
        created_at=NOW,
    )


def test_the_customer_may_edit_only_within_the_window() -> None:
    check_editable(order(), now=NOW + timedelta(minutes=29), by_customer=True, window_minutes=30)
    with pytest.raises(EditWindowClosed):
        check_editable(order(), now=NOW + timedelta(minutes=30), by_customer=True, window_minutes=30)
    check_editable(order(), now=NOW + timedelta(days=3), by_customer=False, window_minutes=30)  # staff: any time


@pytest.mark.parametrize("status", [OrderStatus.PICKING, OrderStatus.PACKED, OrderStatus.SHIPPED])
def test_nobody_edits_once_picking_has_started(status: OrderStatus) -> None:
    with pytest.raises(PickingStarted):
        check_editable(order(status), now=NOW, by_customer=False, window_minutes=30)


def test_a_cancelled_order_is_not_editable() -> None:
    with pytest.raises(NotEditable):
        check_editable(order(OrderStatus.CANCELLED), now=NOW, by_customer=False, window_minutes=30)


def test_kept_lines_keep_their_price_and_an_added_product_comes_at_todays() -> None:
    added = {12: OrderLine(12, "BOWL", "Bowl", 1, gbp(250))}
    lines = changed_lines(order().lines, (LineChange(10, 3), LineChange(11, 0), LineChange(12, 2)), added)
    assert [(x.sku, x.quantity, x.unit_price.amount, x.id) for x in lines] == [
        ("MUG", 3, 500, 1),
        ("BOWL", 2, 250, None),
    ]
    assert changed_lines(order().lines, (LineChange(10, 9_999),), {})[0].quantity == 9_999
    with pytest.raises(BadEditQuantity):
        changed_lines(order().lines, (LineChange(10, 10_000),), {})


def test_an_edit_follows_the_price_lists_minimum_and_packs_for_what_it_adds_or_changes() -> None:
    # The mug was sold as 2 before its terms (packs of 6 from 12); the bowl is added.
    terms = {10: ("Mug", OrderingTerms(12, 6)), 12: ("Bowl", OrderingTerms(1, 4))}
    lines = order().lines
    with pytest.raises(BelowMinimumOrder) as below:
        check_terms(lines, (LineChange(10, 6),), terms)
    assert below.value.params == {"name": "Mug", "minimum": 12}
    with pytest.raises(NotAPackMultiple) as odd:
        check_terms(lines, (LineChange(10, 14),), terms)
    assert odd.value.params == {"name": "Mug", "pack": 6, "lower": 12, "upper": 18, "quantity": 14}
    with pytest.raises(NotAPackMultiple):
        check_terms(lines, (LineChange(12, 3),), terms)  # an added line too
    check_terms(lines, (LineChange(10, 18), LineChange(12, 8)), terms)
    check_terms(lines, (LineChange(10, 0),), terms)  # removing is always allowed
    check_terms(lines, (LineChange(10, 2), LineChange(11, 5)), terms)  # unchanged as sold; no terms for the cup


def test_a_press_steps_to_the_next_quantity_the_price_list_allows_and_a_typed_one_is_exact() -> None:
    terms = {10: ("Mug", OrderingTerms(12, 6)), 12: ("Bowl", OrderingTerms(1, 4))}
    lines = order().lines  # 2 mugs (sold before the terms), 1 cup
    presses = (LineChange(10, 3, step=True), LineChange(11, 2, step=True), LineChange(12, 1, step=True))
    assert [(c.product_id, c.quantity) for c in stepped(lines, presses, terms)] == [(10, 12), (11, 2), (12, 4)]
    bigger = [OrderLine(10, "MUG", "Mug", 18, gbp(500), id=1)]
    assert stepped(bigger, (LineChange(10, 17, step=True),), terms) == (LineChange(10, 12),)
    assert stepped(lines, (LineChange(10, 1, step=True),), terms) == (LineChange(10, 0),)  # under the minimum: gone
    assert stepped(lines, (LineChange(10, 3),), terms) == (LineChange(10, 3),)  # typed: as is (then refused)
    assert stepped(lines, (LineChange(11, 2, step=True),), {}) == (LineChange(11, 2),)  # no terms: one at a time


def test_the_diff_names_only_what_changed() -> None:
    before, after = order(), order()
    after.lines = changed_lines(after.lines, (LineChange(11, 0),), {})
    after.delivery = Delivery(DeliveryMethod.PICKUP, pickup_warehouse_id=5)
    after.shipping = gbp(0)
    diff = diff_orders(before, after, {5: "Shop"})
    assert [(d.sku, d.before, d.after) for d in diff.lines] == [("CUP", 1, 0)]
    assert (diff.delivery_before, diff.delivery_after) == (("courier", "1 Road"), ("pickup", "Shop"))
    assert (diff.total_before.amount, diff.total_after.amount) == (1700, 1000)
    assert diff.summary() == "edited: CUP 1→0; delivery courier 1 Road → pickup Shop; total 17.00 GBP → 10.00 GBP"


def paid(amount: int, kind: PaymentKind = PaymentKind.PAYMENT) -> Payment:
    return Payment(1, kind, "card", gbp(amount), NOW)


def test_a_paid_card_order_pays_more_or_is_owed_back_the_difference() -> None:
    bigger = order()
    bigger.lines = changed_lines(bigger.lines, (LineChange(10, 3),), {})
    assert settle(bigger, gbp(1700), [paid(1700)]).charge == gbp(500)
    smaller = order()
    smaller.lines = changed_lines(smaller.lines, (LineChange(10, 1),), {})
    settled = settle(smaller, gbp(1700), [paid(1700)])
    assert (settled.charge.amount, settled.refund.amount) == (0, 500)
    # A refund already owed counts: the same edit made twice owes nothing more.
    again = settle(smaller, gbp(1200), [paid(1700), paid(500, PaymentKind.REFUND_OWED)])
    assert (again.charge.amount, again.refund.amount) == (0, 0)


def test_unpaid_card_and_cash_orders_simply_have_a_new_total() -> None:
    unpaid = order(OrderStatus.AWAITING_PAYMENT)
    unpaid.lines = changed_lines(unpaid.lines, (LineChange(10, 5),), {})
    assert settle(unpaid, gbp(1700), []) == settle(order(method=PaymentMethod.COD), gbp(1700), [])
    assert settle(unpaid, gbp(1700), []).charge.amount == 0


def test_an_invoice_moves_its_receivable_and_refunds_only_what_was_paid_beyond() -> None:
    more = order(method=PaymentMethod.INVOICE)
    more.lines = changed_lines(more.lines, (LineChange(10, 3),), {})
    assert settle(more, gbp(1700), []).receivable == gbp(500)
    less = order(method=PaymentMethod.INVOICE)
    less.lines = changed_lines(less.lines, (LineChange(10, 1),), {})
    unpaid = settle(less, gbp(1700), [])
    assert (unpaid.credit_note.amount, unpaid.refund.amount) == (500, 0)
    settled_already = settle(less, gbp(1700), [paid(1700)])
    assert (settled_already.credit_note.amount, settled_already.refund.amount) == (0, 500)


def test_a_line_sent_in_exchange_lowered_keeps_what_its_units_left_were_paid_to_the_penny() -> None:
    """£10.00 paid for 3 units sent in exchange (the swap charged £0.50 a unit): 2 taken off
    give back their share of it (£6.66, of which the £1.00 charged leaves the total), the one
    kept stands for the rest, and its refund later by the cumulative rule makes exactly £10.00."""
    sent = OrderLine(10, "MUG-L", "Mug (L)", 3, gbp(50), id=1, replaces_line_id=7, paid_minor=1000)
    kept = changed_lines([sent], (LineChange(10, 1),), {})
    assert kept[0].paid_minor == 334 and kept[0].quantity == 1
    assert exchange_given_back([sent], kept) == 666 - 100
    assert 666 + share(gbp(334), 1, 0, 1).amount == 1000
    assert exchange_given_back([sent], []) == 1000 - 150  # the line removed: all it was paid, less its charge
    with pytest.raises(ExchangedLineRaised):
        changed_lines([sent], (LineChange(10, 4),), {})
    plain = OrderLine(11, "CUP", "Cup", 2, gbp(300), id=2)
    assert exchange_given_back([plain], changed_lines([plain], (LineChange(11, 1),), {})) == 0
