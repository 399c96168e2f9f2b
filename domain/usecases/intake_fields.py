"""A channel's order request read into the shop's terms: its customer, lines, delivery and amounts."""

from __future__ import annotations

from datetime import datetime

from domain.apikeys import ApiKey, Scope
from domain.cart import Cart, CartLine
from domain.catalog import normalize_sku
from domain.customers import Customer, business_terms, is_email, normalize_phone
from domain.errors import DomainError
from domain.money import Money, normalize_currency
from domain.orders import MAX_ORDER_LINES, Delivery, DeliveryMethod
from domain.ports import UnitOfWork
from domain.stock import MAX_LINE_QUANTITY
from domain.usecases.customers import fill_contacts, find_customer
from domain.usecases.fx import shop_rates
from domain.usecases.intake_request import ApiCustomer, ApiOrderRequest, InvalidField
from domain.usecases.price_lists import price_list_for


async def request_customer(uow: UnitOfWork, given: ApiCustomer, now: datetime, key: ApiKey) -> Customer:
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


async def request_cart(uow: UnitOfWork, request: ApiOrderRequest, price_group: str) -> Cart:
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


async def request_delivery(uow: UnitOfWork, request: ApiOrderRequest) -> tuple[Delivery, tuple[float, float] | None]:
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


def request_money(text: str, currency: str, field: str) -> Money:
    try:
        amount = Money.parse(text, currency)
    except DomainError:
        raise InvalidField(field=field, reason=f"not an amount in {currency}") from None
    if amount.amount < 0:
        raise InvalidField(field=field, reason="must not be negative")
    return amount
