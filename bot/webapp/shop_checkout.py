"""The storefront's checkout: what it offers the customer, and the order placed (its messages are the chat's)."""

from __future__ import annotations

from typing import Any

from aiogram.utils.i18n import gettext as _
from aiohttp import web

from bot.webapp.payloads import body, body_id, money
from bot.webapp.security import WebProblem, customer_of, runtime_of
from domain.contention import with_fresh_tries
from domain.customers import Customer, offered_addresses
from domain.discounts import AppliedDiscount
from domain.errors import DomainError
from domain.money import Money
from domain.orders import MAX_REFERENCE, Delivery, DeliveryMethod, Order, PaymentMethod, order_reference
from domain.ports import UnitOfWork
from domain.shown_total import ShownTotal
from domain.text import MAX_ADDRESS, typed
from domain.usecases.checkout import CheckoutRequest, EmptyCart, payment_methods, place_order
from domain.usecases.checkout_options import pickup_points, shipping_options
from domain.usecases.invoice_terms import invoices_over_limit
from domain.usecases.paylinks import payment_link
from handlers.callbacks import pickup_label
from handlers.catalog import customer_currency, reading_language
from handlers.checkout_options import shipping_label
from handlers.checkout_payment import lowered_shipping, no_invoice_said
from handlers.paylinks import invoice_links
from handlers.views.rendering import shorten

# What the storefront can take: the customer's own methods among these (``payment_methods``:
# an invoice only for a business customer, within its credit limit, as in chat).
WEB_PAYMENTS = frozenset({PaymentMethod.COD, PaymentMethod.CARD, PaymentMethod.INVOICE})
MAX_PHONE = 32  # a phone number as typed, spaces and dashes included


async def get_checkout(request: web.Request) -> web.Response:
    runtime, customer = runtime_of(request), await customer_of(request)
    settings = runtime.settings
    options = await shipping_options(
        runtime.uow(),
        runtime.clock,
        settings.checkout_policy(),
        customer_id=customer.id or 0,
        point=None,
        currency=customer_currency(customer, settings.default_currency),
        fallback_currency=settings.default_currency,
        language=reading_language(),
        promo_code="",  # the running promotions, as the chat's review and the order take them
    )
    points = await pickup_points(runtime.uow())
    discounts = options.discounts
    goods = options.cart.subtotal - discounts.total if discounts else options.cart.subtotal
    offered = [m for m in payment_methods(customer, settings.checkout_policy()) if m in WEB_PAYMENTS]
    # Why an invoice is not offered at a pickup (the goods alone) and by each rate ("": it is), as the chat's
    # payment step says it for the way chosen; over at a pickup, it is over every way: not offered at all.
    at_pickup, *by_rate = await _why_no_invoice(
        runtime.uow(), customer, offered, [goods, *(goods + q.price for q in options.quotes)], options.cart.fx_rate
    )
    if at_pickup:
        offered.remove(PaymentMethod.INVOICE)
    return web.json_response(
        {
            "phone": customer.phone or "",
            "addresses": [a.text for a in offered_addresses(customer.addresses)],
            # ``label``: the chat's button for it (staff-set text of any length, shortened)
            "pickup_points": [
                {"id": w.id, "name": w.name, "address": w.address, "label": pickup_label(w.name, w.address)}
                for w in points
            ],
            "shipping": [
                # ``text``: the chat's button for it, its price and arrival day in the reader's words
                {
                    "id": q.rate.id,
                    "label": q.label,
                    "price": money(q.price),
                    "eta": q.eta.isoformat(),
                    "text": shipping_label(q, settings.timezone),
                    "total": money(goods + q.price),  # what the order comes to with it
                    "no_invoice": why,
                }
                for q, why in zip(options.quotes, by_rate, strict=True)
            ],
            "payment": [m.value for m in offered],
            "no_invoice": at_pickup,  # also said while no way is chosen yet: the least the order comes to
            "subtotal": money(options.cart.subtotal),
            # The review's lines, as the chat's says them: each discount, and the total at a pickup (free).
            "discounts": [
                {"label": _discount_label(d), "amount": money(d.amount)}
                for d in (discounts.applied if discounts else ())
                if d.amount.amount
            ],
            "total": money(goods),
            "po_number": customer.is_business,  # a business may give its purchase order's number, as in chat
            # the form stops typing where the order would
            "limits": {"phone": MAX_PHONE, "address": MAX_ADDRESS, "po_number": MAX_REFERENCE},
        }
    )


