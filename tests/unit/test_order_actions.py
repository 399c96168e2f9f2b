"""Which actions a customer may take on their order in its state: one rule in the domain, the chat's order screen
and the Mini App's both offer what it allows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from domain.money import Money
from domain.order_actions import OrderActions, order_actions
from domain.orders import Delivery, DeliveryMethod, HistoryEntry, Order, OrderLine, OrderStatus, PaymentMethod

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def order(status: OrderStatus, method: PaymentMethod = PaymentMethod.CARD) -> Order:
    return Order(
        code="BCDFGHJK",
        customer_id=1,
        currency="GBP",
        lines=[OrderLine(10, "MUG", "Mug", 2, Money(500, "GBP"), id=1)],
        status=status,
        shipping=Money(400, "GBP"),
        payment_method=method,
        delivery=Delivery(DeliveryMethod.COURIER, "1 Road"),
        created_at=NOW,
    )


@dataclass(frozen=True)
class Terms:
    payment_provider_token: str | None = "tok"
    order_edit_window_minutes: int = 30
    return_window_days: int = 14


NOTHING = OrderActions(
    pay=False, pay_difference=False, edit=False, waiting=False, cancel=False, returns=False, po_number=False
)


def test_an_unpaid_card_order_offers_pay_only_when_the_shop_takes_cards() -> None:
    unpaid = order(OrderStatus.AWAITING_PAYMENT)
    assert order_actions(unpaid, Terms(), NOW, None).pay
    assert not order_actions(unpaid, Terms(payment_provider_token=None), NOW, None).pay


def test_an_order_is_editable_within_the_window_and_not_after() -> None:
    placed = order(OrderStatus.ALLOCATED)
    assert order_actions(placed, Terms(), NOW + timedelta(minutes=29), None).edit
    assert not order_actions(placed, Terms(), NOW + timedelta(minutes=30), None).edit


def test_a_delivered_order_offers_a_return_within_the_window_and_nothing_after() -> None:
    delivered = order(OrderStatus.DELIVERED, PaymentMethod.COD)
    delivered.history.append(HistoryEntry(NOW, "system", OrderStatus.SHIPPED, OrderStatus.DELIVERED))
    assert order_actions(delivered, Terms(), NOW + timedelta(days=13), None).returns
    later = datetime(2027, 6, 1, tzinfo=UTC)
    assert order_actions(delivered, Terms(), later, None) == NOTHING
