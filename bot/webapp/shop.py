"""The storefront's JSON API: the chat's own use cases (catalog, cart, checkout) behind ``initData``."""

from __future__ import annotations

import json
from typing import Any

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiohttp import web

from bot.runtime import Runtime
from bot.webapp.security import RUNTIME, WebProblem, use_language, viewer
from domain.cart import Cart, CartLine
from domain.catalog import Category
from domain.customers import Customer
from domain.money import Money
from domain.orders import Delivery, DeliveryMethod, Order, PaymentMethod
from domain.text import MAX_ADDRESS, typed
from domain.usecases.cart import set_cart_quantity, subscribe_back_in_stock, view_cart
from domain.usecases.catalog import ProductCard, browse_category, product_card, search_products
from domain.usecases.checkout import (
    CheckoutRequest,
    payment_methods,
    pickup_points,
    place_order,
    shipping_options,
)
from domain.usecases.customers import ensure_customer, known_customer
from domain.usecases.paylinks import payment_link
from handlers.catalog import customer_currency, reading_language
from handlers.paylinks import invoice_links
from handlers.views.rendering import format_day, format_money, price_reason

MAX_BODY = 16 * 1024
# What the storefront can take: the customer's own methods among these (``payment_methods``:
# an invoice only for a business customer, within its credit limit, as in chat).
WEB_PAYMENTS = frozenset({PaymentMethod.COD, PaymentMethod.CARD, PaymentMethod.INVOICE})
PAGE_SIZE = 24
MAX_CATEGORIES = 500  # a category tree's level in one answer (chips, not a paged list)
MAX_QUANTITY = 999
MAX_PHONE = 32  # a phone number as typed, spaces and dashes included


def _runtime(request: web.Request) -> Runtime:
    return request.app[RUNTIME]


async def customer_of(request: web.Request) -> Customer:
    """The customer behind the validated user (registered on first sight, as /start does);
    the request then speaks their language."""
    runtime, who = _runtime(request), viewer(request)
    if who.via != "initdata":  # a browser session says only who: Telegram's last word on them stands
        customer = await known_customer(runtime.uow(), runtime.clock, telegram_id=who.telegram_id)
        use_language(runtime, customer.language, customer.telegram_language or "")
        return customer
    customer = await ensure_customer(
        runtime.uow(),
        runtime.clock,
        telegram_id=who.telegram_id,
        first_name=who.first_name or str(who.telegram_id),
        last_name=who.last_name or None,
        username=who.username or None,
        language_code=who.language_code or None,
    )
    use_language(runtime, customer.language, who.language_code)
    return customer


