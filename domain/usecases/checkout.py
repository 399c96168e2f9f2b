"""An order placed at checkout in one transaction: the shop's terms, holds made allocations, its first steps."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain.accounting import Account
from domain.cart import Cart
from domain.customers import Address, Customer, normalize_phone
from domain.errors import DomainError, NotFound
from domain.i18n import N_
from domain.memos import Memo
from domain.money import Money
from domain.notifications import Notification, for_customer
from domain.orders import (
    Channel,
    Delivery,
    DeliveryMethod,
    Order,
    OrderStatus,
    PaymentMethod,
    order_reference,
)
from domain.ports import Clock, UnitOfWork
from domain.shipping import CarrierRate, ShippingQuote, Zone, add_business_days, quotes
from domain.shop import ShopIdentity
from domain.shown_total import ShownTotal
from domain.usecases.backorders import record_backorders, routable_part, waiting_params
from domain.usecases.bookkeeping import book_sale
from domain.usecases.cart import load_cart, release_customer_holds
from domain.usecases.checkout_routing import allocation_rows, reserve_routed, route_or_explain, shipping_zone
from domain.usecases.invoice_terms import check_credit, invoice_due_date, number_invoice
from domain.usecases.placing import families_of, place_cart
from domain.usecases.promotions import count_code_use, discounts_for
from domain.usecases.shop import keep_tax_numbers
from domain.usecases.stock import release_expired_holds
from domain.usecases.unpaid_orders import check_unpaid_cap


class EmptyCart(DomainError):
    key = N_("Your cart is empty.")


class ShippingUnavailable(DomainError):
    key = N_("That shipping option is no longer available. Please choose again.")


class PaymentNotOffered(DomainError):
    key = N_("This payment method is not available for your account.")


def payment_methods(customer: Customer, policy: CheckoutPolicy) -> list[PaymentMethod]:
    """What a customer may pay with: card only when the shop takes Telegram Payments, cash on
    delivery (or at pickup) unless the shop switched it off, an invoice only for business buyers."""
    offered = [PaymentMethod.CARD] if policy.card_payments else []
    if policy.cash_on_delivery:
        offered.append(PaymentMethod.COD)
    if customer.is_business:
        offered.append(PaymentMethod.INVOICE)
    return offered


@dataclass(frozen=True, slots=True)
class CheckoutPolicy:
    """Shop settings that shape checkout."""

    timezone: str = "UTC"
    processing_days: int = 0
    pickup_ready_hours: int = 2
    transfer_days: int = 2  # moving stock between warehouses for a pickup elsewhere
    opening_hour: int = 10
    invoice_net_days: int = 14
    card_payments: bool = False
    cash_on_delivery: bool = True  # CASH_ON_DELIVERY: cash at the door or at the pickup counter
    staff_chat_id: int | None = None  # told about every new order
    tax_rate: str = "0"  # percent included in prices, recorded on each order
    max_unpaid_orders: int = 0  # a customer's open unpaid orders at most (MAX_UNPAID_ORDERS; 0: no cap)


@dataclass(frozen=True, slots=True)
class CheckoutRequest:
    customer_id: int
    checkout_key: str
    phone: str
    delivery: Delivery
    shipping_rate_id: int | None
    payment_method: PaymentMethod
    currency: str
    fallback_currency: str
    channel: Channel = Channel.TELEGRAM
    actor: str = ""
    gift: bool = False  # gift-wrapped; the packing slip shows no prices
    gift_message: str = ""
    promo_code: str = ""  # entered at review; checked again and counted in the order's transaction
    reference: str = ""  # the buyer's purchase order number, typed at review: on the order and its invoice
    language: str = ""  # the reader's: a refusal names products in it where translated (the line keeps the shop's)
    # The total the review showed: a price, the cart, a shipping rate or a discount changed since (a manager's
    # edit, the Mini App on another device, the shop's rate table) refuses the order, not charges it.
    reviewed: ShownTotal | None = None


MAX_GIFT_MESSAGE = 200


def cart_quotes(
    rates: list[CarrierRate], cart: Cart, zone: Zone, clock: Clock, policy: CheckoutPolicy
) -> list[ShippingQuote]:
    """The shipping rates' quotes for the cart, in its currency, as of the shop's local time now."""
    return quotes(
        rates,
        zone=zone,
        weight_g=cart.weight_g,
        currency=cart.currency,
        local_now=clock.now().astimezone(ZoneInfo(policy.timezone)),
        processing_days=policy.processing_days,
        fx=cart.rates,
    )


async def _delivery_with_shipping(
    uow: UnitOfWork,
    clock: Clock,
    policy: CheckoutPolicy,
    request: CheckoutRequest,
    cart: Cart,
    zone: Zone,
    transfer_needed: bool,
) -> tuple[Delivery, Money]:
    if request.delivery.method is DeliveryMethod.PICKUP:
        return replace(request.delivery, ready_by=pickup_ready_by(clock.now(), policy, transfer_needed)), Money.zero(
            cart.currency
        )
    found = cart_quotes(await uow.carriers.all(), cart, zone, clock, policy)
    chosen = next((q for q in found if q.rate.id == request.shipping_rate_id), None)
    if chosen is None:
        raise ShippingUnavailable()
    delivery = replace(request.delivery, carrier=chosen.rate.carrier, service=chosen.rate.service, eta=chosen.eta)
    return delivery, chosen.price


async def place_order(uow: UnitOfWork, clock: Clock, policy: CheckoutPolicy, request: CheckoutRequest) -> Order:
    """One transaction: the cart's holds become allocations routed to warehouses, the order
    and its first history rows are written, the contact and address are remembered.

    Idempotent on ``checkout_key``: a double tap or a redelivered update returns the order
    the first submission made.
    """
    return (await _place(uow, clock, policy, request, reply=False))[0]


async def place_order_replying(
    uow: UnitOfWork, clock: Clock, policy: CheckoutPolicy, request: CheckoutRequest
) -> tuple[Order, Notification | None]:
    """``place_order`` for a caller that sends the customer's "order placed" itself, as the
    reply, right after: it is written claimed (``OutboxRepository.add_reply``) and returned
    with its id; None when there is none to send (the order existed already, no chat)."""
    return await _place(uow, clock, policy, request, reply=True)


async def _place(
    uow: UnitOfWork, clock: Clock, policy: CheckoutPolicy, request: CheckoutRequest, *, reply: bool
) -> tuple[Order, Notification | None]:
    phone = normalize_phone(request.phone)
    families = await families_of(uow, cart_of=request.customer_id)
    async with uow:
        # A customer's checkouts take turns (a double tap, a script's tabs): the next one reads
        # the order the first placed, its emptied cart and its count of unpaid orders.
        await uow.customers.lock(request.customer_id)
        existing = await uow.orders.get_by_checkout_key(request.checkout_key)
        if existing is not None:
            if existing.customer_id != request.customer_id:
                raise NotFound()
            return existing, None
        customer = await uow.customers.get(request.customer_id)
        if customer is None:
            raise NotFound()
        if request.payment_method not in payment_methods(customer, policy):
            raise PaymentNotOffered()
        await check_unpaid_cap(uow, policy.max_unpaid_orders, customer, request.payment_method, request.channel)
        now = clock.now()
        cart = await load_cart(
            uow, now, request.customer_id, request.currency, request.fallback_currency, customer.price_group
        )
        if cart.is_empty:
            raise EmptyCart()
        if request.reviewed is not None:
            request.reviewed.check_goods(cart.subtotal)
        # Before any stock row: checkouts of a product with a backorder limit take turns, so
        # two never both see room for the last units allowed to wait.
        await uow.backorders.lock_terms([line.product.id or 0 for line in cart.lines])
        for line in cart.lines:  # a line added before the customer's price list set a minimum or packs
            line.terms.check(line.quantity, line.product.in_language(request.language).display_name)
        _, discounts = await discounts_for(uow, now, cart, request.customer_id, request.promo_code)
        point = await _destination(uow, request.delivery)
        # Every counter this checkout may write (its holds', its lines' in each warehouse), locked
        # in the lock order before the first is written: it releases holds and reserves where
        # routing sends it (the nearest warehouse first), and a transfer between two of those
        # warehouses locks them in the lock order; each holding one, they deadlocked.
        holds = await uow.stock.customer_holds(request.customer_id)
        await uow.stock.lock_products([line.product.id or 0 for line in cart.lines] + [h.product_id for h in holds])
        # Our holds and anyone's expired holds go back first; routing then sees true availability.
        await release_customer_holds(uow, request.customer_id)
        for line in cart.lines:
            await release_expired_holds(uow, line.product.id or 0, now)
        # Read once, after the releases: what stock cannot cover waits (backorders), the rest is routed.
        levels = await uow.stock.levels([line.product.id or 0 for line in cart.lines])
        routable, waiting = await routable_part(uow, cart, now, None, levels, request.language)
        to_pickup = request.delivery.method is not DeliveryMethod.COURIER
        decision, warehouses = await route_or_explain(
            uow, routable, None, point, levels, request.language, pickup=to_pickup
        )
        pickup_code = next((w.code for w in warehouses if w.id == request.delivery.pickup_warehouse_id), None)
        transfer = any(code != pickup_code for code in decision.warehouse_codes)
        delivery, shipping = await _delivery_with_shipping(
            uow, clock, policy, request, cart, shipping_zone(decision, warehouses, point), transfer
        )
        await reserve_routed(uow, routable, decision)
        order = await place_cart(
            uow,
            cart,
            discounts,
            tax_rate=policy.tax_rate,
            customer_id=request.customer_id,
            now=now,
            actor=request.actor or f"customer:{request.customer_id}",
            shipping=shipping,
            channel=request.channel,
            payment_method=request.payment_method,
            delivery=delivery,
            contact_phone=phone,
            routing=[*decision.warehouse_codes, *decision.reasons],
            checkout_key=request.checkout_key,
            families=families,
            invoice_due=(
                invoice_due_date(now, policy, customer) if request.payment_method is PaymentMethod.INVOICE else None
            ),
            flags=frozenset({"VIP"} if customer.is_vip else set()) | frozenset({"GIFT"} if request.gift else set()),
            gift_message=request.gift_message.strip()[:MAX_GIFT_MESSAGE] if request.gift else "",
            reference=order_reference(request.reference),
        )
        if request.reviewed is not None:  # the whole total as it would be charged; refused, the reservations roll back
            request.reviewed.check(order)
        _first_steps(order, request.payment_method, now)
        await check_credit(uow, customer, order)
        shop = await keep_tax_numbers(uow, order, customer)
        await uow.orders.add(order)
        await count_code_use(uow, order, discounts, now)
        await allocation_rows(uow, order, decision, now)
        await record_backorders(uow, order, waiting, now)
        if request.payment_method is PaymentMethod.INVOICE:
            await book_sale(
                uow, order, now, debit=Account.RECEIVABLE, memo=Memo.of(N_("sale {code} (invoice)"), code=order.code)
            )
        courier = delivery.method is DeliveryMethod.COURIER
        known = next((a for a in customer.addresses if a.text == delivery.address), None) if courier else None
        new_address = courier and known is None
        if known is not None and known.id is not None:  # counted, so checkout offers the addresses used most
            await uow.customers.address_used(known.id, now)
        if new_address:
            customer.addresses.append(
                Address(delivery.address, delivery.latitude, delivery.longitude, uses=1, used_at=now)
            )
        if new_address or customer.phone != phone:  # a returning customer's order writes nothing here
            customer.phone = phone
            await uow.customers.update(customer)
        await uow.carts.clear(request.customer_id)
        if request.payment_method is PaymentMethod.INVOICE:  # issued: numbered last, after every other lock
            await number_invoice(uow, order, now)
        if policy.staff_chat_id is not None:
            await uow.outbox.add(
                Notification(
                    policy.staff_chat_id,
                    "staff_new_order",
                    "",
                    {
                        "code": order.code,
                        "units": sum(line.quantity for line in order.lines),
                        "total_minor": order.total.amount,
                        "currency": order.currency,
                        "payment": order.payment_terms,
                        "channel": order.channel.value,
                        "warehouses": ", ".join(decision.warehouse_codes),
                        "vip": customer.is_vip,
                    },
                ),
                now,
            )
        # The customer's confirmation commits with the order: a crash after this commit
        # cannot leave a placed order untold (the handler sends no copy of its own).
        told = None
        if request.channel is Channel.SUPPORT:
            told = for_customer(customer, "order_placed_for_you", {"code": order.code})
        elif request.channel is Channel.TELEGRAM:
            language = customer.notification_language
            named = order.in_language(language)  # its lines as sold, a variant by its family (``place_cart``)
            params = order_placed_params(named, shop) | {"waiting": waiting_params(cart, waiting, named)}
            told = for_customer(customer, "order_placed", params)
        replying = reply and request.channel is Channel.TELEGRAM  # a customer's own order, in their chat
        if told is not None and replying:
            told = await uow.outbox.add_reply(told, now)
        elif told is not None:
            await uow.outbox.add(told, now)
        await uow.commit()
        return order, told if replying else None


def order_placed_params(order: Order, shop: ShopIdentity | None = None) -> dict[str, Any]:
    """What the "order placed" message shows, as plain JSON values (it waits in the outbox),
    with the shop's support contacts as they were when the order was placed."""
    delivery = order.delivery
    return {
        "code": order.code,
        "currency": order.currency,
        "lines": [
            {"name": line.name, "quantity": line.quantity, "total_minor": line.total.amount} for line in order.lines
        ],
        "shipping_minor": order.shipping.amount if order.shipping else 0,
        "discounts": [list(d) for d in order.discounts],
        "promo_code": order.promo_code,
        "total_minor": order.total.amount,
        "payment": order.payment_terms,
        "invoice_due": order.invoice_due.isoformat() if order.invoice_due else "",
        "reference": order.reference,  # a business's PO number: the confirmation its buyer files
        "ready_by": delivery.ready_by.isoformat() if delivery and delivery.ready_by else "",
        "eta": delivery.eta.isoformat() if delivery and delivery.eta else "",
        "service": f"{delivery.carrier} {delivery.service}" if delivery else "",
        "support": list(shop.contacts.values()) if shop else [],
        "has_policies": bool(shop and shop.policies("")),
    }


