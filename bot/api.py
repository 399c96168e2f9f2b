"""The HTTP intake API (``/api/v1``): orders from other channels, stock, receipts and carrier
tracking callbacks. It parses and validates a request, calls one use case, and answers JSON;
every error is an RFC 9457 problem document naming the field, never a 500 for bad input.

Requests are authenticated with a channel's API key (``Authorization: Bearer og_…`` or
``X-API-Key``); see ``ordergram apikey``. Each endpoint needs one scope of the key
(``ENDPOINTS``): without it, ``403`` naming the scope, before the body is read."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.api_batch import MAX_BATCH_BODY, batch_entries, place_batch
from bot.api_body import digest, idempotency_key, read_json, validated
from bot.api_feed_tokens import feed_point, feed_token
from bot.api_limits import KeyRates
from bot.api_lockout import FailedKeys
from bot.api_models import (
    MAX_BATCH,
    BatchEntryIn,
    LineOut,
    OrderIn,
    OrderOut,
    ParcelLineOut,
    ParcelOut,
    ReceiptIn,
    ReceiptOut,
    ShipmentEventIn,
    ShipmentEventOut,
    StepOut,
    StockOut,
    StockPageOut,
    WaitingOut,
    WarehouseStockOut,
    payment_out,
)
from bot.api_openapi import PREFIX, openapi_document
from bot.api_problems import INVALID, ApiProblem, domain_problem, not_found, problem_response, query_problem
from bot.api_query import list_query, only_documented, page_query, query_names
from bot.client_address import Network, client_address, trusted_networks
from bot.config import Settings
from bot.logs import quoted
from domain.apikeys import ApiKey, Scope
from domain.backorders import BACKORDER_FLAG
from domain.catalog import ProductStatus
from domain.contention import with_fresh_tries
from domain.errors import DomainError, NotFound
from domain.money import Money
from domain.orders import Order
from domain.ports import Clock
from domain.ports.payments import InvoiceLinks
from domain.stock import StockLevel
from domain.usecases.api_keys import authenticate
from domain.usecases.dispatch import CarrierEvent
from domain.usecases.intake import place_api_order
from domain.usecases.intake_orders import (
    api_order,
    api_orders,
    api_original,
    api_parcels,
    api_still_to_pay,
    api_waiting,
    cancel_api_order,
)
from domain.usecases.intake_request import ApiCustomer, ApiOrderRequest, PaymentState
from domain.usecases.intake_stock import (
    MAX_STOCK_SKUS,
    READ_AGAIN,
    api_carrier_event,
    api_receipt,
    api_stock,
    api_stock_changes,
    api_stock_feed,
)
from domain.usecases.paylinks import CardPaymentsOff, NothingToPay, payment_link
from domain.usecases.payments import payable
from domain.usecases.shop import order_tax_numbers
from storage.uow import SqlUnitOfWork

log = logging.getLogger(__name__)

MAX_BODY = 256 * 1024
KEY = web.RequestKey("api_key", ApiKey)  # the authenticated key, on the request

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def problems(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every failure as a problem document: ours, aiohttp's (404, 405, 413) and, should a
    bug slip through, the unexpected (logged, answered 500 without internals)."""
    try:
        return await handler(request)
    except ApiProblem as p:
        return problem_response(p)
    except DomainError as error:
        return problem_response(domain_problem(error))
    except web.HTTPException as http:
        if http.status < 400:
            raise
        if http.status == 404:  # no such path: the title an order not found has, one 404 for a client to match
            detail = f"path: nothing is at {request.path}; the operations are listed in {PREFIX}/openapi.json"
            return problem_response(ApiProblem(404, "Not found", detail, field="path"))
        if http.status == 405 and "Allow" in http.headers:  # a 405 must say what the path takes (RFC 9110)
            allow = http.headers["Allow"]
            detail = f"{request.method} is not allowed on {request.path}; it takes {allow.replace(',', ', ')}."
            return problem_response(ApiProblem(405, http.reason or "Method Not Allowed", detail), {"Allow": allow})
        if http.status == 413:  # named as a body that is not JSON is ("body"), the limit in the detail
            detail = f"body: {http.text or 'too large'}."
            return problem_response(ApiProblem(413, "Body too large", detail, field="body"))
        return problem_response(ApiProblem(http.status, http.reason or "Error", http.text or http.reason or ""))
    except Exception:
        log.exception("API request failed: %s %s", request.method, quoted(request.path))
        return problem_response(ApiProblem(500, "Internal error", "The request could not be completed."))


