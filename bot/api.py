"""The HTTP intake API (``/api/v1``): orders from other channels, stock, receipts and carrier
tracking callbacks. It parses and validates a request, calls one use case, and answers JSON;
every error is an RFC 9457 problem document naming the field, never a 500 for bad input.

Requests are authenticated with a channel's API key (``Authorization: Bearer og_…`` or
``X-API-Key``); see ``ordergram apikey``. Each endpoint needs one scope of the key
(``ENDPOINTS``): without it, ``403`` naming the scope, before the body is read."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.api_context import CLOCK, FAILURES, LINKS, PROXIES, RATES, SESSIONS, SETTINGS, Handler, request_key
from bot.api_limits import KeyRates
from bot.api_lockout import FailedKeys
from bot.api_middleware import api_key_auth, problems
from bot.api_openapi import PREFIX, openapi_document
from bot.api_orders import get_order, get_orders, post_cancel, post_order, post_orders_batch
from bot.api_query import only_documented, query_names
from bot.api_shipments import post_shipment_event
from bot.api_stock import get_stock, get_stock_levels, post_receipt
from bot.client_address import trusted_networks
from bot.config import Settings
from domain.apikeys import Scope
from domain.ports import Clock
from domain.ports.payments import InvoiceLinks

MAX_BODY = 256 * 1024


async def get_openapi(request: web.Request) -> web.Response:
    return web.json_response(openapi_document({(method, path): scope for method, path, _, scope in ENDPOINTS}))


# Every endpoint, with the scope a key needs for it: the routes, the scope check and the
# OpenAPI document all come from here.
ENDPOINTS: tuple[tuple[str, str, Handler, Scope], ...] = (
    ("POST", f"{PREFIX}/orders", post_order, Scope.ORDERS),
    ("POST", f"{PREFIX}/orders/batch", post_orders_batch, Scope.ORDERS),
    ("GET", f"{PREFIX}/orders", get_orders, Scope.ORDERS),
    ("GET", f"{PREFIX}/orders/{{code}}", get_order, Scope.ORDERS),
    ("POST", f"{PREFIX}/orders/{{code}}/cancel", post_cancel, Scope.ORDERS),
    ("GET", f"{PREFIX}/stock", get_stock, Scope.STOCK_READ),
    ("GET", f"{PREFIX}/stock/levels", get_stock_levels, Scope.STOCK_READ),
    ("POST", f"{PREFIX}/stock/receipts", post_receipt, Scope.RECEIPTS),
    ("POST", f"{PREFIX}/shipments/{{tracking}}/events", post_shipment_event, Scope.CARRIER),
)


def _scoped(handler: Handler, scope: Scope, query: tuple[str, ...] | None) -> Handler:
    """``handler`` for a key with ``scope``; ``query``: the names a GET's query may have (the document's)."""

    async def checked(request: web.Request) -> web.StreamResponse:
        request_key(request).require(scope)  # before the body is read: a key without the scope learns nothing
        if query is not None:
            only_documented(request, query)
        return await handler(request)

    return checked


def add_api(
    app: web.Application, sessions: Any, settings: Settings, clock: Clock, links: InvoiceLinks | None = None
) -> None:
    """Mount the API on an aiohttp application (the webhook server's, or its own); ``links``
    makes Telegram payment links (``payment: "link"``)."""
    app[SESSIONS], app[SETTINGS], app[CLOCK] = sessions, settings, clock
    if links is not None:
        app[LINKS] = links
    bot_id = settings.bot_token.partition(":")[0] or "0"  # shops sharing a Redis count apart
    if settings.api_rate_limit != "0":
        app[RATES] = KeyRates(settings.api_rate_limit, redis_url=settings.redis_url, namespace=f"ordergram:{bot_id}")
    if settings.api_auth_failure_limit != "0":
        app[FAILURES] = FailedKeys(
            settings.api_auth_failure_limit, redis_url=settings.redis_url, namespace=f"ordergram:{bot_id}"
        )
    app[PROXIES] = trusted_networks(settings.trusted_proxies)
    app.middlewares.extend([problems, api_key_auth])
    app.router.add_get(f"{PREFIX}/openapi.json", get_openapi)
    document = openapi_document({(method, path): scope for method, path, _, scope in ENDPOINTS})
    for method, path, handler, scope in ENDPOINTS:
        app.router.add_route(method, path, _scoped(handler, scope, query_names(document, method, path)))


def make_api_app(sessions: Any, settings: Settings, clock: Clock, links: InvoiceLinks | None = None) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY)
    add_api(app, sessions, settings, clock, links)
    return app
