"""Buy now: one unit of a product paid in Telegram's own form, the shipping options priced by
Ordergram for the address the customer types there, and the order made when the money arrives.

The invoice asks for the address and is flexible, so Telegram asks the bot (a shipping query)
what delivery costs to that address; the pre-checkout query checks stock and price again; the
successful payment places the order — stock held, routed, paid — in one transaction."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.accounting import Account
from domain.cart import Cart, CartLine, order_currency
from domain.catalog import Product
from domain.credit_notes import ORDER_CANCELLED, OUT_OF_STOCK, issued
from domain.discounts import Discounts
from domain.errors import DomainError, NotFound
from domain.i18n import N_
from domain.memos import Memo
from domain.money import Money
from domain.notifications import Notification, for_customer
from domain.orders import Channel, Delivery, DeliveryMethod, Order, OrderStatus, PaymentMethod
from domain.payments import InvoiceSpec, Payment, PaymentKind
from domain.ports import Clock, UnitOfWork
from domain.shipping import ShippingQuote, Zone, quotes
from domain.shop_days import shop_day
from domain.usecases.bookkeeping import book_refund, book_sale
from domain.usecases.checkout import CheckoutPolicy, order_placed_params
from domain.usecases.checkout_routing import CartChanged, allocation_rows, reserve_routed, route_or_explain
from domain.usecases.fx import shop_rates
from domain.usecases.orders import apply_transition
from domain.usecases.payments import AmountChanged
from domain.usecases.placing import Families, families_of, place_cart
from domain.usecases.promotions import discounts_for
from domain.usecases.shop import keep_tax_numbers
from domain.usecases.stock import release_expired_holds
from domain.warehouse import Warehouse

BUY_PAYLOAD_PREFIX = "buy:"
MAX_DESCRIPTION = 255


class NotForSale(DomainError):
    key = N_("This product cannot be bought now.")


class Withdrawn(DomainError):
    key = N_("{name} has been withdrawn from sale and can no longer be ordered.")


class OnPreorder(DomainError):
    key = N_("{name} is on preorder until {date}: preorder it with its card's 🗓 Preorder.")


class NotShippedThere(DomainError):
    key = N_("Sorry, we do not deliver to {country}.")


class NoDeliveryOption(DomainError):
    key = N_("Sorry, no delivery service takes this parcel to that address.")


@dataclass(frozen=True, slots=True)
class ShippingAddress:
    """What Telegram's payment form asks for (``ShippingAddress`` in the Bot API)."""

    country_code: str
    state: str = ""
    city: str = ""
    street_line1: str = ""
    street_line2: str = ""
    post_code: str = ""

    @property
    def text(self) -> str:
        parts = (self.street_line1, self.street_line2, self.city, self.state, self.post_code, self.country_code)
        return ", ".join(part.strip() for part in parts if part.strip())[:500]


def buy_payload(product_id: int, currency: str) -> str:
    """One unit of one product in the invoice's currency (a shipping query names no currency);
    each invoice its own (a nonce)."""
    return f"{BUY_PAYLOAD_PREFIX}{product_id}:{currency}:{secrets.token_urlsafe(6)}"


def parse_buy_payload(payload: str) -> tuple[int, str]:
    product, _, rest = payload.removeprefix(BUY_PAYLOAD_PREFIX).partition(":")
    currency = rest.partition(":")[0]
    if not payload.startswith(BUY_PAYLOAD_PREFIX) or not product.isdecimal() or len(currency) != 3:
        raise NotFound()
    return int(product), currency


def product_of_payload(payload: str) -> int:
    return parse_buy_payload(payload)[0]


def address_zone(address: ShippingAddress, warehouse: Warehouse) -> Zone:
    """A Telegram address has no coordinates: the same city as the dispatching warehouse is
    local, anywhere else the shop ships is the conservative national zone."""
    city = address.city.strip().casefold()
    return Zone.LOCAL if city and city in warehouse.address.casefold() else Zone.NATIONAL


def ships_to(countries: Iterable[str], address: ShippingAddress) -> bool:
    return address.country_code.strip().upper() in {c.upper() for c in countries}


