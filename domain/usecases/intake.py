"""Orders from other channels (a web shop, a point of sale) over the HTTP API, through the
same rules as a chat checkout: stock allocated by conditional reservations, routed to
warehouses, booked, notified. One request, one transaction; the same Idempotency-Key with the
same body returns the first order, with another body it is refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.accounting import Account
from domain.apikeys import ApiKey, FirstUse, Scope
from domain.backorders import BackorderStatus, PreorderFull
from domain.cart import Cart, CartLine
from domain.catalog import normalize_sku
from domain.customers import Customer, business_terms, is_email, normalize_phone
from domain.errors import DomainError, NotFound
from domain.i18n import N_
from domain.memos import Memo
from domain.money import Money, normalize_currency
from domain.notifications import Notification, for_customer
from domain.orders import (
    MAX_ORDER_LINES,
    Channel,
    Delivery,
    DeliveryMethod,
    Order,
    OrderStatus,
    PaymentMethod,
    normalize_order_code,
    order_reference,
    reference_key,
)
from domain.parcels import Parcel, tracking_page
from domain.payments import Payment, PaymentKind, invoice_owed
from domain.ports import Clock, UnitOfWork
from domain.shop_days import shop_day
from domain.stock import MAX_LINE_QUANTITY
from domain.usecases.backorders import offers, record_backorders, routable_part
from domain.usecases.bookkeeping import book_sale
from domain.usecases.callbacks import order_placed, original_code
from domain.usecases.checkout import (
    CartChanged,
    CheckoutPolicy,
    allocation_rows,
    reserve_routed,
    route_or_explain,
)
from domain.usecases.customers import fill_contacts, find_customer
from domain.usecases.fx import shop_rates
from domain.usecases.invoice_terms import check_credit, invoice_due_date, number_invoice
from domain.usecases.orders import apply_transition, cancel_before_picking
from domain.usecases.placing import Families, families_of, place_cart
from domain.usecases.price_lists import price_list_for
from domain.usecases.promotions import count_code_use, discounts_for
from domain.usecases.shop import keep_tax_numbers
from domain.usecases.stock import release_expired_holds
from domain.usecases.unpaid_orders import TooManyUnpaidOrders, check_unpaid_cap


class InvalidField(DomainError):
    """A request field that is well-formed JSON but not acceptable; names the field."""

    key = N_("{field}: {reason}")


class ShortLine(InvalidField):
    """A line asking for more than the warehouses have: a conflict with the stock (409), named by
    its place in the request (a chat's refusal speaks of a cart a channel does not have)."""


class UnpaidCapReached(InvalidField):
    """A customer (not a business) already has ``MAX_UNPAID_ORDERS`` orders holding stock unpaid:
    one more by cash on delivery or a payment link is refused, as in chat (422, its own title)."""


class IdempotencyConflict(DomainError):
    # One channel's orders and stock receipts share its keys: a till numbering both from 1 must
    # learn why its receipt was refused, not take the 409 for "already done" and lose the goods.
    key = N_(
        "This Idempotency-Key was already used by this channel for another request: another body, or the "
        "other kind of request (orders and stock receipts share one set of keys). Send a new key."
    )


class RequestInProgress(DomainError):
    key = N_("A request with this Idempotency-Key is still being processed; retry shortly.")


class PaymentState(StrEnum):
    PAID = "paid"  # taken by the channel (web shop checkout, till)
    COD = "cod"  # collected on delivery
    INVOICE = "invoice"  # a business customer pays later
    LINK = "link"  # the customer pays by card through a Telegram payment link


@dataclass(frozen=True, slots=True)
class ApiCustomer:
    name: str
    phone: str | None = None
    email: str | None = None
    telegram_id: int | None = None
    business: bool | None = None  # None: leave as it is; True with the terms below; False: not a business
    payment_terms_days: int | None = None
    credit_limit: str | None = None  # decimal, base currency


@dataclass(frozen=True, slots=True)
class ApiOrderRequest:
    customer: ApiCustomer
    lines: tuple[tuple[str, int], ...]  # (SKU, quantity)
    currency: str
    payment: PaymentState
    address: str | None = None  # courier delivery …
    latitude: float | None = None
    longitude: float | None = None
    pickup_point: str | None = None  # … or pickup at this warehouse code
    shipping: str = "0"  # what the channel charged for delivery, in ``currency``
    reference: str = ""  # the channel's own order number
    promo_code: str = ""  # checked as at a chat review, its use counted in the order's transaction


PAYMENTS = {
    PaymentState.PAID: PaymentMethod.CARD,
    PaymentState.COD: PaymentMethod.COD,
    PaymentState.INVOICE: PaymentMethod.INVOICE,
    PaymentState.LINK: PaymentMethod.CARD,
}


async def place_api_order(
    uow: UnitOfWork,
    clock: Clock,
    policy: CheckoutPolicy,
    *,
    key: ApiKey,
    idempotency_key: str,
    body_hash: str,
    request: ApiOrderRequest,
) -> tuple[Order, bool]:
    """The order, and whether this request made it (False: a repeat of an earlier one)."""
    assert key.id is not None
    key.require(Scope.ORDERS)
    families = await families_of(uow, skus=(sku for sku, _ in request.lines))
    async with uow:
        now = clock.now()
        first = await uow.api.claim(key.id, idempotency_key, body_hash, now)
        if first is not None:
            return await _repeat(uow, first, body_hash), False
        order = await _place(uow, clock, policy, key, request, now, families)
        assert order.id is not None
        await uow.api.settle(key.id, idempotency_key, order_id=order.id)
        await order_placed(uow, order, clock)  # now the channel's: its first event, as it stands
        await uow.commit()
        return order, True


async def _repeat(uow: UnitOfWork, first: FirstUse, body_hash: str) -> Order:
    if first.body_hash != body_hash:
        raise IdempotencyConflict()
    order = await uow.orders.get_by_id(first.order_id) if first.order_id is not None else None
    if order is None:
        raise RequestInProgress()
    return order


async def _place(
    uow: UnitOfWork,
    clock: Clock,
    policy: CheckoutPolicy,
    key: ApiKey,
    request: ApiOrderRequest,
    now: datetime,
    families: Families,
) -> Order:
    customer = await _customer(uow, request.customer, now, key)
    if request.payment is PaymentState.INVOICE and not customer.is_business:
        # As in chat: paying later is a business customer's term, set with the customers scope.
        raise InvalidField(field="payment", reason="an invoice is for a business customer (customer.business: true)")
    if request.payment is PaymentState.COD and not policy.cash_on_delivery:  # as chat's checkout no longer offers it
        raise InvalidField(
            field="payment", reason="this shop takes no cash on delivery: send the order paid, or with a payment link"
        )
    payment = PAYMENTS[request.payment]
    await _check_unpaid_cap(uow, policy, customer, request.payment)
    cart = await _cart(uow, request, customer.price_group)
    # The running promotions, then the code: refused with the reason (a promo problem), as in chat.
    _, discounts = await discounts_for(uow, now, cart, customer.id or 0, request.promo_code)
    delivery, point = await _delivery(uow, request)
    shipping = _money(request.shipping, cart.currency, "shipping")
    ids = [line.product.id or 0 for line in cart.lines]
    # As chat's checkout: orders of a product with a backorder limit take its terms in turn, and
    # what stock cannot cover waits (a backorder or preorder) when the product takes it.
    await uow.backorders.lock_terms(ids)
    await uow.stock.lock_products(ids)  # released, then reserved where routed: the lock order first
    for line in cart.lines:
        await release_expired_holds(uow, line.product.id or 0, now)
    levels = await uow.stock.levels(ids)
    try:
        routable, waiting = await routable_part(uow, cart, now, None, levels)
        to_pickup = delivery.method is not DeliveryMethod.COURIER
        decision, _ = await route_or_explain(uow, routable, None, point, levels, pickup=to_pickup)
        await reserve_routed(uow, routable, decision)  # another order may take the units first
    except (CartChanged, PreorderFull) as short:
        name, available = short.params["name"], short.params["available"]
        i, line = next((i, line) for i, line in enumerate(cart.lines) if line.product.display_name == name)
        what = "can be preordered" if isinstance(short, PreorderFull) else "available"
        reason = f"only {available} of {line.product.sku} {what} now"
        offer = (await offers(uow, [line.product.id or 0], shop_day(now, uow.timezone))).get(line.product.id or 0)
        if isinstance(short, CartChanged) and offer is not None and offer.room:  # else it would say "only 0"
            reason += f", and {offer.room} more can wait"
        raise ShortLine(field=f"lines.{i}.quantity", reason=reason) from None
    order = await place_cart(
        uow,
        cart,
        discounts,
        tax_rate=policy.tax_rate,
        customer_id=customer.id or 0,
        now=now,
        actor=f"api:{key.name}",
        shipping=shipping,
        families=families,
        channel=Channel.API,
        payment_method=payment,
        delivery=delivery,
        contact_phone=customer.phone or "",
        routing=[*decision.warehouse_codes, *decision.reasons],
        invoice_due=invoice_due_date(now, policy, customer) if payment is PaymentMethod.INVOICE else None,
        reference=order_reference(request.reference),  # on one line, as a chat's PO number: the invoice prints it
    )
    await check_credit(uow, customer, order)
    await keep_tax_numbers(uow, order, customer)
    await uow.orders.add(order)
    await count_code_use(uow, order, discounts, now)
    await allocation_rows(uow, order, decision, now)
    await record_backorders(uow, order, waiting, now)
    await _first_steps(uow, clock, order, request, key)
    if request.payment is PaymentState.INVOICE:  # issued: numbered last, after every other lock
        await number_invoice(uow, order, now)
    await _announce(uow, policy, customer, order, key, now)
    return order


async def _check_unpaid_cap(uow: UnitOfWork, policy: CheckoutPolicy, customer: Customer, state: PaymentState) -> None:
    """The chat's cap on unpaid orders, for an order the channel did not take payment for (cash on
    delivery, a payment link): a web shop's script could otherwise reserve the shop empty through
    the API. A business is not capped, as in chat: its invoices are bounded by its credit limit.
    The customer's checkouts on every channel take turns on their row, so they count each other."""
    if state not in (PaymentState.COD, PaymentState.LINK):
        return
    await uow.customers.lock(customer.id or 0)
    try:
        await check_unpaid_cap(uow, policy.max_unpaid_orders, customer, PAYMENTS[state], Channel.API)
    except TooManyUnpaidOrders as capped:
        count = capped.params["count"]
        reason = (
            f"the customer has {count} orders not yet paid (cash on delivery, or a card payment awaited), the most "
            "this shop takes at once; send it paid, or again once one of them is paid, collected or cancelled"
        )
        raise UnpaidCapReached(field="payment", reason=reason) from None


async def _customer(uow: UnitOfWork, given: ApiCustomer, now: datetime, key: ApiKey) -> Customer:
    """Known by Telegram id, else phone, else email; otherwise a new customer (without a
    chat until they write to the bot, so nothing is sent to them)."""
    name = given.name.strip()
    if not name or len(name) > 128:
        raise InvalidField(field="customer.name", reason="1–128 characters")
    phone = None
    if given.phone:
        try:
            phone = normalize_phone(given.phone)
        except DomainError:
            raise InvalidField(field="customer.phone", reason="not a phone number") from None
    email = given.email.strip().lower() if given.email else None
    if email is not None and not is_email(email):
        raise InvalidField(field="customer.email", reason="not an email address")
    if given.telegram_id is None and phone is None and email is None:
        raise InvalidField(field="customer", reason="give a phone, an email or a telegram_id")
    found = await find_customer(uow, telegram_id=given.telegram_id, phone=phone, email=email)
    if found is None:
        first, _, last = name.partition(" ")
        new = Customer(given.telegram_id, first, last or None, phone=phone, email=email, created_at=now)
        _business_terms(new, given, key, uow.base_currency)
        return await uow.customers.add(new)
    await fill_contacts(uow, found, phone=phone, email=email)
    _business_terms(found, given, key, uow.base_currency)
    await uow.customers.update(found)
    return found


def _business_terms(customer: Customer, given: ApiCustomer, key: ApiKey, currency: str) -> None:
    """The customer object's business fields, from a key allowed to set them."""
    if given.business is None:
        if given.payment_terms_days is not None or given.credit_limit is not None:
            raise InvalidField(field="customer.business", reason="payment terms are for a business (business: true)")
        return
    key.require(Scope.CUSTOMERS)
    if not given.business and (given.payment_terms_days is not None or given.credit_limit is not None):
        raise InvalidField(field="customer.business", reason="payment terms are for a business (business: true)")
    try:
        days = "" if given.payment_terms_days is None else str(given.payment_terms_days)
        terms = business_terms(days, given.credit_limit, currency)
    except DomainError:
        raise InvalidField(field="customer.credit_limit", reason="0 or more, in the base currency") from None
    customer.is_business = given.business
    customer.payment_terms_days, customer.credit_limit = terms if given.business else (None, None)


async def _cart(uow: UnitOfWork, request: ApiOrderRequest, price_group: str) -> Cart:
    """The lines priced by the customer's price list (a business's invoices use its list)."""
    try:
        currency = normalize_currency(request.currency)
    except DomainError:
        raise InvalidField(field="currency", reason="not an ISO 4217 currency code") from None
    rates = await shop_rates(uow)
    if not rates.offers(currency):
        raise InvalidField(field="currency", reason=f"the shop takes {', '.join(rates.currencies)}")
    if not 1 <= len(request.lines) <= MAX_ORDER_LINES:
        raise InvalidField(field="lines", reason=f"1 to {MAX_ORDER_LINES} lines")
    prices = await price_list_for(uow, price_group)
    lines: list[CartLine] = []
    seen: set[str] = set()
    for i, (raw_sku, quantity) in enumerate(request.lines):
        field = f"lines.{i}"  # the spelling of the schema's own errors
        try:
            sku = normalize_sku(raw_sku)
        except DomainError:
            raise InvalidField(field=f"{field}.sku", reason="not a SKU") from None
        if sku in seen:
            raise InvalidField(field=f"{field}.sku", reason=f"{sku} is on another line already")
        seen.add(sku)
        if not 1 <= quantity <= MAX_LINE_QUANTITY:
            raise InvalidField(field=f"{field}.quantity", reason=f"a whole number from 1 to {MAX_LINE_QUANTITY}")
        product = await uow.products.get_by_sku(sku)
        if product is None or not product.orderable:
            raise InvalidField(field=f"{field}.sku", reason=f"no product {sku} is for sale")
        price = rates.price(product.prices, currency)
        if price is None:
            raise InvalidField(field=f"{field}.sku", reason=f"{sku} has no price in {currency}")
        item = prices.item(product.sku, product.parent_code, product.category_id)
        terms = prices.terms(item)
        if not terms.allows(quantity):
            reason = f"{sku} is sold from {terms.first} in multiples of {terms.pack} on the customer's price list"
            raise InvalidField(field=f"{field}.quantity", reason=reason)
        resolved = prices.price(item, price, quantity)
        base = price if resolved.rule is not None else None
        lines.append(CartLine(product, quantity, 0, resolved.unit, None, base_price=base, price_rule=resolved.rule))
    return Cart(lines, currency, rates=rates)


async def _delivery(uow: UnitOfWork, request: ApiOrderRequest) -> tuple[Delivery, tuple[float, float] | None]:
    if (request.address is None) == (request.pickup_point is None):
        raise InvalidField(field="delivery", reason="give either an address or a pickup_point")
    if request.pickup_point is not None:
        code = request.pickup_point.strip().upper()
        point = next((w for w in await uow.warehouses.all() if w.code == code and w.is_pickup_point), None)
        if point is None or point.id is None:
            raise InvalidField(field="pickup_point", reason=f"{code} is not a pickup point")
        where = (point.latitude, point.longitude) if point.latitude is not None and point.longitude else None
        return Delivery(DeliveryMethod.PICKUP, pickup_warehouse_id=point.id), where
    address = (request.address or "").strip()
    if not address or len(address) > 500:
        raise InvalidField(field="address", reason="1–500 characters")
    location = (request.latitude, request.longitude)
    if (location[0] is None) != (location[1] is None):  # named as the body names them: the one given alone
        raise InvalidField(
            field="latitude" if location[1] is None else "longitude", reason="latitude and longitude go together"
        )
    if location[0] is not None and location[1] is not None:
        if not (-90 <= location[0] <= 90 and -180 <= location[1] <= 180):
            raise InvalidField(field="latitude", reason="latitude or longitude out of range")
        return Delivery(DeliveryMethod.COURIER, address, location[0], location[1]), (location[0], location[1])
    return Delivery(DeliveryMethod.COURIER, address), None


def _money(text: str, currency: str, field: str) -> Money:
    try:
        amount = Money.parse(text, currency)
    except DomainError:
        raise InvalidField(field=field, reason=f"not an amount in {currency}") from None
    if amount.amount < 0:
        raise InvalidField(field=field, reason="must not be negative")
    return amount


async def _first_steps(uow: UnitOfWork, clock: Clock, order: Order, request: ApiOrderRequest, key: ApiKey) -> None:
    """Paid at the channel: recorded and booked as cash; an invoice: a receivable; cash on
    delivery: booked when collected. All three are then allocated, ready to pick."""
    actor = f"api:{key.name}"
    if request.payment is PaymentState.PAID:
        reason = f"paid at {key.name}" + (f", {request.reference}" if request.reference else "")
        await apply_transition(uow, order, OrderStatus.PAID, clock=clock, actor=actor, reason=reason, notify=False)
        await uow.payments.add(Payment(order.id or 0, PaymentKind.PAYMENT, f"api:{key.name}", order.total, clock.now()))
        await book_sale(
            uow,
            order,
            clock.now(),
            debit=Account.CASH,
            memo=Memo.of(N_("sale {code} (paid at {key})"), code=order.code, key=key.name),
        )
    elif request.payment is PaymentState.INVOICE:
        due = order.invoice_due.isoformat() if order.invoice_due else ""
        await apply_transition(
            uow, order, OrderStatus.INVOICED, clock=clock, actor=actor, reason=f"due {due}", notify=False
        )
        await book_sale(
            uow,
            order,
            clock.now(),
            debit=Account.RECEIVABLE,
            memo=Memo.of(N_("sale {code} (invoice)"), code=order.code),
        )
    elif request.payment is PaymentState.LINK:  # allocated once paid, as a card order in chat
        reason = "payment link"
        await apply_transition(
            uow, order, OrderStatus.AWAITING_PAYMENT, clock=clock, actor=actor, reason=reason, notify=False
        )
        return
    await apply_transition(uow, order, OrderStatus.ALLOCATED, clock=clock, actor=actor, notify=False)


async def _announce(
    uow: UnitOfWork, policy: CheckoutPolicy, customer: Customer, order: Order, key: ApiKey, now: datetime
) -> None:
    told = for_customer(customer, "order_from_channel", {"code": order.code, "channel": key.name})
    if told is not None:  # they know the bot: they can follow the order there
        await uow.outbox.add(told, now)
    if policy.staff_chat_id is not None:
        params = {
            "code": order.code,
            "units": sum(line.quantity for line in order.lines),
            "total_minor": order.total.amount,
            "currency": order.currency,
            "payment": order.payment_terms,
            "paid_at": order.paid_at,  # "paid at web shop (WEB-1001)": no Telegram charge to refund
            "reference": order.reference,
            "channel": f"{order.channel.value} ({key.name})",
            "warehouses": ", ".join(order.routing[:1]),
            "vip": customer.is_vip,
        }
        await uow.outbox.add(Notification(policy.staff_chat_id, "staff_new_order", "", params), now)


async def _own(uow: UnitOfWork, key: ApiKey, code: str) -> Order:
    """An order this key placed; any other (a chat order, another channel's) is not found."""
    order = await uow.orders.get_by_code(normalize_order_code(code))
    if order is None or order.id is None or not await uow.api.placed_by(key.id or 0, order.id):
        raise NotFound()
    return order


async def api_order(uow: UnitOfWork, *, key: ApiKey, code: str) -> Order:
    key.require(Scope.ORDERS)
    async with uow.read_only():
        return await _own(uow, key, code)


MAX_ORDERS_PAGE = 100  # orders a list page holds at most (GET /api/v1/orders?limit=)


async def api_orders(
    uow: UnitOfWork,
    *,
    key: ApiKey,
    after: int,
    limit: int,
    status: OrderStatus | None = None,
    reference: str = "",
    changed_since: datetime | None = None,
) -> tuple[list[Order], int | None]:
    """A page of the orders this key's channel placed, oldest first, past the cursor ``after``,
    and the cursor of the next page (None: this is the last)."""
    key.require(Scope.ORDERS)
    async with uow.read_only():
        ids = await uow.api.orders_placed(
            key.id or 0,
            after=after,
            limit=limit + 1,  # one more: whether there is a next page
            status=status,
            reference_key=reference_key(reference) if reference else None,
            changed_since=changed_since,
        )
        found = await uow.orders.by_ids(ids[:limit])
    page = [found[order_id] for order_id in ids[:limit] if order_id in found]
    return page, ids[limit - 1] if len(ids) > limit else None


async def api_original(uow: UnitOfWork, order: Order) -> str | None:
    """A replacement's: the code of the channel's order it was first sent for (None for any other order)."""
    if "REPLACEMENT" not in order.flags:
        return None
    async with uow.read_only():
        return await original_code(uow, order)


async def api_waiting(uow: UnitOfWork, order: Order) -> dict[str, int]:
    """Units of the order still waiting for stock (backorders and preorders), by SKU."""
    async with uow.read_only():
        parts = await uow.backorders.for_order(order.id or 0)
    skus = {line.product_id: line.sku for line in order.lines}
    return {skus.get(b.product_id, ""): b.quantity for b in parts if b.status is BackorderStatus.WAITING and b.quantity}


async def api_parcels(uow: UnitOfWork, order: Order) -> list[tuple[Parcel, str]]:
    """The parcels the order left in, oldest first, each with its carrier's tracking page ("" when none)."""
    async with uow.read_only():
        parcels = await uow.parcels.for_order(order.id or 0)
        rates = await uow.carriers.all() if parcels else []
    return [(parcel, tracking_page(rates, parcel)) for parcel in sorted(parcels, key=lambda p: p.seq)]


async def api_still_to_pay(uow: UnitOfWork, order: Order) -> Money | None:
    """What an invoice order still asks for (its total less payments and credit notes); None for another payment."""
    if order.payment_method is not PaymentMethod.INVOICE or order.status is OrderStatus.CANCELLED:
        return None
    async with uow.read_only():
        payments = await uow.payments.for_orders([order.id or 0])
    return invoice_owed(order.total, payments.get(order.id or 0, []))


async def cancel_api_order(
    uow: UnitOfWork, clock: Clock, *, key: ApiKey, code: str, staff_chat_id: int | None
) -> Order:
    """A channel cancels an order it sent, until picking starts (like a customer can), or while it is being picked
    (or on hold after a short pick) with nothing of it shipped: the channel's word is the shop's, so it is cancelled
    as a manager's /cancelorder cancels it then, each picker holding it told what to put back where, its waiting part
    cancelled. Picked whole, it is refused."""
    key.require(Scope.ORDERS)
    async with uow:
        order = await _own(uow, key, code)
        if order.status is not OrderStatus.CANCELLED:
            picking = order.being_picked and not await uow.parcels.for_order(order.id or 0)
            actor = f"api:{key.name}"
            await cancel_before_picking(uow, clock, order, actor=actor, staff_chat_id=staff_chat_id, picking=picking)
            await uow.commit()
        return order
