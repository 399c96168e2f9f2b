"""The API's order endpoints: place one or a batch, read one or a page, cancel one."""

from __future__ import annotations

import contextlib
from typing import Any

from aiohttp import web

from bot.api_batch import MAX_BATCH_BODY, batch_entries, place_batch
from bot.api_body import digest, idempotency_key, read_json, validated
from bot.api_context import CLOCK, LINKS, RATES, SETTINGS, request_key, request_uow
from bot.api_models import (
    MAX_BATCH,
    BatchEntryIn,
    LineOut,
    OrderIn,
    OrderOut,
    ParcelLineOut,
    ParcelOut,
    StepOut,
    WaitingOut,
    payment_out,
)
from bot.api_openapi import PREFIX
from bot.api_problems import INVALID, ApiProblem, not_found, too_many
from bot.api_query import list_query
from bot.config import Settings
from domain.backorders import BACKORDER_FLAG
from domain.contention import with_fresh_tries
from domain.errors import NotFound
from domain.money import Money
from domain.orders import Order
from domain.ports.payments import InvoiceLinks
from domain.shortages import SHORT_FLAG
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
from domain.usecases.paylinks import CardPaymentsOff, NothingToPay, payment_link
from domain.usecases.payments import payable
from domain.usecases.shop import order_tax_numbers


def _amount(money: Money) -> str:
    return format(money.to_decimal(), "f")


async def _order_out(request: web.Request, order: Order, payment_link: str | None = None) -> dict[str, Any]:
    # A short pick's missing part waits too (SHORT until the customer answers), not only a backorder's.
    waiting = await api_waiting(request_uow(request), order) if order.flags & {BACKORDER_FLAG, SHORT_FLAG} else {}
    buyer_tax_number, seller_tax_number = await order_tax_numbers(request_uow(request), order)
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
        for parcel, page in await api_parcels(request_uow(request), order)
    ]
    return OrderOut(
        parcels=parcels,
        original_order_code=await api_original(request_uow(request), order),
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
        still_to_pay=_amount(owed)
        if (owed := await api_still_to_pay(request_uow(request), order)) is not None
        else None,
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
    key = request_key(request)
    # Counted an order each (the request itself was, by api_key_auth): a batch is no way round the limit.
    refused = await rates.refusal(key.id or 0, key.name, cost=len(entries) - 1) if rates and len(entries) > 1 else None
    if refused is not None:
        detail = f"A batch of {len(entries)} orders goes over {refused.limit} (API_RATE_LIMIT); send again in "
        return too_many("Too many requests", f"{detail}{refused.retry_after} s.", refused.retry_after)

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
        lambda: request_uow(request),
        request.app[CLOCK],
        settings.checkout_policy(),
        key=request_key(request),
        idempotency_key=key,
        body_hash=body_hash,
        request=api_request,
    )
    url = None
    if body.payment == "link" and payable(order):  # a repeat gets a link too (the chat is told once)
        with contextlib.suppress(NothingToPay):  # paid since: no link
            link = await payment_link(
                request_uow(request), request.app[CLOCK], links, code=order.code, tell_customer=created
            )
            url = link.url
    return order, created, url


async def get_order(request: web.Request) -> web.Response:
    code = _code(request)
    try:
        order = await api_order(request_uow(request), key=request_key(request), code=code)
    except NotFound:
        raise _no_order(code) from None
    return web.json_response(await _order_out(request, order))


async def get_orders(request: web.Request) -> web.Response:
    orders, after = await api_orders(request_uow(request), key=request_key(request), **list_query(request))
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
            lambda: request_uow(request),
            request.app[CLOCK],
            key=request_key(request),
            code=code,
            staff_chat_id=settings.staff_chat_id,
        )
    except NotFound:
        raise _no_order(code) from None
    return web.json_response(await _order_out(request, order))
