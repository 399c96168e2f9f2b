"""An edited order priced again: the customer's price list, added lines' prices, shipping and promotions."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from domain.editing import OrderChanges
from domain.errors import DomainError
from domain.i18n import N_
from domain.money import Money
from domain.orders import DeliveryMethod, Order, OrderLine
from domain.ports import Clock, UnitOfWork
from domain.pricing import RETAIL, OrderingTerms, PriceList
from domain.promotions import PromoMinimum
from domain.routing import RoutingDecision
from domain.shipping import quotes
from domain.usecases.checkout import CheckoutPolicy, ShippingUnavailable, pickup_ready_by
from domain.usecases.checkout_routing import shipping_zone
from domain.usecases.fx import shop_rates
from domain.usecases.price_lists import price_list_for
from domain.usecases.product_lookup import line_names_of
from domain.usecases.promotions import labels, order_discounts
from domain.warehouse import Warehouse


class NotForSaleNow(DomainError):
    key = N_("{name} cannot be added: it is not on sale now.")


async def order_price_list(uow: UnitOfWork, order: Order) -> PriceList:
    """The order's customer's price list (their group's), read in the edit's transaction."""
    customer = await uow.customers.get(order.customer_id)
    return await price_list_for(uow, customer.price_group if customer is not None else RETAIL)


async def edit_terms(
    uow: UnitOfWork, order: Order, changes: OrderChanges, prices: PriceList, language: str
) -> dict[int, tuple[str, OrderingTerms]]:
    """The ordering terms (minimum, pack) of each product whose quantity the edit sets."""
    have = {line.product_id: line.quantity for line in order.lines}
    touched = sorted({c.product_id for c in changes.lines if c.quantity and c.quantity != have.get(c.product_id, 0)})
    if prices.empty or not touched:
        return {}
    return {
        p.id: (p.in_language(language).display_name, prices.terms(prices.item(p.sku, p.parent_code, p.category_id)))
        for p in await uow.products.get_many(touched)
        if p.id is not None
    }


async def priced_additions(
    uow: UnitOfWork, order: Order, changes: OrderChanges, prices: PriceList, language: str
) -> dict[int, OrderLine]:
    """Products the edit adds, at today's price in the order's currency, by the customer's
    price list (their group's price for that quantity) as a cart would price them."""
    on_order = {line.product_id for line in order.lines}
    wanted = {c.product_id: c.quantity for c in changes.lines if c.product_id not in on_order and c.quantity}
    if not wanted:
        return {}
    products = {p.id: p for p in await uow.products.get_many(sorted(wanted))}
    rates = await shop_rates(uow)
    priced = {}
    for product_id, quantity in sorted(wanted.items()):
        product = products.get(product_id)
        base = rates.price(product.prices, order.currency) if product is not None and product.orderable else None
        if product is None or base is None:
            raise NotForSaleNow(name=product.in_language(language).display_name if product else str(product_id))
        item = prices.item(product.sku, product.parent_code, product.category_id)
        unit = prices.price(item, base, quantity).unit
        names = await line_names_of(uow, product)
        priced[product_id] = OrderLine(product_id, product.sku, product.display_name, 1, unit, names=names)
    return priced


async def reprice(
    uow: UnitOfWork,
    clock: Clock,
    policy: CheckoutPolicy,
    order: Order,
    *,
    decision: RoutingDecision,
    warehouses: list[Warehouse],
    point: tuple[float, float] | None,
) -> None:
    """The one place an edited order's price is decided again: shipping for the new weight,
    zone and method (the same carrier service when it still serves them, else the cheapest).
    Promotions, when the shop has them, are re-evaluated here too."""
    delivery = order.delivery
    if delivery is None:
        return
    free = "REPLACEMENT" in order.flags  # an exchange's replacement is sent at the shop's cost, edited or not
    if delivery.method is DeliveryMethod.PICKUP:
        pickup = next((w for w in warehouses if w.id == delivery.pickup_warehouse_id), None)
        transfer = any(code != (pickup.code if pickup else None) for code in decision.warehouse_codes)
        order.delivery = replace(delivery, carrier="", service="", eta=None)
        order.delivery = replace(order.delivery, ready_by=pickup_ready_by(clock.now(), policy, transfer))
        order.shipping = Money.zero(order.currency)
        return
    products = {p.id: p for p in await uow.products.get_many(sorted({line.product_id for line in order.lines}))}
    weight = sum(
        (products[line.product_id].weight_g if line.product_id in products else 0) * line.quantity
        for line in order.lines
    )
    found = quotes(
        await uow.carriers.all(),
        zone=shipping_zone(decision, warehouses, point),
        weight_g=weight,
        currency=order.currency,
        local_now=clock.now().astimezone(ZoneInfo(policy.timezone)),
        processing_days=policy.processing_days,
        fx=await shop_rates(uow),
    )
    same = [q for q in found if (q.rate.carrier, q.rate.service) == (delivery.carrier, delivery.service)]
    if not found:
        raise ShippingUnavailable()
    chosen = (same or found)[0]
    order.delivery = replace(
        delivery, carrier=chosen.rate.carrier, service=chosen.rate.service, eta=chosen.eta, ready_by=None
    )
    order.shipping = chosen.price * 0 if free else chosen.price


async def rediscount(uow: UnitOfWork, order: Order, now: datetime) -> tuple[str, Money | None]:
    """Promotions and the order's promo code applied to the edited lines as at checkout; a
    code no longer met is dropped (its use given back) and the reason goes into the diff. Not
    on an exchange's replacement: its lines are priced by the exchange (a swap's difference of
    list prices, what was paid kept with them), and a promotion taken off them would make a
    later refund give back more than was paid."""
    if "REPLACEMENT" in order.flags:
        return "", None
    code = await uow.promotions.code(order.promo_code) if order.promo_code else None
    order.lines, discounts, refused = await order_discounts(uow, order, order.lines, now)
    order.discounts = labels(discounts)
    if code is None or code.id is None:
        return "", None
    if refused is None:
        await uow.promotions.change_code_use(code.id, order.id or 0, discounts.code_amount)
        return "", None
    await uow.promotions.change_code_use(code.id, order.id or 0, None)
    order.promo_code = ""
    return code.code, code.minimum if isinstance(refused, PromoMinimum) else None
