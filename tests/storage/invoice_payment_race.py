"""Set-ups and readers of test_invoice_payment_race that other test modules use too."""

from __future__ import annotations

from domain.catalog import Product
from domain.customers import Customer
from domain.money import Money
from domain.orders import Order, OrderLine, PaymentMethod
from tests.fakes import FakeClock


def invoice_order(code: str, customer: Customer, product: Product, units: int, clock: FakeClock) -> Order:
    """An order of ``units`` crates at EUR 10.00, paid by invoice due today."""
    return Order.place(
        code=code,
        customer_id=customer.id or 0,
        currency="EUR",
        lines=[OrderLine(product.id or 0, product.sku, "Crate", units, Money(1000, "EUR"))],
        now=clock.now(),
        actor="test",
        payment_method=PaymentMethod.INVOICE,
        invoice_due=clock.now().date(),
    )
