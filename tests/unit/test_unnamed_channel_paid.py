"""An intake-API order whose history names no API key read "card, paid in Telegram": it was paid at the sales
channel, its name unknown (as its number is "the sales channel's"), so it reads so and is settled there, as a keyed
one is; a payment link's order is still paid in Telegram."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.editing import ChannelPaidRise, ChannelPaidRiseNoChat, ChannelPaidRiseStaff, check_channel_paid
from domain.errors import DomainError
from domain.money import Money
from domain.orders import Channel, HistoryEntry, Order, OrderLine, OrderStatus, PaymentMethod

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
GBP = "GBP"


def _api_order(*steps: tuple[OrderStatus, OrderStatus, str]) -> Order:
    line = OrderLine(1, "85123A", "Heart holder", 2, Money(295, GBP))
    order = Order.place(
        code="BCDFGHJA",
        customer_id=1,
        currency=GBP,
        lines=[line],
        now=NOW,
        actor="system",  # no "api:NAME": the key it came with is not named
        channel=Channel.API,
        payment_method=PaymentMethod.CARD,
    )
    order.history += [HistoryEntry(NOW, actor, was, to) for was, to, actor in steps]
    return order


def test_an_order_a_channel_sent_paid_without_its_name_reads_paid_at_the_sales_channel() -> None:
    order = _api_order((OrderStatus.PLACED, OrderStatus.PAID, "system"))
    assert order.channel_name == "" and order.paid_at == ""  # a channel's, its name unknown
    assert order.payment_terms == "channel"


def test_a_payment_links_order_without_the_channels_name_is_still_paid_in_telegram() -> None:
    waiting = _api_order((OrderStatus.PLACED, OrderStatus.AWAITING_PAYMENT, "system"))
    assert waiting.paid_at is None and waiting.payment_terms == "card"
    waiting.history.append(HistoryEntry(NOW, "system", OrderStatus.AWAITING_PAYMENT, OrderStatus.PAID))
    assert waiting.paid_at is None and waiting.payment_terms == "card"


def test_a_keyed_orders_channel_is_still_named() -> None:
    order = _api_order((OrderStatus.PLACED, OrderStatus.PAID, "api:web shop"))
    assert order.paid_at == "web shop"


@pytest.mark.parametrize(
    ("by_customer", "support", "refused"),
    [(True, True, ChannelPaidRise), (True, False, ChannelPaidRiseNoChat), (False, True, ChannelPaidRiseStaff)],
)
def test_a_dearer_change_of_an_order_paid_at_an_unnamed_channel_is_refused_without_an_empty_name(
    by_customer: bool, support: bool, refused: type[DomainError]
) -> None:
    with pytest.raises(refused) as raised:
        check_channel_paid("BCDFGHJA", "", Money(345, GBP), by_customer=by_customer, support=support)
    assert "{channel}" not in raised.value.key and "at ," not in str(raised.value), raised.value.key
    check_channel_paid("BCDFGHJA", "", Money(0, GBP), by_customer=by_customer, support=support)  # no more to pay
