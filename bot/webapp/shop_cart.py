"""The storefront's cart: the chat's cart (the same rows, holds and use cases), and "notify me when back in stock"."""

from __future__ import annotations

from typing import Any

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiohttp import web

from bot.runtime import Runtime
from bot.webapp.payloads import body, body_id, money
from bot.webapp.security import WebProblem, customer_of, runtime_of
from domain.cart import Cart, CartLine
from domain.contention import with_fresh_tries
from domain.customers import Customer
from domain.usecases.cart import set_cart_quantity, subscribe_back_in_stock, view_cart
from handlers.catalog import customer_currency, reading_language
from handlers.views.dates import format_day
from handlers.views.rendering import format_money, price_reason

MAX_QUANTITY = 999


async def cart_json(runtime: Runtime, customer: Customer) -> dict[str, Any]:
    cart = await view_cart(
        runtime.uow(),
        runtime.clock,
        customer_id=customer.id or 0,
        currency=customer_currency(customer, runtime.settings.default_currency),
        fallback_currency=runtime.settings.default_currency,
        language=reading_language(),
    )
    return {
        "lines": [
            {
                "product_id": line.product.id,
                "sku": line.product.sku,
                "name": line.product.display_name,  # the variant too, as the chat's cart says it
                "quantity": line.quantity,
                "up": line.terms.up(line.quantity),  # ➕/➖ step through what the price list allows
                "down": line.terms.down(line.quantity),
                "unit_price": money(line.unit_price),
                "total": money(line.total),
                "expired": line.expired,  # no longer held: checkout takes it again if stock allows
                "waiting": _waiting(line, runtime.settings.timezone),
                "each": _each(line),
            }
            for line in cart.lines
        ],
        "hold_note": _hold_note(runtime, cart),
        "subtotal": money(cart.subtotal),
        "currency": cart.currency,
        "withdrawn": list(cart.withdrawn) + list(cart.unpriced),
        # What the chat's cart says of the lines left out of it, in the reader's language.
        "left_out": [_("%(name)s is no longer sold and was left out.") % {"name": n} for n in cart.withdrawn]
        + [
            _("%(name)s is discontinued and can no longer be ordered; it was left out.") % {"name": n}
            for n in cart.discontinued
        ]
        + [
            _("%(name)s has no price in a currency we take at the moment and is left out of your order.") % {"name": n}
            for n in cart.unpriced
        ],
    }


def _waiting(line: CartLine, timezone: str) -> str:
    """What the chat's cart says of a line's part that waits for stock (a backorder, a preorder)."""
    if not line.waiting:
        return ""
    if line.preorder:
        said = ngettext("%(num)d on preorder", "%(num)d on preorder", line.waiting)
    else:
        said = ngettext(
            "%(num)d not in stock: it will wait for the next delivery",
            "%(num)d not in stock: they will wait for the next delivery",
            line.waiting,
        )
    when = (
        _("expected by %(date)s") % {"date": format_day(line.expected, timezone)}
        if line.expected
        else _("date not known yet")
    )
    return f"{said % {'num': line.waiting}}, {when}"


def _each(line: CartLine) -> str:
    """The customer's price list's price and why, as the chat's cart says it."""
    if line.price_rule is None:
        return ""
    return f"{_('%(price)s each') % {'price': format_money(line.unit_price)}} · {price_reason(line.price_rule)}"


def _hold_note(runtime: Runtime, cart: Cart) -> str:
    """What the chat's cart says of its holds, in the reader's language and the shop's time zone."""
    if cart.has_expired_lines:
        return _("Some holds have expired; availability is checked again at checkout.")
    if cart.expires_at is None:
        return ""
    return _("Items are held for you until %(when)s.") % {"when": runtime.dp["renderer"].format_when(cart.expires_at)}


async def get_cart(request: web.Request) -> web.Response:
    customer = await customer_of(request)
    return web.json_response(await cart_json(runtime_of(request), customer))


async def put_cart_line(request: web.Request) -> web.Response:
    runtime, customer = runtime_of(request), await customer_of(request)
    data = await body(request)
    product_id, quantity = body_id(data.get("product_id")), data.get("quantity")
    if product_id is None or type(quantity) is not int or not 0 <= quantity <= MAX_QUANTITY:
        raise WebProblem(
            422,
            _("Quantity must be a whole number from 1 to {maximum}.").format(maximum=MAX_QUANTITY),
        )
    await with_fresh_tries(  # given up by the database (a deadlock's victim): whole again
        set_cart_quantity,
        runtime.uow,
        runtime.clock,
        customer_id=customer.id or 0,
        product_id=product_id,
        quantity=quantity,
        hold_minutes=runtime.settings.hold_minutes,
        language=reading_language(),  # a refusal names the product in it
    )
    return web.json_response(await cart_json(runtime, customer))


async def post_notify(request: web.Request) -> web.Response:
    """The chat card's "Notify me when back in stock": told once in the chat when it is received."""
    runtime, customer = runtime_of(request), await customer_of(request)
    product_id = body_id((await body(request)).get("product_id"))
    if product_id is None:
        raise WebProblem(422, _("Nothing was found."))
    await with_fresh_tries(
        subscribe_back_in_stock,
        runtime.uow,
        runtime.clock,
        customer_id=customer.id or 0,
        product_id=product_id,
        language=reading_language(),
    )
    return web.json_response({"detail": _("We will message you once it is back in stock.")})
