"""Placing an order: a code no order has, and the order a cart places, whichever way in places it."""

from __future__ import annotations

from datetime import datetime

from domain.cart import Cart
from domain.discounts import Discounts
from domain.money import Money
from domain.orders import Order, new_order_code
from domain.ports import UnitOfWork
from domain.usecases.promotions import discounted_lines, labels


async def unique_order_code(uow: UnitOfWork) -> str:
    while True:
        code = new_order_code()
        if await uow.orders.get_by_code(code) is None:
            return code


async def place_cart(
    uow: UnitOfWork,
    cart: Cart,
    discounts: Discounts,
    *,
    customer_id: int,
    tax_rate: str,
    now: datetime,
    actor: str,
    shipping: Money | None,
    **details: object,
) -> Order:
    """The order a cart places, by the same rule whichever way in places it (the checkout, Buy
    now, the intake API): a new code, the cart's lines less their discounts, in the cart's
    currency at its rate, the shop's tax rate, the discounts named and the promo code they used
    (none for Buy now: it has no review to type one at). How it is delivered, paid, routed and
    flagged differs on purpose from one way in to another: ``details``, each caller's own."""
    return Order.place(
        code=await unique_order_code(uow),
        customer_id=customer_id,
        currency=cart.currency,
        fx_rate=cart.fx_rate,
        tax_rate=tax_rate,
        lines=discounted_lines(cart.order_lines(), discounts),
        now=now,
        actor=actor,
        shipping=shipping,
        promo_code=discounts.code.code if discounts.code else "",
        discounts=labels(discounts),
        **details,
    )