async def _one_unit(uow: UnitOfWork, product_id: int, currency: str, language: str = "") -> Cart:
    """Inside an open unit of work: a cart of one unit of the product, priced as a cart is.
    A product withdrawn (hidden or discontinued) is refused naming it (in ``language`` where
    translated: the reader's) and saying why."""
    product = await uow.products.get(product_id)
    rates = await shop_rates(uow)
    if product is None or not rates.sells(product.prices):
        raise NotForSale()
    if not product.orderable:
        named = product.in_language(language)
        named.check_orderable()  # discontinued says so
        raise Withdrawn(name=named.display_name)
    chosen = order_currency([product], currency, rates)
    price = rates.price(product.prices, chosen)
    assert price is not None  # a product the shop sells has a price in every currency it takes
    return Cart([CartLine(product, 1, 0, price, None)], chosen, rates=rates)


async def _withdrawn_unit(uow: UnitOfWork, product_id: int, paid: BuyNowPayment) -> Cart:
    """The unit paid for but no longer sold (hidden, discontinued or its price taken away since
    the invoice): a cart of it in the invoice's currency, priced as it still is (at most the
    charge) or, with no price left, at the charge — only to record the order whose charge is
    owed back."""
    product = await uow.products.get(product_id)
    if product is None:  # products are never deleted: a payload naming none was never ours
        raise NotFound()
    rates = await shop_rates(uow)
    charged = Money(paid.amount, paid.currency)
    price = rates.price(product.prices, paid.currency) if rates.offers(paid.currency) else None
    known = rates if rates.offers(paid.currency) else None  # a currency no longer taken keeps rate 1
    # Never above the charge: the order's total must be what was charged (the rest is its
    # shipping), as the sale booked against cash and the refund owed are that charge.
    unit = min(price, charged) if price is not None else charged
    return Cart([CartLine(product, 1, 0, unit, None)], paid.currency, rates=known)


async def _promoted(uow: UnitOfWork, now: datetime, cart: Cart, customer_id: int) -> Discounts:
    """The running promotions on the unit, as a cart would have them (Buy now has no review
    to type a promo code at: codes are for the cart's checkout and the API)."""
    return (await discounts_for(uow, now, cart, customer_id))[1]


async def _not_on_preorder(uow: UnitOfWork, cart: Cart, today: date, language: str) -> None:
    """Inside an open unit of work: a preorder's stock is not sold before its release, even
    when it came early (``routable_part``); its card offers 🗓 Preorder instead, and a ⚡ from
    before the terms, or its invoice, is refused here (read from the database, not the cache)."""
    product = cart.lines[0].product
    terms = (await uow.backorders.terms([product.id or 0])).get(product.id or 0)
    if terms is not None and terms.release_date is not None and terms.is_preorder(today):
        raise OnPreorder(name=product.in_language(language).display_name, date=terms.release_date)


async def buy_now_invoice(
    uow: UnitOfWork, clock: Clock, *, product_id: int, currency: str, language: str, customer_id: int = 0
) -> InvoiceSpec:
    """The invoice of "Buy now" for one unit, when it is in stock: the goods, then each
    promotion that applies as a line of its own (named, negative), so the form says why."""
    async with uow.read_only():
        cart = await _one_unit(uow, product_id, currency, language)
        await _not_on_preorder(uow, cart, shop_day(clock.now(), uow.timezone), language)
        await route_or_explain(uow, cart, None, None, language=language)
        discounts = await _promoted(uow, clock.now(), cart, customer_id)
    product: Product = cart.lines[0].product.in_language(language)
    off = tuple((a.label, -a.amount.amount) for a in discounts.applied if a.amount.amount)
    return InvoiceSpec(
        payload=buy_payload(product_id, cart.currency),
        currency=cart.currency,
        title_key="{name}",  # no message of ours: the product's own name, in the reader's language
        title_params={"name": product.display_name},
        description=(product.description or product.display_name)[:MAX_DESCRIPTION],
        prices=((N_("Goods"), cart.subtotal.amount), *off),
        language=language,
        need_shipping_address=True,
        is_flexible=True,
    )