def money(value: Money | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {"minor": value.amount, "currency": value.currency, "text": format_money(value)}


def _card(card: ProductCard) -> dict[str, Any]:
    p = card.product
    return {
        "id": p.id,
        "sku": p.sku,
        "name": p.name,
        "category": p.category,
        "description": p.description,
        "price": money(card.price),
        # What the chat's card says of the customer's price list: the price it replaces, why,
        # what bigger quantities pay, and the minimum and packs "Add to cart" steps by.
        "was": money(card.base_price)
        if card.base_price and card.price and card.base_price.amount > card.price.amount
        else None,
        "price_reason": price_reason(card.price_rule) if card.price_rule else "",
        "breaks": [f"{price_reason(b.rule)}: {format_money(b.unit)}" for b in card.breaks if b.rule],
        "terms": _terms(card),
        "available": max(card.available, 0),
        "can_add": card.can_add,  # what the chat's card offers (``ProductCard``)
        "can_notify": card.can_notify,
        # What adding does when none is in stock, named as the chat's button names it.
        "waits": None
        if card.in_stock or card.backorder is None or not card.can_wait
        else "preorder"
        if card.backorder.preorder
        else "backorder",
        "in_cart": card.in_cart,
        "next": card.terms.up(card.in_cart),  # what "Add to cart" asks for: the price list's minimum, then packs
        "photo": f"/app/photo/{p.id}" if p.photo_file_id else None,
        "variant": p.variant_label,
        "stock_text": _stock_text(card),
        # The chat card's option buttons: only combinations that exist, each opening its variant.
        "options": [
            {
                "name": row.name,
                "choices": [
                    {"value": c.value, "product_id": c.product_id, "chosen": c.chosen, "sold_out": c.sold_out}
                    for c in row.choices
                ],
            }
            for row in card.options
        ],
    }


def _terms(card: ProductCard) -> str:
    """The price list's minimum order and packs, as the chat's card says them."""
    if card.price is None:
        return ""
    said = [_("Minimum order: %(count)s.") % {"count": card.terms.first}] if card.terms.minimum > 1 else []
    if card.terms.pack > 1:
        said.append(_("Sold in packs of %(count)s.") % {"count": card.terms.pack})
    return " ".join(["📦", *said]) if said else ""


def _stock_text(card: ProductCard) -> str:
    """What the chat's card says of the stock (or why it cannot be ordered), in the reader's language."""
    if not card.product.orderable:
        return _("Discontinued: this product can no longer be ordered.")
    if card.price is None:
        return _("Not for sale in %(currency)s at the moment.") % {"currency": card.currency}
    if not card.in_stock and card.backorder is not None and card.can_wait:
        offer = card.backorder
        if offer.preorder and offer.release_date:
            said = _("Preorder: released on %(date)s.") % {"date": format_day(offer.release_date)}
        else:
            said = _("Out of stock, but you can order it now: it ships when the next delivery arrives.")
        expected = _("Expected by %(date)s.") % {"date": format_day(offer.expected)} if offer.expected else ""
        return f"{said} {expected}".strip()
    if card.is_low:
        return ngettext("Only %(num)d left", "Only %(num)d left", card.available) % {"num": card.available}
    return _("In stock") if card.in_stock else _("Out of stock")


def _int(request: web.Request, name: str, default: int | None = None, *, low: int = 0, high: int = 10**9) -> int:
    raw = request.query.get(name)
    if raw is None and default is not None:
        return default
    if raw is None or not raw.isdigit() or not low <= int(raw) <= high:
        raise WebProblem(422, "Invalid request", _("“{field}” must be a whole number.").format(field=name))
    return int(raw)


async def body(request: web.Request) -> dict[str, Any]:
    if request.content_type != "application/json":
        raise WebProblem(415, "Unsupported Media Type", _("The app sent something it cannot read: reopen the app."))
    raw = await request.content.read(MAX_BODY + 1)
    if len(raw) > MAX_BODY:
        raise WebProblem(413, "Too large", _("That is too long to send: shorten what you typed."))
    try:
        parsed = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise WebProblem(400, "Malformed JSON", _("The app sent something it cannot read: reopen the app.")) from None
    if not isinstance(parsed, dict):
        raise WebProblem(400, "Malformed JSON", _("The app sent something it cannot read: reopen the app."))
    return parsed


# ---- catalog ----


def _categories(categories: list[Category]) -> list[dict[str, object]]:
    return [{"id": c.id, "name": c.name, "count": c.product_count} for c in categories]


async def get_categories(request: web.Request) -> web.Response:
    """The top of the category tree, or the categories inside ``parent``."""
    runtime, customer = _runtime(request), await customer_of(request)
    found = await browse_category(
        runtime.uow(),
        category_id=_int(request, "parent", 0),
        page=0,
        page_size=MAX_CATEGORIES,
        currency=customer_currency(customer, runtime.settings.default_currency),
        fallback_currency=runtime.settings.default_currency,
    )
    return web.json_response(_categories(found.children))


async def get_products(request: web.Request) -> web.Response:
    runtime, customer = _runtime(request), await customer_of(request)
    currency, base = customer_currency(customer, runtime.settings.default_currency), runtime.settings.default_currency
    page = _int(request, "page", 0, high=10_000)
    text = request.query.get("q", "").strip()
    if text:
        results = await search_products(
            runtime.uow(),
            text=typed(text, 64),
            page=page,
            page_size=PAGE_SIZE,
            currency=currency,
            fallback_currency=base,
            language=reading_language(),  # matched in every language, named in the reader's
            price_group=customer.price_group,  # the customer's price list, as the card is
            today=runtime.clock.now().date(),  # a sold-out one may be ordered to wait, as on its card
        )
        cards, total, children, page, pages = results.cards, results.total, [], results.page, results.pages
        trail: list[Category] = []
    else:
        found = await browse_category(
            runtime.uow(),
            category_id=_int(request, "category"),
            page=page,
            page_size=PAGE_SIZE,
            currency=currency,
            fallback_currency=base,
            language=reading_language(),
            price_group=customer.price_group,
            today=runtime.clock.now().date(),
        )
        cards, total, children = found.cards, found.total, found.children  # a category's own categories come first
        page, pages, trail = found.page, found.pages, found.trail  # from the top down to this category
    listed = {"products": [_card(c) for c in cards], "children": _categories(children), "total": total}
    return web.json_response(listed | {"page": page, "pages": pages, "trail": _categories(trail)})


async def get_product(request: web.Request) -> web.Response:
    runtime, customer = _runtime(request), await customer_of(request)
    asked = path_id(request)
    card = await product_card(
        runtime.uow(),
        product_id=asked,
        currency=customer_currency(customer, runtime.settings.default_currency),
        fallback_currency=runtime.settings.default_currency,
        customer_id=customer.id,
        price_group=customer.price_group,  # the customer's price list, as in the chat
        language=reading_language(),
        today=runtime.clock.now().date(),  # a sold-out one may be ordered to wait (a backorder, a preorder)
        listed_sibling=True,  # a variant hidden since its option was shown: what is sold of it, said (as in chat)
    )
    shown = _card(card)
    if card.product.id != asked:
        shown["notice"] = _("That option is no longer sold; the card shows what is.")
    return web.json_response(shown)


def path_id(request: web.Request) -> int:
    raw = request.match_info.get("id", "")
    if not raw.isdigit() or len(raw) > 12:
        raise WebProblem(404, "Not found", _("Nothing was found."))
    return int(raw)


# ---- cart (the chat's cart: the same rows, holds and use cases) ----


async def _cart_json(runtime: Runtime, customer: Customer) -> dict[str, Any]:
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
                "waiting": _waiting(line),
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


def _waiting(line: CartLine) -> str:
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
    when = _("expected by %(date)s") % {"date": format_day(line.expected)} if line.expected else _("date not known yet")
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
    return web.json_response(await _cart_json(_runtime(request), customer))


async def put_cart_line(request: web.Request) -> web.Response:
    runtime, customer = _runtime(request), await customer_of(request)
    data = await body(request)
    product_id, quantity = data.get("product_id"), data.get("quantity")
    if type(product_id) is not int or type(quantity) is not int or not 0 <= quantity <= MAX_QUANTITY:
        raise WebProblem(
            422,
            "Invalid request",
            _("Quantity must be a whole number from 1 to {maximum}.").format(maximum=MAX_QUANTITY),
        )
    await set_cart_quantity(
        runtime.uow(),
        runtime.clock,
        customer_id=customer.id or 0,
        product_id=product_id,
        quantity=quantity,
        hold_minutes=runtime.settings.hold_minutes,
        language=reading_language(),  # a refusal names the product in it
    )
    return web.json_response(await _cart_json(runtime, customer))


async def post_notify(request: web.Request) -> web.Response:
    """The chat card's "Notify me when back in stock": told once in the chat when it is received."""
    runtime, customer = _runtime(request), await customer_of(request)
    product_id = (await body(request)).get("product_id")
    if type(product_id) is not int:
        raise WebProblem(422, "Invalid request", _("Nothing was found."))
    await subscribe_back_in_stock(
        runtime.uow(), runtime.clock, customer_id=customer.id or 0, product_id=product_id, language=reading_language()
    )
    return web.json_response({"detail": _("We will message you once it is back in stock.")})


# ---- checkout (cash on delivery or card; the order and its messages are the chat's) ----


async def get_checkout(request: web.Request) -> web.Response:
    runtime, customer = _runtime(request), await customer_of(request)
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
    )
    points = await pickup_points(runtime.uow())
    offered = [m.value for m in payment_methods(customer, settings.checkout_policy()) if m in WEB_PAYMENTS]
    return web.json_response(
        {
            "phone": customer.phone or "",
            "addresses": [a.text for a in customer.addresses][-5:],
            "pickup_points": [{"id": w.id, "name": w.name, "address": w.address} for w in points],
            "shipping": [
                {"id": q.rate.id, "label": q.label, "price": money(q.price), "eta": q.eta.isoformat()}
                for q in options.quotes
            ],
            "payment": offered,
            "subtotal": money(options.cart.subtotal),
            "limits": {"phone": MAX_PHONE, "address": MAX_ADDRESS},  # the form stops typing where the order would
        }
    )


