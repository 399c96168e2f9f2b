"""Checkout requests the storage tests place directly through the use case."""

from __future__ import annotations

from domain.orders import Delivery, DeliveryMethod, PaymentMethod
from domain.usecases.checkout import CheckoutRequest


def pickup_cash_on_delivery(customer_id: int, warehouse_id: int | None, currency: str = "EUR") -> CheckoutRequest:
    """The customer's cart, picked up at ``warehouse_id``, paid in cash, in ``currency``."""
    return CheckoutRequest(
        customer_id=customer_id,
        checkout_key=f"k{customer_id}",
        phone="+4930123456",
        delivery=Delivery(DeliveryMethod.PICKUP, pickup_warehouse_id=warehouse_id),
        shipping_rate_id=None,
        payment_method=PaymentMethod.COD,
        currency=currency,
        fallback_currency=currency,
    )
