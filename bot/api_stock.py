"""The API's stock endpoints: one SKU's stock, the stock feed and its changes, a receipt of goods."""

from __future__ import annotations

from aiohttp import web

from bot.api_body import idempotency_key, read_json, validated
from bot.api_context import CLOCK, SETTINGS, request_key, request_uow
from bot.api_feed_tokens import feed_point, feed_token
from bot.api_models import ReceiptIn, ReceiptOut, StockOut, StockPageOut, WarehouseStockOut
from bot.api_openapi import PREFIX
from bot.api_problems import INVALID, ApiProblem, not_found, query_problem
from bot.api_query import one, page_query
from domain.catalog import ProductStatus
from domain.contention import with_fresh_tries
from domain.errors import NotFound
from domain.stock import StockLevel
from domain.usecases.intake_stock import (
    MAX_STOCK_SKUS,
    READ_AGAIN,
    api_receipt,
    api_stock,
    api_stock_changes,
    api_stock_feed,
)


async def get_stock(request: web.Request) -> web.Response:
    if len(request.query.getall("sku", ())) > 1:  # the first alone was answered: the rest went unread
        detail = f"one SKU here; several in one request: GET {PREFIX}/stock/levels?sku=A&sku=B (up to {MAX_STOCK_SKUS})"
        raise query_problem("sku", detail)
    sku = request.query.get("sku", "")
    if not 1 <= len(sku) <= 64:
        raise ApiProblem(422, INVALID, "sku: give a SKU in the query (?sku=…).", field="sku")
    try:
        found, status, levels = await api_stock(request_uow(request), key=request_key(request), sku=sku)
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
        request_uow(request),
        key=request_key(request),
        skus=skus,
        **page_query(request, limit=MAX_STOCK_SKUS, most=MAX_STOCK_SKUS),
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
    point = feed_point(one(request, "changed_since") or "", secret)
    if point is None:
        raise query_problem(
            "changed_since",
            "send back a changes_token or next_cursor this API gave, as it came; one refused as it came (the bot's "
            f"token was replaced since) is not taken again: {READ_AGAIN}",
        )
    limit = page_query(request, limit=MAX_STOCK_SKUS, most=MAX_STOCK_SKUS)["limit"]
    changes = await api_stock_changes(request_uow(request), key=request_key(request), point=point, limit=limit)
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
        lambda: request_uow(request),
        request.app[CLOCK],
        key=request_key(request),
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
