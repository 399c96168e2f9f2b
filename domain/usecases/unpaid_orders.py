"""The cap on a customer's open unpaid orders: orders not paid for that still hold stock for them.

Cash on delivery (and pay at pickup) is paid when the order arrives or is collected, and a card
order waits for its payment: until then each holds the shop's stock. A script placing such orders
fast could reserve the shop empty, so a customer may have at most ``MAX_UNPAID_ORDERS`` of them
open at once (0: no cap). Checked in the checkout's transaction, so the chat, the Mini App and any
other path through ``place_order`` share it. Not capped: a business customer (paying by invoice on
terms, bounded by their credit limit) and an order staff place for a customer (``Channel.SUPPORT``)."""

from __future__ import annotations

from domain.customers import Customer
from domain.errors import DomainError
from domain.i18n import N_plural
from domain.orders import Channel, Order, OrderStatus, PaymentMethod
from domain.ports import UnitOfWork

# A cash order is paid once it is delivered or collected; a cancelled one holds nothing.
SETTLED = frozenset({OrderStatus.DELIVERED, OrderStatus.COMPLETED, OrderStatus.CANCELLED})


class TooManyUnpaidOrders(DomainError):
    key, plural = N_plural(
        "You have {count} order not yet paid, the most this shop takes at once. Nothing was ordered and "
        "your cart is kept: pay for, collect or cancel an order (/orders), then order again.",
        "You have {count} orders not yet paid, the most this shop takes at once. Nothing was ordered and "
        "your cart is kept: pay for, collect or cancel an order (/orders), then order again.",
    )
    counted = "count"


def is_open_unpaid(order: Order) -> bool:
    """Holding stock for its customer without being paid (``OrderRepository.open_unpaid`` counts these)."""
    if order.status is OrderStatus.AWAITING_PAYMENT:
        return True
    return order.payment_method is PaymentMethod.COD and order.status not in SETTLED


async def check_unpaid_cap(
    uow: UnitOfWork, cap: int, customer: Customer, payment: PaymentMethod, channel: Channel
) -> None:
    """Refuses one more unpaid order to a customer who has ``cap`` open (inside the checkout's transaction)."""
    if cap <= 0 or customer.is_business or channel is Channel.SUPPORT or payment is PaymentMethod.INVOICE:
        return
    if await uow.orders.open_unpaid(customer.id or 0) >= cap:
        raise TooManyUnpaidOrders(count=cap)
