"""An order is placed only at the total the customer was shown: goods, delivery and the total with discounts in."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.money import Money
from domain.orders import Order, OrderLine
from domain.shown_total import CartTotalChanged, ShippingChanged, ShownTotal, TotalChanged


def gbp(minor: int) -> Money:
    return Money(minor, "GBP")


def order(*, shipping: int, discount: int = 0) -> Order:
    """Two mugs at £4.50, ``discount`` off them, delivered for ``shipping``."""
    line = OrderLine(1, "MUG", "Mug", 2, gbp(450), discount_minor=discount)
    at = datetime(2026, 12, 7, tzinfo=UTC)
    return Order.place(
        code="BCDFGHJK", customer_id=1, currency="GBP", lines=[line], now=at, actor="c", shipping=gbp(shipping)
    )


def test_an_order_at_the_total_shown_is_taken() -> None:
    ShownTotal(gbp(900), gbp(420), gbp(1220)).check(order(shipping=420, discount=100))


def test_a_delivery_price_moved_since_it_was_shown_is_refused_naming_both_prices() -> None:
    with pytest.raises(ShippingChanged) as refused:
        ShownTotal(gbp(900), gbp(670), gbp(1570)).check(order(shipping=770))
    assert refused.value.params == {"price": gbp(770), "was": gbp(670)}


def test_a_delivery_price_fallen_since_it_was_shown_is_taken_at_the_lower_total_and_named() -> None:
    shown = ShownTotal(gbp(900), gbp(670), gbp(1570))
    shown.check(order(shipping=570))
    assert shown.cheaper_shipping(order(shipping=570)) == gbp(670)  # what the confirmation names it against
    assert shown.cheaper_shipping(order(shipping=670)) is None
    assert ShownTotal(gbp(900)).cheaper_shipping(order(shipping=570)) is None  # not sent: nothing to name


def test_a_delivery_price_fallen_while_a_discount_ended_is_refused_when_the_total_rose() -> None:
    with pytest.raises(TotalChanged) as refused:
        ShownTotal(gbp(900), gbp(670), gbp(1470)).check(order(shipping=620))
    assert refused.value.params == {"total": gbp(1520), "was": gbp(1470)}


def test_a_discount_gone_since_it_was_shown_is_refused_naming_the_total() -> None:
    with pytest.raises(TotalChanged) as refused:
        ShownTotal(gbp(900), gbp(420), gbp(1220)).check(order(shipping=420))
    assert refused.value.params == {"total": gbp(1320), "was": gbp(1220)}


def test_a_discount_begun_since_the_total_was_shown_is_taken_at_the_lower_total() -> None:
    ShownTotal(gbp(900), gbp(420), gbp(1320)).check(order(shipping=420, discount=100))


def test_goods_moved_since_shown_are_named_first() -> None:
    with pytest.raises(CartTotalChanged):
        ShownTotal(gbp(800), gbp(420), gbp(1220)).check(order(shipping=420))


def test_what_a_screen_did_not_send_is_not_compared() -> None:
    """A page or a checkout begun before the delivery and total were kept: its goods are still compared."""
    ShownTotal(gbp(900)).check(order(shipping=770))