async def _quotes(
    uow: UnitOfWork, clock: Clock, policy: CheckoutPolicy, cart: Cart, address: ShippingAddress, language: str = ""
) -> list[ShippingQuote]:
    decision, warehouses = await route_or_explain(uow, cart, None, None, language=language)
    first = next(w for w in warehouses if w.code == decision.warehouse_codes[0])
    return quotes(
        await uow.carriers.all(),
        zone=address_zone(address, first),
        weight_g=cart.weight_g,
        currency=cart.currency,
        local_now=clock.now().astimezone(ZoneInfo(policy.timezone)),
        processing_days=policy.processing_days,
        fx=cart.rates,
    )


async def buy_now_shipping(
    uow: UnitOfWork,
    clock: Clock,
    policy: CheckoutPolicy,
    *,
    payload: str,
    address: ShippingAddress,
    countries: Iterable[str],
    language: str = "",
) -> list[ShippingQuote]:
    """The shop's own delivery options and prices to ``address`` (a shipping query); a refusal
    names the product in ``language`` where translated."""
    if not ships_to(countries, address):
        raise NotShippedThere(country=address.country_code)
    product_id, currency = parse_buy_payload(payload)
    async with uow.read_only():
        cart = await _one_unit(uow, product_id, currency, language)
        found = await _quotes(uow, clock, policy, cart, address, language)
    if not found:
        raise NoDeliveryOption()
    return found


async def _chosen(
    uow: UnitOfWork,
    clock: Clock,
    policy: CheckoutPolicy,
    cart: Cart,
    address: ShippingAddress,
    option_id: str,
    language: str = "",
) -> ShippingQuote:
    found = await _quotes(uow, clock, policy, cart, address, language)
    chosen = next((q for q in found if str(q.rate.id) == option_id), None)
    if chosen is None:
        raise NoDeliveryOption()
    return chosen


async def check_buy_now(
    uow: UnitOfWork,
    clock: Clock,
    policy: CheckoutPolicy,
    *,
    payload: str,
    amount: int,
    currency: str,
    option_id: str,
    address: ShippingAddress,
    countries: Iterable[str],
    language: str = "",
) -> None:
    """The pre-checkout query: still in stock, still delivered there, still this price; a
    refusal names the product in ``language`` where translated."""
    if not ships_to(countries, address):
        raise NotShippedThere(country=address.country_code)
    async with uow.read_only():
        cart = await _one_unit(uow, product_of_payload(payload), currency, language)
        await _not_on_preorder(uow, cart, shop_day(clock.now(), uow.timezone), language)
        chosen = await _chosen(uow, clock, policy, cart, address, option_id, language)
        discounts = await _promoted(uow, clock.now(), cart, 0)
    if Money(amount, currency) != cart.subtotal - discounts.total + chosen.price:  # a promotion that ended too
        raise AmountChanged()


@dataclass(frozen=True, slots=True)
class BuyNowPayment:
    customer_id: int
    payload: str
    amount: int
    currency: str
    option_id: str
    address: ShippingAddress
    telegram_charge_id: str
    provider_charge_id: str | None


