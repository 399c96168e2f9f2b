"""An order's life: its transition table, what placing records, and its short unambiguous codes."""

from datetime import UTC, datetime
from itertools import product

import pytest

from bot.api_problems import domain_problem
from domain.errors import CurrencyMismatch, IllegalTransition
from domain.money import Money
from domain.orders import (
    CODE_ALPHABET,
    ORDER_TRANSITIONS,
    RETURN_TRANSITIONS,
    EmptyOrder,
    Order,
    OrderLine,
    OrderStatus,
    ReturnStatus,
    check_return_transition,
    new_order_code,
    normalize_order_code,
)
from domain.usecases.orders import HeldPickedForCustomer, HeldReturnInstead, check_cancellable

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
S = OrderStatus


def make_order(status: OrderStatus = S.PLACED, held_from: OrderStatus | None = None) -> Order:
    order = Order.place(
        code="BCDFGHJK",
        customer_id=1,
        currency="EUR",
        lines=[OrderLine(1, "SKU1", "Mug", 2, Money(450, "EUR"))],
        now=NOW,
        actor="customer:1",
        shipping=Money(300, "EUR"),
    )
    order.status, order.held_from = status, held_from
    return order


# Targets in the enum's order, not the table's sets': every pytest-xdist worker must collect the same list.
LEGAL = [(a, b) for a, targets in ORDER_TRANSITIONS.items() for b in OrderStatus if b in targets and a is not S.ON_HOLD]
ILLEGAL = [(a, b) for a, b in product(OrderStatus, OrderStatus) if b not in ORDER_TRANSITIONS[a]]


def test_every_status_has_a_row_in_the_transition_table() -> None:
    assert set(ORDER_TRANSITIONS) == set(OrderStatus)


@pytest.mark.parametrize(("current", "target"), LEGAL, ids=[f"{a}->{b}" for a, b in LEGAL])
def test_legal_transition_is_applied_and_recorded(current: OrderStatus, target: OrderStatus) -> None:
    order = make_order(current)
    entry = order.transition(target, now=NOW, actor="staff:7", reason="test")
    assert order.status is target
    assert order.history[-1] == entry
    assert (entry.from_status, entry.to_status, entry.actor, entry.reason) == (current, target, "staff:7", "test")


@pytest.mark.parametrize(("current", "target"), ILLEGAL, ids=[f"{a}->{b}" for a, b in ILLEGAL])
def test_illegal_transition_raises_and_changes_nothing(current: OrderStatus, target: OrderStatus) -> None:
    order = make_order(current, held_from=S.PAID if current is S.ON_HOLD else None)
    history = list(order.history)
    with pytest.raises(IllegalTransition):
        order.transition(target, now=NOW, actor="staff:7")
    assert order.status is current
    assert order.history == history


RESUMABLE = [s for s in OrderStatus if s in ORDER_TRANSITIONS[S.ON_HOLD] and s is not S.CANCELLED]


@pytest.mark.parametrize("held_from", RESUMABLE)
def test_an_order_on_hold_resumes_only_where_it_was(held_from: OrderStatus) -> None:
    order = make_order(held_from)
    if S.ON_HOLD not in ORDER_TRANSITIONS[held_from]:
        pytest.skip(f"{held_from} cannot be put on hold")
    order.transition(S.ON_HOLD, now=NOW, actor="system", reason="short pick")
    assert order.held_from is held_from
    for other in ORDER_TRANSITIONS[S.ON_HOLD] - {held_from, S.CANCELLED}:
        assert not order.can_transition(other)
    order.transition(held_from, now=NOW, actor="staff:1")
    assert order.status is held_from
    assert order.held_from is None


def test_an_order_on_hold_can_be_cancelled() -> None:
    order = make_order(S.PICKING)
    order.transition(S.ON_HOLD, now=NOW, actor="system")
    order.transition(S.CANCELLED, now=NOW, actor="staff:1", reason="lost stock")
    assert order.status is S.CANCELLED


def test_cancelling_is_impossible_once_picked_whole() -> None:
    for status in (S.PICKED, S.PACKED, S.SHIPPED, S.DELIVERED, S.COMPLETED):
        assert not make_order(status).can_transition(S.CANCELLED)


def test_an_order_being_picked_may_be_cancelled_but_not_by_its_customer() -> None:
    """A manager's /cancelorder mid-pick moves it; the customer's own cancel stops before picking."""
    order = make_order(S.PICKING)
    assert order.can_transition(S.CANCELLED) and not order.cancellable_by_customer


