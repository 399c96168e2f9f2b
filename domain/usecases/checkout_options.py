"""The checkout's choices before placing: the cart's shipping quoted, its discounts at review, pickup points."""

from __future__ import annotations

from dataclasses import dataclass

from domain.cart import Cart
from domain.discounts import Discounts
from domain.ports import Clock, UnitOfWork
from domain.promotions import PromoRefused
from domain.shipping import ShippingQuote, Zone
from domain.usecases.backorders import routable_part
from domain.usecases.cart import family_named, load_cart
from domain.usecases.checkout import CheckoutPolicy, EmptyCart, cart_quotes
from domain.usecases.checkout_routing import route_or_explain, shipping_zone
from domain.usecases.promotions import discounts_for
from domain.warehouse import Warehouse


@dataclass(frozen=True, slots=True)
class ShippingOptions:
    cart: Cart
    zone: Zone
    quotes: list[ShippingQuote]
    discounts: Discounts | None = None  # asked for with a promo code (the review)
    refused: PromoRefused | None = None  # why that code no longer applies


async def shipping_options(
    uow: UnitOfWork,
    clock: Clock,
    policy: CheckoutPolicy,
    *,
    customer_id: int,
    point: tuple[float, float] | None,
    currency: str,
    fallback_currency: str,
    price_group: str | None = None,
    promo_code: str | None = None,
    language: str = "",
) -> ShippingOptions:
    """``price_group``: the customer's (None: read with the cart). With ``promo_code`` (the
    review, on every payment choice), the cart's discounts too, read in the same unit (one
    of its own cost another connection): with the code, or without it and why not. The
    cart's products are named in ``language`` where translated (the review shows them)."""
    async with uow.read_only():
        cart = await load_cart(uow, clock.now(), customer_id, currency, fallback_currency, price_group, language)
        if cart.is_empty:
            raise EmptyCart()
        routable, _ = await routable_part(uow, cart, clock.now(), customer_id, language=language)  # backorders wait
        decision, warehouses = await route_or_explain(uow, routable, customer_id, point, language=language)
        zone = shipping_zone(decision, warehouses, point)
        rates = await uow.carriers.all()
        named = await family_named(uow, cart, language)  # the review's lines
        discounts, refused = None, None
        if promo_code is not None:
            try:
                discounts = (await discounts_for(uow, clock.now(), cart, customer_id, promo_code))[1]
            except PromoRefused as error:
                discounts, refused = (await discounts_for(uow, clock.now(), cart, customer_id))[1], error
    return ShippingOptions(named, zone, cart_quotes(rates, cart, zone, clock, policy), discounts, refused)


async def pickup_points(uow: UnitOfWork) -> list[Warehouse]:
    async with uow.read_only():
        return [w for w in await uow.warehouses.all() if w.is_pickup_point]