async def place_bought_order(
    uow: UnitOfWork, clock: Clock, policy: CheckoutPolicy, paid: BuyNowPayment
) -> tuple[Order | None, bool]:
    """The money arrived: the order is placed, its unit held and routed, the payment recorded
    and booked, the customer and the staff chat told — one transaction. Idempotent on the
    charge id (a redelivered update returns ``(order, False)``). Stock gone in the seconds
    since the pre-checkout: the charge is recorded on an order cancelled at once, owed back
    (``(order, False)``)."""
    key = f"buy:{paid.telegram_charge_id}"[:64]
    families = await families_of(uow, [product_of_payload(paid.payload)])
    async with uow:
        # The customer before the counters, as a checkout takes them: the order written below
        # names the customer, and on PostgreSQL waited for a checkout's lock on them while
        # holding the counters that checkout waited for.
        await uow.customers.lock(paid.customer_id)
        existing = await uow.orders.get_by_checkout_key(key)
        if existing is not None:
            return existing, False
        customer = await uow.customers.get(paid.customer_id)
        if customer is None:
            raise NotFound()
        now = clock.now()
        try:
            cart = await _one_unit(uow, product_of_payload(paid.payload), paid.currency)
        except DomainError:  # withdrawn since the pre-checkout: the money is still never lost
            cart = await _withdrawn_unit(uow, product_of_payload(paid.payload), paid)
            discounts = await _promoted(uow, now, cart, paid.customer_id)
            order = await _paid_but_not_filled(
                uow, clock, policy, paid, cart, discounts, key, Unfilled.WITHDRAWN, families
            )
            await uow.commit()
            return order, False
        discounts = await _promoted(uow, now, cart, paid.customer_id)
        await uow.stock.lock_products([cart.lines[0].product.id or 0])  # released, then reserved: lock order first
        await release_expired_holds(uow, cart.lines[0].product.id or 0, now)
        try:
            chosen = await _chosen(uow, clock, policy, cart, paid.address, paid.option_id)
            decision, _ = await route_or_explain(uow, cart, None, None)
            await reserve_routed(uow, cart, decision)
        except (CartChanged, NoDeliveryOption):
            order = await _paid_but_not_filled(
                uow, clock, policy, paid, cart, discounts, key, Unfilled.SOLD_OUT, families
            )
            await uow.commit()
            return order, False
        order = await place_cart(
            uow,
            cart,
            discounts,
            tax_rate=policy.tax_rate,
            customer_id=paid.customer_id,
            now=now,
            actor=f"customer:{paid.customer_id}",
            shipping=chosen.price,
            channel=Channel.TELEGRAM,
            payment_method=PaymentMethod.CARD,
            delivery=Delivery(
                DeliveryMethod.COURIER,
                address=paid.address.text,
                carrier=chosen.rate.carrier,
                service=chosen.rate.service,
                eta=chosen.eta,
            ),
            contact_phone=customer.phone or "",
            routing=[*decision.warehouse_codes, *decision.reasons],
            checkout_key=key,
            families=families,
            flags=frozenset({"VIP"} if customer.is_vip else set()),
        )
        shop = await keep_tax_numbers(uow, order, customer)
        await uow.orders.add(order)
        await allocation_rows(uow, order, decision, now)
        await _paid(uow, clock, order, paid, now)
        named = order.in_language(customer.notification_language)
        told = for_customer(customer, "order_placed", order_placed_params(named, shop))
        if told is not None:
            await uow.outbox.add(told, now)
        if policy.staff_chat_id is not None:
            await uow.outbox.add(Notification(policy.staff_chat_id, "staff_new_order", "", _staff(order)), now)
        await uow.commit()
        return order, True


async def _paid(uow: UnitOfWork, clock: Clock, order: Order, paid: BuyNowPayment, now: datetime) -> None:
    charge = Payment(
        order.id or 0,
        PaymentKind.PAYMENT,
        PaymentMethod.CARD.value,
        Money(paid.amount, paid.currency),
        now,
        paid.telegram_charge_id,
        paid.provider_charge_id,
    )
    await uow.payments.add(charge)
    await book_sale(uow, order, now, debit=Account.CASH, memo=Memo.of(N_("sale {code} (card)"), code=order.code))
    reason = paid.telegram_charge_id
    await apply_transition(uow, order, OrderStatus.PAID, clock=clock, actor="system", reason=reason, notify=False)
    await apply_transition(uow, order, OrderStatus.ALLOCATED, clock=clock, actor="system", notify=False)


def _staff(order: Order) -> dict[str, object]:
    return {
        "code": order.code,
        "units": sum(line.quantity for line in order.lines),
        "total_minor": order.total.amount,
        "currency": order.currency,
        "payment": order.payment_terms,
        "channel": order.channel.value,
        "warehouses": ", ".join(order.routing[:1]),
        "vip": "VIP" in order.flags,
    }


class Unfilled(StrEnum):
    """Why a Buy now charge that arrived made no order (what the journal memo says)."""

    SOLD_OUT = "sold out"
    WITHDRAWN = "withdrawn from sale"