async def post_checkout(request: web.Request) -> web.Response:
    runtime, customer = runtime_of(request), await customer_of(request)
    settings = runtime.settings
    data = await body(request)
    key, phone, payment = data.get("key"), data.get("phone"), data.get("payment")
    if not isinstance(key, str) or not 8 <= len(key) <= 64 or not key.isascii():
        raise WebProblem(422, _("The app sent something it cannot read: reopen the app."))
    if not isinstance(phone, str) or not phone.strip():
        raise WebProblem(422, _("Please share your phone number or type it with the country code."))
    if payment not in {m.value for m in WEB_PAYMENTS}:
        raise WebProblem(422, _("This payment method is not offered for this order."))
    pickup, address, rate = body_id(data.get("pickup_id")), data.get("address"), body_id(data.get("rate_id"))
    if pickup is not None:
        delivery = Delivery(DeliveryMethod.PICKUP, pickup_warehouse_id=pickup)
        rate = None
    elif isinstance(address, str) and address.strip() and rate is not None:
        delivery = Delivery(DeliveryMethod.COURIER, address=typed(address, MAX_ADDRESS))
    else:
        raise WebProblem(422, _("Choose a pickup point, or give an address and a shipping option."))
    po_number = data.get("po_number", "")
    if not isinstance(po_number, str) or (po_number.strip() and not customer.is_business):
        raise WebProblem(422, _("The app sent something it cannot read: reopen the app."))
    checkout = CheckoutRequest(
        customer_id=customer.id or 0,
        checkout_key=f"web:{customer.id}:{key}",
        phone=typed(phone, MAX_PHONE),
        delivery=delivery,
        shipping_rate_id=rate,
        payment_method=PaymentMethod(payment),
        currency=customer_currency(customer, settings.default_currency),
        fallback_currency=settings.default_currency,
        language=reading_language(),  # a refusal names products in it
        reviewed=_shown_total(data),
        reference=order_reference(po_number),  # too long: refused with the limit, nothing placed
    )
    # Given up by the database (a deadlock's victim): placed again from the start, nothing seen yet.
    try:
        order = await with_fresh_tries(place_order, runtime.uow, runtime.clock, settings.checkout_policy(), checkout)
    except EmptyCart:
        if checkout.reviewed is None:
            raise
        # The page showed goods, gone since: ordered from another tab or the chat (a 409 shows the cart as it is).
        raise WebProblem(
            409,
            _(
                "Your cart is empty now: an order placed in the chat or in another window took it. "
                "Your orders are under 📦 My orders."
            ),
        ) from None
    placed = _order(order.in_language(reading_language()))  # the lines as sold, in the reader's language
    placed["note"] = lowered_shipping(order, checkout.reviewed) or None  # a cheaper delivery taken, as the chat says
    if order.payment_method is PaymentMethod.CARD and order.status.value == "awaiting_payment":
        # Paid in Telegram's own form (WebApp.openInvoice) through the same link staff send.
        links = invoice_links(runtime.bot, runtime.i18n, settings.payment_provider_token)
        link = await payment_link(runtime.uow(), runtime.clock, links, code=order.code, tell_customer=False)
        placed["invoice_link"] = link.url
    return web.json_response(placed, status=201)


async def _why_no_invoice(
    uow: UnitOfWork, customer: Customer, offered: list[PaymentMethod], totals: list[Money], fx_rate: str
) -> list[str]:
    """For each of ``totals``: the line saying why an invoice is not offered for it, as text ("": it is)."""
    if PaymentMethod.INVOICE not in offered:
        return ["" for _ in totals]
    over = await invoices_over_limit(uow, customer, totals, fx_rate)
    return ["" if o is None else no_invoice_said(o, html=False) for o in over]


def _discount_label(applied: AppliedDiscount) -> str:
    return _("Promo code %(code)s") % {"code": applied.code} if applied.code else shorten(applied.label, 80)


def _shown_total(data: dict[str, Any]) -> ShownTotal | None:
    """What the checkout page showed: the goods' total, and the delivery's price and the total with it (a page
    opened before they were sent sends none of them, or only the goods): the order is placed only at them, as the
    chat's review is."""
    goods = _shown(data.get("subtotal"))
    return None if goods is None else ShownTotal(goods, _shown(data.get("shipping")), _shown(data.get("total")))


def _shown(value: object) -> Money | None:
    """An amount the checkout page showed, as ``money()`` wrote it (minor and currency); None: not sent."""
    if value is None:
        return None
    minor = value.get("minor") if isinstance(value, dict) else None
    currency = value.get("currency") if isinstance(value, dict) else None
    if type(minor) is int and isinstance(currency, str) and len(currency) <= 8:
        try:
            return Money(minor, currency)
        except (DomainError, ValueError):
            pass
    raise WebProblem(422, _("The app sent something it cannot read: reopen the app."))


def _order(order: Order) -> dict[str, Any]:
    return {
        "code": order.code,
        "status": order.status.value,
        "total": money(order.total),
        "payment": order.payment_method.value,
        "lines": [{"name": x.name, "quantity": x.quantity, "total": money(x.total)} for x in order.lines],
    }
