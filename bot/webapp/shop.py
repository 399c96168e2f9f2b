"""The storefront's JSON API (the chat's own use cases behind ``initData``): the catalog, and every route it answers."""

from __future__ import annotations

from typing import Any

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiohttp import web

from bot.webapp.payloads import MAX_SEARCH, money, path_id, query_int
from bot.webapp.security import customer_of, runtime_of
from bot.webapp.shop_cart import get_cart, post_notify, put_cart_line
from bot.webapp.shop_checkout import get_checkout, post_checkout
from bot.webapp.shop_orders import add_order_routes
from domain.catalog import Category
from domain.shop_days import shop_day
from domain.text import typed
from domain.usecases.catalog import browse_category, search_products
from domain.usecases.product_cards import ProductCard, product_card
from handlers.catalog import customer_currency, reading_language
from handlers.views.dates import format_day
from handlers.views.rendering import format_money, price_reason

PAGE_SIZE = 24
MAX_CATEGORIES = 500  # a category tree's level in one answer (chips, not a paged list)


def _card(card: ProductCard, timezone: str) -> dict[str, Any]:
    p = card.product
    return {
        "id": p.id,
        "sku": p.sku,
        "name": p.name,
        "category": p.category,
        "description": p.description,
        "price": money(card.price),
        "lowest": money(card.lowest),  # a list's "from £8.00": its variants on sale are priced differently
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
        "stock_text": _stock_text(card, timezone),
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


def _stock_text(card: ProductCard, timezone: str) -> str:
    """What the chat's card says of the stock (or why it cannot be ordered), in the reader's language."""
    if not card.product.orderable:
        return _("Discontinued: this product can no longer be ordered.")
    if card.price is None:
        return _("Not for sale in %(currency)s at the moment.") % {"currency": card.currency}
    if not card.in_stock and card.backorder is not None and card.can_wait:
        offer = card.backorder
        if offer.preorder and offer.release_date:
            said = _("Preorder: released on %(date)s.") % {"date": format_day(offer.release_date, timezone)}
        else:
            said = _("Out of stock, but you can order it now: it ships when the next delivery arrives.")
        expected = _("Expected by %(date)s.") % {"date": format_day(offer.expected, timezone)} if offer.expected else ""
        return f"{said} {expected}".strip()
    if card.is_low:
        return ngettext("Only %(num)d left", "Only %(num)d left", card.available) % {"num": card.available}
    return _("In stock") if card.in_stock else _("Out of stock")


def _categories(categories: list[Category]) -> list[dict[str, object]]:
    return [{"id": c.id, "name": c.name, "count": c.product_count} for c in categories]


async def get_categories(request: web.Request) -> web.Response:
    """The top of the category tree, or the categories inside ``parent``."""
    runtime, customer = runtime_of(request), await customer_of(request)
    found = await browse_category(
        runtime.uow(),
        category_id=query_int(request, "parent", 0),
        page=0,
        page_size=MAX_CATEGORIES,
        currency=customer_currency(customer, runtime.settings.default_currency),
        fallback_currency=runtime.settings.default_currency,
        language=reading_language(),  # a category's name in the reader's language where translated
    )
    return web.json_response(_categories(found.children))


async def get_products(request: web.Request) -> web.Response:
    runtime, customer = runtime_of(request), await customer_of(request)
    currency, base = customer_currency(customer, runtime.settings.default_currency), runtime.settings.default_currency
    page = query_int(request, "page", 0, high=10_000)
    text = request.query.get("q", "").strip()
    if text:
        results = await search_products(
            runtime.uow(),
            text=typed(text, MAX_SEARCH),
            page=page,
            page_size=PAGE_SIZE,
            currency=currency,
            fallback_currency=base,
            language=reading_language(),  # matched in every language, named in the reader's
            price_group=customer.price_group,  # the customer's price list, as the card is
            today=shop_day(
                runtime.clock.now(), runtime.settings.timezone
            ),  # a sold-out one may be ordered to wait, as on its card
        )
        cards, total, children, page, pages = results.cards, results.total, [], results.page, results.pages
        trail: list[Category] = []
        corrected = results.corrected  # what was searched instead of a mistyped text that found nothing
    else:
        found = await browse_category(
            runtime.uow(),
            category_id=query_int(request, "category"),
            page=page,
            page_size=PAGE_SIZE,
            currency=currency,
            fallback_currency=base,
            language=reading_language(),
            price_group=customer.price_group,
            today=shop_day(runtime.clock.now(), runtime.settings.timezone),
        )
        cards, total, children = found.cards, found.total, found.children  # a category's own categories come first
        page, pages, trail = found.page, found.pages, found.trail  # from the top down to this category
        corrected = ""
    listed = {
        "products": [_card(c, runtime.settings.timezone) for c in cards],
        "children": _categories(children),
        "total": total,
    }
    listed |= {"corrected": corrected} if corrected else {}
    return web.json_response(listed | {"page": page, "pages": pages, "trail": _categories(trail)})


async def get_product(request: web.Request) -> web.Response:
    runtime, customer = runtime_of(request), await customer_of(request)
    asked = path_id(request)
    card = await product_card(
        runtime.uow(),
        product_id=asked,
        currency=customer_currency(customer, runtime.settings.default_currency),
        fallback_currency=runtime.settings.default_currency,
        customer_id=customer.id,
        price_group=customer.price_group,  # the customer's price list, as in the chat
        language=reading_language(),
        today=shop_day(
            runtime.clock.now(), runtime.settings.timezone
        ),  # a sold-out one may be ordered to wait (a backorder, a preorder)
        listed_sibling=True,  # a variant hidden since its option was shown: what is sold of it, said (as in chat)
    )
    shown = _card(card, runtime.settings.timezone)
    if card.product.id != asked:
        shown["notice"] = _("That option is no longer sold; the card shows what is.")
    return web.json_response(shown)


def add_shop_routes(app: web.Application) -> None:
    app.router.add_get("/api/shop/categories", get_categories)
    app.router.add_get("/api/shop/products", get_products)
    app.router.add_get("/api/shop/products/{id}", get_product)
    app.router.add_get("/api/shop/cart", get_cart)
    app.router.add_post("/api/shop/cart", put_cart_line)
    app.router.add_post("/api/shop/notify", post_notify)
    app.router.add_get("/api/shop/checkout", get_checkout)
    app.router.add_post("/api/shop/checkout", post_checkout)
    add_order_routes(app)