async def _paid_but_not_filled(
    uow: UnitOfWork,
    clock: Clock,
    policy: CheckoutPolicy,
    paid: BuyNowPayment,
    cart: Cart,
    discounts: Discounts,
    key: str,
    why: Unfilled,
    families: Families,
) -> Order:
    """The unit went, or was withdrawn from sale, in the seconds between the pre-checkout and
    the charge: the money is never lost. An order records the charge (booked as a sale), is
    cancelled at once and the charge is owed back whole (booked to refunds owed); the customer
    and the staff chat are told why. The charge id keys it, so Telegram redelivering the
    payment records nothing twice."""
    now = clock.now()
    charged = Money(paid.amount, paid.currency)
    # The same order a paid Buy now places, but for what was charged, not quoted: its shipping
    # is what the charge paid beyond the discounted unit (the sale booked is the money taken),
    # and it is cancelled at once, so it is not routed, flagged VIP or given a phone to call.
    order = await place_cart(
        uow,
        cart,
        discounts,
        tax_rate=policy.tax_rate,
        customer_id=paid.customer_id,
        now=now,
        actor=f"customer:{paid.customer_id}",
        shipping=Money(max(charged.amount - (cart.subtotal - discounts.total).amount, 0), cart.currency),
        channel=Channel.TELEGRAM,
        payment_method=PaymentMethod.CARD,
        delivery=Delivery(DeliveryMethod.COURIER, address=paid.address.text),
        checkout_key=key,
        families=families,
    )
    customer = await uow.customers.get(paid.customer_id)
    await keep_tax_numbers(uow, order, customer)
    await uow.orders.add(order)
    await uow.payments.add(
        Payment(
            order.id or 0,
            PaymentKind.PAYMENT,
            PaymentMethod.CARD.value,
            charged,
            now,
            paid.telegram_charge_id,
            paid.provider_charge_id,
        )
    )
    await book_sale(uow, order, now, debit=Account.CASH, memo=Memo.of(N_("sale {code} (card)"), code=order.code))
    reason = paid.telegram_charge_id
    await apply_transition(uow, order, OrderStatus.PAID, clock=clock, actor="system", reason=reason, notify=False)
    reason = f"{why.value} before the payment arrived: refund owed"
    await apply_transition(uow, order, OrderStatus.CANCELLED, clock=clock, actor="system", reason=reason, notify=False)
    gone = Memo.of(
        N_("{code} sold out") if why is Unfilled.SOLD_OUT else N_("{code} withdrawn from sale"), code=order.code
    )
    # A sale booked and cancelled whole: what is owed back gets its credit note, as a paid order cancelled does,
    # issued first so the entry names it.
    written = OUT_OF_STOCK if why is Unfilled.SOLD_OUT else ORDER_CANCELLED
    note = await uow.credit_notes.issue(order.id or 0, charged, written, now)
    owed = Payment(
        order.id or 0, PaymentKind.REFUND_OWED, PaymentMethod.CARD.value, charged, now, credit_note_id=note.id
    )
    await uow.payments.add(owed)  # the row of what is owed back names its note
    memo = gone.within(N_("refund owed, {rest}")).note(N_("credit note {note}"), note=note.label)
    await book_refund(uow, order, charged, now, source=f"order:{order.code}", memo=memo, note=note)
    template = "buy_now_sold_out" if why is Unfilled.SOLD_OUT else "buy_now_withdrawn"
    params: dict[str, object] = {"code": order.code, "amount_minor": paid.amount, "currency": paid.currency}
    product = cart.lines[0].product
    language = customer.notification_language if customer is not None else ""
    named = {**params, "name": product.in_language(language).display_name, "credit_notes": issued(order.code, note)}
    told = for_customer(customer, template, named)
    if told is not None:
        await uow.outbox.add(told, now)
    if policy.staff_chat_id is not None:
        staff = {**params, "name": product.display_name, "charge": paid.telegram_charge_id}
        staff["customer"] = paid.customer_id
        await uow.outbox.add(Notification(policy.staff_chat_id, f"staff_{template}", "", staff), now)
    return order
