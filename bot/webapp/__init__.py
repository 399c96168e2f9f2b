"""The Mini App (storefront and staff dashboard), served by ``ordergram serve`` under ``/app``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from typing import Any

from aiogram.utils.i18n import gettext as _
from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.runtime import Runtime
from bot.webapp.board import FEED, SIGNER, add_board_routes
from bot.webapp.catalog_admin import add_catalog_routes
from bot.webapp.events import ChangeFeed
from bot.webapp.payloads import MAX_SEARCH
from bot.webapp.photos import add_photo_routes
from bot.webapp.security import CSRF_HEADER, RENDER, RUNTIME, Signer, customer_of, make_middlewares, viewer
from bot.webapp.shop import add_shop_routes
from domain.i18n import N_
from domain.staff import Permission, can
from domain.usecases.staff import staff_member
from handlers.catalog import customer_currency
from handlers.miniapp import shop_button
from storage.db import on_commit

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
PREFIX = "/app"

# What the pages' scripts show, translated for the reader by /app/api/me.
STRINGS = {
    "shop": N_("Shop"),
    "categories": N_("Categories"),
    "search": N_("Search products"),
    "cart": N_("Cart"),
    # What a screen reader says of the buttons that show only a symbol ("🛒 2", "›", "−", "+", "XL ✖").
    "cart_button": N_("Cart, items: {n}"),
    "details": N_("Details: {name}"),
    "fewer": N_("Fewer: {name}"),
    "more_of": N_("More: {name}"),
    "sold_out_choice": N_("{value} — out of stock"),
    "empty_cart": N_("Your cart is empty."),
    "add": N_("Add to cart"),
    "preorder": N_("🗓 Preorder"),  # a sold-out product's "Add to cart", as the chat's card says it
    "backorder": N_("🛒 Order now, ships when it arrives"),
    "choose": N_("Choose options"),
    "more": N_("Show more"),
    "not_found": N_("Nothing found for “{text}”. Try another word, a SKU or a barcode."),
    "corrected": N_("No results for “{text}”. Showing results for “{corrected}”."),  # a mistyped search
    "empty_category": N_("Nothing here for now."),
    "in_cart": N_("In cart: {n}"),
    "out_of_stock": N_("Out of stock"),
    "notify": N_("🔔 Notify me when back in stock"),
    "checkout": N_("Checkout"),
    "phone": N_("Phone"),
    # How the order comes: chosen, as in chat, between its two ways, each with what it costs.
    "delivery": N_("How would you like to get your order?"),
    "by_courier": N_("🚚 Courier delivery"),
    "at_pickup": N_("🏬 Pick up at a store"),
    "from_price": N_("from {price}"),
    "free": N_("free"),
    "no_courier": N_("no carrier delivers this cart"),
    "no_pickup": N_("no pickup points yet"),
    "delivery_cost": N_("Delivery: {price}"),
    "choose_delivery": N_("Choose courier delivery or pickup at a store."),
    # What the checkout still needs, said under its field (the browser's bubble spoke its own language).
    "type_phone": N_("Type your phone number with the country code."),
    "type_address": N_("Type the address to deliver to."),
    "choose_rate": N_("Choose a shipping option."),
    "choose_pickup": N_("Choose a pickup point."),
    "pay_how": N_("How would you like to pay?"),
    "choose_payment": N_("Choose how you would like to pay."),
    "cod_pickup": N_("Pay at pickup"),
    "pickup": N_("Pickup at"),
    "courier": N_("Courier to this address"),
    "shipping": N_("Shipping"),
    "cod": N_("Cash on delivery"),
    "card": N_("Card, paid in Telegram"),
    "invoice": N_("Invoice, on your business account's terms"),
    "po_number": N_("Your PO number"),
    "paid": N_("Order {code} is paid ✅ The confirmation is in the chat."),
    # Telegram's payment form closed unpaid: 💳 Pay is on the order's screen, a tap under this.
    "unpaid": N_(
        "Order {code} is placed and waits for payment: pay it with 💳 Pay on its screen (📦 Track this order)."
    ),
    "place_order": N_("Place order"),
    "placed": N_("Order {code} placed ✅ The confirmation is in the chat."),
    "shop_on": N_("Continue shopping"),
    # "My orders" (📦 beside the cart) and an order's screen: the chat's /orders and /track.
    "my_orders": N_("📦 My orders"),
    "no_orders": N_("You have no orders yet."),
    "track_order": N_("📦 Track this order"),
    "order_code": N_("Order {code}"),
    "delivery_title": N_("Delivery"),
    "payment_title": N_("Payment"),
    "parcels": N_("Parcels"),
    "track_parcel": N_("Track the parcel"),
    "returns": N_("Returns"),
    "po_add": N_("🧾 Add your PO number"),
    "po_change": N_("🧾 Change your PO number"),
    "po_hint": N_("Invoices and packing slips printed from now on carry it; leave it empty to remove it."),
    "save": N_("Save"),
    # The order screen's actions: the chat's buttons for it, by the same use cases.
    "actions": N_("What you can do"),
    "pay": N_("💳 Pay"),
    "cancel_order": N_("✖ Cancel order"),
    "cancel_ask": N_("Cancel order {code}? Its goods go back on sale."),
    "cancel_yes": N_("Yes, cancel it"),
    "cancel_no": N_("No, keep it"),
    "return": N_("↩️ Return"),
    "exchange": N_("🔁 Exchange"),
    "return_hint": N_("A return is arranged in the chat: it opens at the first step."),
    "receipt": N_("🧾 Receipt (PDF)"),
    "buy_again": N_("🛒 Buy again"),
    "pay_difference": N_("💳 Pay the difference"),
    "contact": N_("💬 Contact us"),
    "contact_hint": N_("A conversation with the shop is held in the chat: it opens there, about this order."),
    "tax_numbers": N_("Tax numbers"),
    "subtotal": N_("Subtotal"),
    "total": N_("Total"),
    "dashboard": N_("Dashboard"),
    "catalog": N_("Catalog"),  # the dashboard's link to the catalog admin
    "by_status": N_("Orders by status"),
    "today": N_("Today"),
    "last_week": N_("Same day last week"),
    "orders": N_("Orders"),
    "revenue": N_("Revenue"),
    "refunds_owed": N_("Refunds owed on these orders"),  # the dashboard's today, as /report says it
    "uncollected": N_("Cash not collected on these orders"),
    "net": N_("net"),
    "late": N_("Late or on hold"),
    "low_stock": N_("Low stock"),
    "open_returns": N_("Open returns"),
    "unsent": N_("Unsent notifications"),
    "live": N_("Live"),
    "late_only": N_("Late"),
    "on_hold": N_("On hold"),
    "picking": N_("Picking per warehouse"),
    "stage_allocated": N_("To pick"),
    "stage_picking": N_("Picking"),
    "stage_picked": N_("To pack"),
    "stage_packed": N_("Packed"),
    "by_hour": N_("Orders and revenue by hour, today"),
    "nothing": N_("Nothing here right now."),
    "order": N_("Order"),
    "status": N_("Status"),
    "due": N_("Due"),
    "placed_at": N_("Placed"),
    "warehouse": N_("Warehouse"),
    "units": N_("Units"),
    "sku": N_("SKU"),
    "product": N_("Product"),
    "available_reorder": N_("Available / reorder point"),
    "on_order": N_("On order"),
    "rma": N_("Return"),
    "kind": N_("Kind"),
    "template": N_("Message"),
    "written": N_("Written"),
    "attempts": N_("Attempts"),
    "last_error": N_("Last error"),
    "bin": N_("Bin"),
    "picked": N_("Picked"),
    "timeline": N_("Timeline"),
    "available": N_("available"),
    "on_hand": N_("on hand"),
    "reserved": N_("reserved"),
    "quantity": N_("Quantity"),
    "hour": N_("Hour"),
    "error": N_("Something went wrong. Reopen the app."),
    "offline": N_("No connection. Check your network and try again."),  # a request that never reached the shop
    "not_signed_in": N_("Open this page from Telegram, or sign in with /dashboard in the chat."),
    "sign_out": N_("Sign out"),
    "signed_out": N_("You are signed out. Send /dashboard in the chat to sign in again."),
}


def page_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(_, lambda s, p, n: _(s, p, n), newstyle=True)  # type: ignore[attr-defined]
    return env


async def get_me(request: web.Request) -> web.Response:
    """Who is asking, their language and currency as in the chat, the page's words in that
    language, and (for a browser session) the CSRF token its changes must carry."""
    runtime: Runtime = request.app[RUNTIME]
    who = viewer(request)
    customer = await customer_of(request)
    member = await staff_member(runtime.uow(), who.telegram_id)
    body: dict[str, Any] = {
        "id": who.telegram_id,
        "language": runtime.i18n.current_locale,
        "currency": customer_currency(customer, runtime.settings.default_currency),
        "staff": member.role.value if member else None,
        "catalog_admin": can(member, Permission.MANAGE_CATALOG),  # the dashboard links to /app/catalog
        "strings": {name: _(text) for name, text in STRINGS.items()},
    }
    if who.via == "cookie":
        body["csrf"] = request.app[SIGNER].csrf(who.session)
        body["csrf_header"] = CSRF_HEADER
    return web.json_response(body)


def make_webapp(runtime: Runtime, feed: ChangeFeed) -> web.Application:
    signer = Signer(runtime.settings.bot_token, runtime.clock)
    app = web.Application(middlewares=make_middlewares(runtime, signer))
    app[RUNTIME], app[FEED], app[SIGNER] = runtime, feed, signer
    env = page_environment()

    def render(name: str, **values: Any) -> web.Response:
        # The page's language (the browser's, as its words are) said before any script runs.
        values.setdefault("lang", runtime.i18n.current_locale)
        return web.Response(text=env.get_template(name).render(**values), content_type="text/html")

    app[RENDER] = render

    async def shop_page(request: web.Request) -> web.Response:
        return render("shop.html.j2", search_limit=MAX_SEARCH)

    async def dashboard_page(request: web.Request) -> web.Response:
        return render("dashboard.html.j2")

    app.router.add_get("/shop", shop_page)
    app.router.add_get("/dashboard", dashboard_page)
    app.router.add_get("/api/me", get_me)
    add_shop_routes(app)
    add_photo_routes(app)
    add_board_routes(app)
    add_catalog_routes(app)
    app.router.add_static("/static", HERE / "static", append_version=False)
    return app


def add_webapp(app: web.Application, runtime: Runtime) -> ChangeFeed:
    """Mount the Mini App on serve's server; every commit from now on tells the dashboard."""
    redis = getattr(runtime.dp.storage, "redis", None)  # with REDIS_URL: changes cross processes
    feed = ChangeFeed(redis)
    on_commit(runtime.sessions, feed.committed)
    app.add_subapp(PREFIX, make_webapp(runtime, feed))
    listener: list[asyncio.Task[None]] = []

    async def start(_: web.Application) -> None:
        listener.append(asyncio.create_task(feed.listen()))

    async def stop(_: web.Application) -> None:
        for task in listener:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app.on_startup.append(start)
    app.on_cleanup.append(stop)
    return feed


async def set_menu_button(runtime: Runtime) -> None:
    """With ``WEBAPP_URL``, the chat's menu button opens the storefront."""
    url = runtime.settings.webapp_url
    if not url:
        return
    i18n = runtime.i18n
    with i18n.use_locale(i18n.default_locale), i18n.context():
        button = shop_button(url)  # every chat's; readers of other languages get their own (handlers.miniapp)
    await runtime.bot.set_chat_menu_button(menu_button=button)
    log.info("menu button opens the Mini App at %s%s/shop", url, PREFIX)