async def _destination(uow: UnitOfWork, delivery: Delivery) -> tuple[float, float] | None:
    if delivery.method is DeliveryMethod.COURIER:
        return delivery.point
    pickup = next((w for w in await uow.warehouses.all() if w.id == delivery.pickup_warehouse_id), None)
    if pickup is None or not pickup.is_pickup_point:
        raise NotFound()
    if pickup.latitude is None or pickup.longitude is None:
        return None
    return (pickup.latitude, pickup.longitude)


def _first_steps(order: Order, payment_method: PaymentMethod, now: datetime) -> None:
    """The order's first moves, made before it is written: the order row goes in with its
    status after them and its history rows all at once (written one by one, each move cost
    an UPDATE and an INSERT). The customer sees the confirmation as the reply, so
    these steps notify no one; none has other effects (no cancellation among them)."""
    steps: list[tuple[OrderStatus, str]] = {
        PaymentMethod.CARD: [(OrderStatus.AWAITING_PAYMENT, "card")],
        PaymentMethod.INVOICE: [
            (OrderStatus.INVOICED, f"due {order.invoice_due.isoformat() if order.invoice_due else ''}"),
            (OrderStatus.ALLOCATED, ""),
        ],
        PaymentMethod.COD: [(OrderStatus.ALLOCATED, "cash on delivery")],
    }[payment_method]
    for target, reason in steps:
        order.transition(target, now=now, actor="system", reason=reason)


def pickup_ready_by(now: datetime, policy: CheckoutPolicy, transfer_needed: bool) -> datetime:
    """Stock already at the pickup point: ready within ``pickup_ready_hours`` (to the next
    full hour). Stock that must travel there first: after ``transfer_days`` business days,
    from the store's opening hour."""
    if not transfer_needed:
        ready = now + timedelta(hours=policy.pickup_ready_hours)
        return ready.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    zone = ZoneInfo(policy.timezone)
    day = add_business_days(now.astimezone(zone).date(), policy.transfer_days)
    return datetime.combine(day, time(policy.opening_hour), tzinfo=zone).astimezone(now.tzinfo)


async def placed_by_key(uow: UnitOfWork, key: str) -> Order | None:
    async with uow.read_only():
        return await uow.orders.get_by_checkout_key(key)
