"""A goodwill refund's timeline entry shows the amount it carries; an entry written before entries carried one
is paired with the goodwill payment row of its place (the n-th entry, the n-th row)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.money import Money
from domain.orders import HistoryEntry, Order, OrderLine, OrderStatus
from domain.payments import Payment, PaymentKind
from domain.usecases.tracking import goodwill_on_timeline

NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)


def _order(*amounts: Money | None) -> Order:
    order = Order.place(
        code="BCDFGHJK",
        customer_id=1,
        currency="GBP",
        lines=[OrderLine(1, "A", "A", 1, Money(900, "GBP"))],
        now=NOW,
        actor="customer:1",
    )
    for n, amount in enumerate(amounts):
        at = NOW + timedelta(minutes=n)
        order.history.append(HistoryEntry(at, "staff:7", OrderStatus.PLACED, OrderStatus.PLACED, "goodwill: x", amount))
    return order


def _given(*minor: int) -> list[Payment]:
    return [Payment(1, PaymentKind.GOODWILL, "goodwill", Money(n, "GBP"), NOW) for n in minor]


def test_a_goodwill_entry_shows_the_amount_it_carries_whatever_the_payment_rows_say() -> None:
    order = _order(Money(200, "GBP"), Money(50, "GBP"))
    # the rows of another order's shape (one missing, one extra): the entries say what each gave
    assert goodwill_on_timeline(order, _given(50)) == {1: Money(200, "GBP"), 2: Money(50, "GBP")}
    assert goodwill_on_timeline(order, []) == {1: Money(200, "GBP"), 2: Money(50, "GBP")}


def test_an_entry_written_before_amounts_were_kept_takes_the_payment_row_of_its_place() -> None:
    order = _order(None, Money(50, "GBP"))
    assert goodwill_on_timeline(order, _given(200, 50)) == {1: Money(200, "GBP"), 2: Money(50, "GBP")}
    assert goodwill_on_timeline(_order(None, None), _given(200)) == {1: Money(200, "GBP")}