async def post_checkout(request: web.Request) -> web.Response:
    runtime, customer = _runtime(request), await customer_of(request)
    settings = runtime.settings
    data = await body(request)
    key, phone, payment = data.get("key"), data.get("phone"), data.get("payment")
    if not isinstance(key, str) or not 8 <= len(key) <= 64 or not key.isascii():
        raise WebProblem(422, "Invalid request", _("The app sent something it cannot read: reopen the app."))
    if not isinstance(phone, str) or not phone.strip():
        raise WebProblem(422, "Invalid request", _("Please share your phone number or type it with the country code."))
    if payment not in {m.value for m in WEB_PAYMENTS}:
        raise WebProblem(422, "Invalid request", _("This payment method is not offered for this order."))
    pickup, address, rate = data.get("pickup_id"), data.get("address"), data.get("rate_id")
    if type(pickup) is int:
        delivery = Delivery(DeliveryMethod.PICKUP, pickup_warehouse_id=pickup)
        rate = None
    elif isinstance(address, str) and address.strip() and type(rate) is int:
        delivery = Delivery(DeliveryMethod.COURIER, address=typed(address, MAX_ADDRESS))
    else:
        raise WebProblem(422, "Invalid request", _("Choose a pickup point, or give an address and a shipping option."))
    order = await place_order(
        runtime.uow(),
        runtime.clock,
        settings.checkout_policy(),
        CheckoutRequest(
            customer_id=customer.id or 0,
            checkout_key=f"web:{customer.id}:{key}",
            phone=typed(phone, MAX_PHONE),
            delivery=delivery,
            shipping_rate_id=rate,
            payment_method=PaymentMethod(payment),
            currency=customer_currency(customer, settings.default_currency),
            fallback_currency=settings.default_currency,
            language=reading_language(),  # a refusal names products in it
        ),
    )
    placed = _order(order.in_language(reading_language()))  # the lines as sold, in the reader's language
    if order.payment_method is PaymentMethod.CARD and order.status.value == "awaiting_payment":
        # Paid in Telegram's own form (WebApp.openInvoice) through the same link staff send.
        links = invoice_links(runtime.bot, runtime.i18n, settings.payment_provider_token)
        link = await payment_link(runtime.uow(), runtime.clock, links, code=order.code, tell_customer=False)
        placed["invoice_link"] = link.url
    return web.json_response(placed, status=201)


def _order(order: Order) -> dict[str, Any]:
    return {
        "code": order.code,
        "status": order.status.value,
        "total": money(order.total),
        "payment": order.payment_method.value,
        "lines": [{"name": x.name, "quantity": x.quantity, "total": money(x.total)} for x in order.lines],
    }


def add_shop_routes(app: web.Application) -> None:
    app.router.add_get("/api/shop/categories", get_categories)
    app.router.add_get("/api/shop/products", get_products)
    app.router.add_get("/api/shop/products/{id}", get_product)
    app.router.add_get("/api/shop/cart", get_cart)
    app.router.add_post("/api/shop/cart", put_cart_line)
    app.router.add_post("/api/shop/notify", post_notify)
    app.router.add_get("/api/shop/checkout", get_checkout)
    app.router.add_post("/api/shop/checkout", post_checkout)
