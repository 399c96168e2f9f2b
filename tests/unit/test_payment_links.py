"""A payment link's invoice (``link_invoice``): what Telegram charges is what the order is due."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.money import Money
from domain.orders import Order, OrderLine
from domain.usecases.paylinks import link_invoice

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def test_a_payment_link_for_a_discounted_order_charges_its_total_not_its_list_price() -> None:
    order = Order.place(
        code="BCDFGHJK",
        customer_id=1,
        currency="GBP",
        lines=[OrderLine(1, "A", "Mug", 3, Money(1_000, "GBP"), discount_minor=300)],  # £27.00 for three
        now=NOW,
        actor="customer:1",
        shipping=Money(499, "GBP"),
    )
    invoice = link_invoice(order, order.total, "en")
    assert order.total == Money(3_000 - 300 + 499, "GBP")
    assert sum(amount for _, amount in invoice.prices) == order.total.amount  # pre-checkout asks for exactly this
    assert ("Discounts", -300) in invoice.prices


def test_a_payment_link_for_an_undiscounted_order_lists_goods_and_shipping() -> None:
    order = Order.place(
        code="BCDFGHJK",
        customer_id=1,
        currency="GBP",
        lines=[OrderLine(1, "A", "Mug", 2, Money(450, "GBP"))],
        now=NOW,
        actor="customer:1",
        shipping=Money(300, "GBP"),
    )
    assert link_invoice(order, order.total, "en").prices == (("Goods", 900), ("Shipping", 300))