def test_an_order_held_keeps_the_cancel_rule_of_the_status_it_was_held_from() -> None:
    """Held from picking (a short pick): being picked still, the shop's to cancel; held before picking (a bin count
    found its units gone): its customer's, as before the hold; held once picked whole: nobody's."""
    mid_pick = make_order(S.ON_HOLD, held_from=S.PICKING)
    assert mid_pick.being_picked and not mid_pick.held_before_picking and not mid_pick.cancellable_by_customer
    allocated = make_order(S.ALLOCATED)
    allocated.transition(S.ON_HOLD, now=NOW, actor="staff:1", reason="count: SKU1")
    assert allocated.held_before_picking and not allocated.being_picked
    picked = make_order(S.ON_HOLD, held_from=S.PICKED)
    assert not (picked.being_picked or picked.held_before_picking or picked.cancellable_by_customer)


def test_placing_records_the_first_history_row_and_exact_totals() -> None:
    order = make_order()
    assert order.history[0].to_status is S.PLACED and order.history[0].from_status is None
    assert order.subtotal == Money(900, "EUR")
    assert order.total == Money(1200, "EUR")


def test_an_order_needs_lines_in_its_own_currency() -> None:
    with pytest.raises(EmptyOrder):
        Order.place(code="X", customer_id=1, currency="EUR", lines=[], now=NOW, actor="c")
    with pytest.raises(CurrencyMismatch):
        Order.place(
            code="X",
            customer_id=1,
            currency="EUR",
            lines=[OrderLine(1, "A", "A", 1, Money(1, "USD"))],
            now=NOW,
            actor="c",
        )


@pytest.mark.parametrize(("current", "target"), list(product(ReturnStatus, ReturnStatus)))
def test_return_branch_follows_its_table(current: ReturnStatus, target: ReturnStatus) -> None:
    if target in RETURN_TRANSITIONS[current]:
        check_return_transition(current, target)
    else:
        with pytest.raises(IllegalTransition):
            check_return_transition(current, target)


def test_order_codes_are_short_unambiguous_and_random() -> None:
    codes = {new_order_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == 8 and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert not set("01ILOU") & set(CODE_ALPHABET)
    assert normalize_order_code(" #bcdf-ghjk ") == "BCDFGHJK"


def test_a_cancel_of_an_order_held_once_picked_is_refused_with_its_way_out_never_its_raw_status() -> None:
    """Held at packing, the rest of it picked: staff and a channel (the API's problem detail) are told the way out
    (its customer drops the missing item, returns the rest), its customer what they can do; never "it is on_hold"."""
    order = make_order(S.ON_HOLD, held_from=S.PICKED)
    with pytest.raises(HeldReturnInstead) as staff:
        check_cancellable(order)
    problem = domain_problem(staff.value)
    assert problem.status == 409 and "on_hold" not in problem.detail
    assert problem.detail.startswith(f"Order {order.code} can no longer be cancelled: it is on hold for an item")
    with pytest.raises(HeldPickedForCustomer):
        check_cancellable(order, support=True)


@pytest.mark.parametrize("held_from", [S.PLACED, S.AWAITING_PAYMENT, S.PAID, S.INVOICED, S.ALLOCATED])
def test_only_an_order_held_for_a_shortage_before_picking_stays_its_customers_to_cancel(held_from: OrderStatus) -> None:
    """A bin count's hold (its units gone) leaves the cancel with the customer; a staff hold from the same status (a
    fraud check, a hold with no reason) does not: the customer would cancel what the shop is looking into."""
    for reason, customers in (("count: SKU1", True), ("short pick: SKU1", True), ("fraud check", False), ("", False)):
        order = make_order(held_from)
        order.transition(S.ON_HOLD, now=NOW, actor="staff:1", reason=reason)
        assert order.held_before_picking is customers, reason
        assert order.held_before_picking or not order.cancellable_by_customer
    staff_hold_after_count = make_order(held_from)
    staff_hold_after_count.transition(S.ON_HOLD, now=NOW, actor="staff:1", reason="count: SKU1")
    staff_hold_after_count.transition(held_from, now=NOW, actor="staff:1")
    staff_hold_after_count.transition(S.ON_HOLD, now=NOW, actor="staff:1", reason="fraud check")
    assert not staff_hold_after_count.held_before_picking  # the hold it is in now decides, not an earlier one