@web.middleware
async def api_key_auth(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path == f"{PREFIX}/openapi.json" or not request.path.startswith(PREFIX):
        return await handler(request)
    scheme, _, credentials = request.headers.get("Authorization", "").strip().partition(" ")
    # The scheme is case-insensitive (RFC 9110 11.1): HTTP clients that send "bearer" exist.
    token = credentials.strip() if scheme.lower() == "bearer" else request.headers.get("X-API-Key", "")
    failures, address = request.app.get(FAILURES), client_address(request, request.app[PROXIES])
    locked = await failures.refusal(address) if failures is not None and token else None
    if locked is not None:  # the key is not checked: a right guess from here would not be told
        return _too_many(
            "Too many failed API key attempts",
            f"This address sent more wrong API keys than {locked.limit} (API_AUTH_FAILURE_LIMIT); "
            f"send again in {locked.retry_after} s.",
            locked.retry_after,
        )
    key = await authenticate(_uow(request), token.strip()) if token else None
    if key is None:
        if failures is not None and token:
            await failures.failed(address)
        detail = "Authorization: a valid API key is required (Authorization: Bearer <key>, or X-API-Key: <key>)."
        return problem_response(
            ApiProblem(401, "Unauthorized", detail, field="Authorization"),
            headers={"WWW-Authenticate": 'Bearer realm="ordergram"'},
        )
    request[KEY] = key
    rates = request.app.get(RATES)
    refused = await rates.refusal(key.id or 0, key.name) if rates is not None else None
    if refused is not None:  # before the body is read: a flood costs the shop as little as it can
        return _too_many(
            "Too many requests",
            f"This API key sent more than {refused.limit} (API_RATE_LIMIT); send again in {refused.retry_after} s.",
            refused.retry_after,
        )
    return await handler(request)


def _too_many(title: str, detail: str, retry_after: int) -> web.Response:
    return problem_response(
        ApiProblem(429, title, detail, retry_after=retry_after), headers={"Retry-After": str(retry_after)}
    )


def _key(request: web.Request) -> ApiKey:
    return request[KEY]


# ---- helpers ----


def _uow(request: web.Request) -> SqlUnitOfWork:
    return SqlUnitOfWork(request.app[SESSIONS])


def _amount(money: Money) -> str:
    return format(money.to_decimal(), "f")


async def _order_out(request: web.Request, order: Order, payment_link: str | None = None) -> dict[str, Any]:
    waiting = await api_waiting(_uow(request), order) if BACKORDER_FLAG in order.flags else {}
    buyer_tax_number, seller_tax_number = await order_tax_numbers(_uow(request), order)
    parcels = [
        ParcelOut(
            carrier=parcel.carrier,
            tracking_number=parcel.tracking,
            tracking_url=page,
            status=parcel.status.value,
            shipped_at=parcel.shipped_at.isoformat(),
            delivered_at=parcel.delivered_at.isoformat() if parcel.delivered_at else None,
            lines=[ParcelLineOut(sku=line.sku, quantity=line.quantity) for line in parcel.lines],
        )
        for parcel, page in await api_parcels(_uow(request), order)
    ]
    return OrderOut(
        parcels=parcels,
        original_order_code=await api_original(_uow(request), order),
        buyer_tax_number=buyer_tax_number,
        seller_tax_number=seller_tax_number,
        waiting=[WaitingOut(sku=sku, quantity=quantity) for sku, quantity in sorted(waiting.items())],
        payment_link=payment_link,
        code=order.code,
        status=order.status,
        channel=order.channel.value,
        currency=order.currency,
        subtotal=_amount(order.subtotal),
        discount=_amount(order.discount),
        promo_code=order.promo_code,
        reference=order.reference,
        shipping=_amount(order.shipping or order.total * 0),
        total=_amount(order.total),
        tax=_amount(order.tax),
        invoice_due=order.invoice_due.isoformat() if order.invoice_due else None,
        invoice_number=order.invoice_label,
        still_to_pay=_amount(owed) if (owed := await api_still_to_pay(_uow(request), order)) is not None else None,
        payment=payment_out(order),
        tracking_number=order.tracking_number,
        lines=[
            LineOut(sku=x.sku, name=x.name, quantity=x.quantity, unit_price=_amount(x.unit_price)) for x in order.lines
        ],
        timeline=[StepOut(at=h.at.isoformat(), status=h.to_status, actor=h.actor) for h in order.history],
    ).model_dump(mode="json")


def _no_order(code: str) -> ApiProblem:
    return not_found("code", f"no order {code} placed by this channel")


def _code(request: web.Request) -> str:
    code = request.match_info["code"]
    if not 1 <= len(code) <= 32 or not code.isprintable():  # a NUL reached PostgreSQL: a 500
        raise _no_order(ascii(code)[1:-1])
    return code


# ---- endpoints ----


async def post_order(request: web.Request) -> web.Response:
    key = idempotency_key(request, required=True)
    assert key is not None
    data, body_hash = await read_json(request)
    order, created, url = await _place_order(request, key, validated(OrderIn, data), body_hash)
    headers = {"Location": f"{PREFIX}/orders/{order.code}"}
    if not created:
        headers["Idempotent-Replayed"] = "true"
    return web.json_response(await _order_out(request, order, url), status=201 if created else 200, headers=headers)


async def post_orders_batch(request: web.Request) -> web.Response:
    data, _ = await read_json(request.clone(client_max_size=MAX_BATCH_BODY))
    rates = request.app.get(RATES)
    most = min(MAX_BATCH, rates.most()) if rates is not None else MAX_BATCH
    entries = batch_entries(data, most, "API_RATE_LIMIT" if most < MAX_BATCH else "the API's limit")
    key = _key(request)
    # Counted an order each (the request itself was, by api_key_auth): a batch is no way round the limit.
    refused = await rates.refusal(key.id or 0, key.name, cost=len(entries) - 1) if rates and len(entries) > 1 else None
    if refused is not None:
        detail = f"A batch of {len(entries)} orders goes over {refused.limit} (API_RATE_LIMIT); send again in "
        return _too_many("Too many requests", f"{detail}{refused.retry_after} s.", refused.retry_after)

    async def place(entry: Any) -> tuple[dict[str, Any], bool]:
        sent = validated(BatchEntryIn, entry)
        order, created, url = await _place_order(
            request, sent.idempotency_key, validated(OrderIn, sent.order), digest(sent.order)
        )
        return await _order_out(request, order, url), created

    return web.json_response(await place_batch(entries, place))


async def _place_order(request: web.Request, key: str, body: OrderIn, body_hash: str) -> tuple[Order, bool, str | None]:
    """The order placed (or found: a repeat of ``key``), whether this request made it, and its payment link."""
    links: InvoiceLinks | None = request.app.get(LINKS)
    if body.payment == "link" and links is None:
        raise ApiProblem(422, INVALID, str(CardPaymentsOff()), field="payment")
    api_request = ApiOrderRequest(
        customer=ApiCustomer(
            body.customer.name,
            body.customer.phone,
            body.customer.email,
            body.customer.telegram_id,
            body.customer.business,
            body.customer.payment_terms_days,
            body.customer.credit_limit,
        ),
        lines=tuple((line.sku, line.quantity) for line in body.lines),
        currency=body.currency,
        payment=PaymentState(body.payment),
        address=body.address,
        latitude=body.latitude,
        longitude=body.longitude,
        pickup_point=body.pickup_point,
        shipping=body.shipping,
        reference=body.reference,
        promo_code=body.promo_code or "",
    )
    settings: Settings = request.app[SETTINGS]
    order, created = await with_fresh_tries(  # given up by the database (a deadlock's victim): whole again
        place_api_order,
        lambda: _uow(request),
        request.app[CLOCK],
        settings.checkout_policy(),
        key=_key(request),
        idempotency_key=key,
        body_hash=body_hash,
        request=api_request,
    )
    url = None
    if body.payment == "link" and payable(order):  # a repeat gets a link too (the chat is told once)
        with contextlib.suppress(NothingToPay):  # paid since: no link
            link = await payment_link(_uow(request), request.app[CLOCK], links, code=order.code, tell_customer=created)
            url = link.url
    return order, created, url


async def get_order(request: web.Request) -> web.Response:
    code = _code(request)
    try:
        order = await api_order(_uow(request), key=_key(request), code=code)
    except NotFound:
        raise _no_order(code) from None
    return web.json_response(await _order_out(request, order))


async def get_orders(request: web.Request) -> web.Response:
    orders, after = await api_orders(_uow(request), key=_key(request), **list_query(request))
    page: dict[str, Any] = {"orders": [await _order_out(request, order) for order in orders], "next_cursor": None}
    if after is not None:
        page["next_cursor"] = str(after)
    return web.json_response(page)


async def post_cancel(request: web.Request) -> web.Response:
    settings: Settings = request.app[SETTINGS]
    code = _code(request)
    try:
        order = await with_fresh_tries(  # given up by the database (a deadlock's victim): whole again
            cancel_api_order,
            lambda: _uow(request),
            request.app[CLOCK],
            key=_key(request),
            code=code,
            staff_chat_id=settings.staff_chat_id,
        )
    except NotFound:
        raise _no_order(code) from None
    return web.json_response(await _order_out(request, order))


async def get_stock(request: web.Request) -> web.Response:
    if len(request.query.getall("sku", ())) > 1:  # the first alone was answered: the rest went unread
        detail = f"one SKU here; several in one request: GET {PREFIX}/stock/levels?sku=A&sku=B (up to {MAX_STOCK_SKUS})"
        raise query_problem("sku", detail)
    sku = request.query.get("sku", "")
    if not 1 <= len(sku) <= 64:
        raise ApiProblem(422, INVALID, "sku: give a SKU in the query (?sku=…).", field="sku")
    try:
        found, status, levels = await api_stock(_uow(request), key=_key(request), sku=sku)
    except NotFound:
        raise not_found("sku", f"no product {sku}") from None
    return web.json_response(_stock_out(found, levels, status).model_dump())


def _stock_out(sku: str, levels: list[tuple[str, StockLevel]], status: ProductStatus) -> StockOut:
    warehouses = [
        WarehouseStockOut(warehouse=code, on_hand=lv.on_hand, reserved=lv.reserved, available=max(lv.available, 0))
        for code, lv in levels
    ]
    # Off sale, nothing can be ordered (``intake`` refuses it): a channel reading only this stops selling it
    available = sum(w.available for w in warehouses) if status is ProductStatus.ACTIVE else 0
    return StockOut(sku=sku, status=status, available=available, warehouses=warehouses)


async def get_stock_levels(request: web.Request) -> web.Response:
    query = request.query
    skus = query.getall("sku", [])
    secret = request.app[SETTINGS].bot_token
    if "changed_since" in query:
        return await _stock_changes(request, secret)
    if skus and ("limit" in query or "cursor" in query):
        raise query_problem("sku", "name the SKUs, or page through them all with limit and cursor: one or the other")
    if any(not 1 <= len(sku) <= 64 for sku in skus):
        raise query_problem("sku", "a SKU each, 1 to 64 characters (?sku=A&sku=B)")
    feed = await api_stock_feed(
        _uow(request), key=_key(request), skus=skus, **page_query(request, limit=MAX_STOCK_SKUS, most=MAX_STOCK_SKUS)
    )
    page = StockPageOut(
        stock=[_stock_out(sku, levels, feed.status[sku]) for sku, levels in feed.stock],
        unknown=feed.unknown,
        next_cursor=str(feed.after) if feed.after is not None else None,
        changes_token=feed_token(feed.point, secret) if feed.point is not None else None,
    )
    return web.json_response(page.model_dump())


async def _stock_changes(request: web.Request, secret: str) -> web.Response:
    """``?changed_since=``: the products whose available quantity moved since the token's point."""
    if "sku" in request.query or "cursor" in request.query:
        raise query_problem("changed_since", "not with sku or cursor: the token says where the feed stands")
    point = feed_point(request.query["changed_since"], secret)
    if point is None:
        raise query_problem(
            "changed_since",
            "send back a changes_token or next_cursor this API gave, as it came; one refused as it came (the bot's "
            f"token was replaced since) is not taken again: {READ_AGAIN}",
        )
    limit = page_query(request, limit=MAX_STOCK_SKUS, most=MAX_STOCK_SKUS)["limit"]
    changes = await api_stock_changes(_uow(request), key=_key(request), point=point, limit=limit)
    token = feed_token(changes.point, secret)
    page = StockPageOut(
        stock=[_stock_out(sku, levels, changes.status[sku]) for sku, levels in changes.stock],
        unknown=[],
        next_cursor=token if changes.more else None,
        changes_token=token,
    )
    return web.json_response(page.model_dump())


async def post_receipt(request: web.Request) -> web.Response:
    # Optional, unlike an order's (integrations that send none go on as before): with it, a
    # retry after a timeout is told the first receipt instead of counting the goods again.
    receipt_key = idempotency_key(request, required=False)
    data, body_hash = await read_json(request)
    body = validated(ReceiptIn, data)
    receipt, created = await with_fresh_tries(
        api_receipt,
        lambda: _uow(request),
        request.app[CLOCK],
        key=_key(request),
        sku=body.sku,
        warehouse_code=body.warehouse,
        quantity=body.quantity,
        bin_code=body.bin,
        reason=body.reason,
        idempotency_key=receipt_key,
        body_hash=body_hash,
    )
    out = ReceiptOut(sku=receipt.sku, warehouse=receipt.warehouse, bin=receipt.bin, quantity=receipt.quantity)
    headers = {} if created else {"Idempotent-Replayed": "true"}
    return web.json_response(out.model_dump(), status=201 if created else 200, headers=headers)


async def post_shipment_event(request: web.Request) -> web.Response:
    data, _ = await read_json(request)
    body = validated(ShipmentEventIn, data)
    tracking = request.match_info["tracking"]
    no_parcel = not_found("tracking", f"no parcel has the tracking number {ascii(tracking)[1:-1]}")
    if not 1 <= len(tracking) <= 64 or not tracking.isprintable():
        raise no_parcel
    try:
        order, changed = await with_fresh_tries(
            api_carrier_event,
            lambda: _uow(request),
            request.app[CLOCK],
            key=_key(request),
            tracking=tracking,
            event=CarrierEvent(body.event),
            location=body.location,
        )
    except NotFound:
        raise no_parcel from None
    return web.json_response(
        ShipmentEventOut(order=order.code, status=order.status, changed=changed).model_dump(mode="json")
    )


async def get_openapi(request: web.Request) -> web.Response:
    return web.json_response(openapi_document({(method, path): scope for method, path, _, scope in ENDPOINTS}))


SESSIONS: web.AppKey[Any] = web.AppKey("sessions")
SETTINGS: web.AppKey[Settings] = web.AppKey("settings", Settings)
CLOCK: web.AppKey[Clock] = web.AppKey("clock")
LINKS: web.AppKey[InvoiceLinks] = web.AppKey("invoice_links")  # set when the shop takes card payments
RATES: web.AppKey[KeyRates] = web.AppKey("key_rates", KeyRates)  # unset with API_RATE_LIMIT=0
FAILURES: web.AppKey[FailedKeys] = web.AppKey("failed_keys", FailedKeys)  # unset with API_AUTH_FAILURE_LIMIT=0
PROXIES: web.AppKey[tuple[Network, ...]] = web.AppKey("trusted_proxies")


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
        _key(request).require(scope)  # before the body is read: a key without the scope learns nothing
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
