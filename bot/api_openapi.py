"""The intake API's OpenAPI document: its paths, what each answers, and the scope each needs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from bot.api_models import (
    MAX_BATCH,
    BatchIn,
    BatchOut,
    CallbackEvent,
    OrderIn,
    OrderOut,
    OrderPageOut,
    Problem,
    ReceiptIn,
    ReceiptOut,
    ShipmentEventIn,
    ShipmentEventOut,
    StockOut,
    StockPageOut,
)
from domain.apikeys import Scope
from domain.orders import MAX_REFERENCE, OrderStatus
from domain.usecases.intake_orders import MAX_ORDERS_PAGE
from domain.usecases.intake_stock import MAX_STOCK_SKUS

PREFIX = "/api/v1"
PROBLEM = "application/problem+json"


def openapi_document(scopes: Mapping[tuple[str, str], Scope]) -> dict[str, Any]:
    """OpenAPI 3.1, the schemas straight from the models (the code is the spec); ``scopes``: the
    scope each (method, path) needs, as ``bot.api.ENDPOINTS`` routes and checks them."""
    models: list[type[BaseModel]] = [
        OrderIn,
        BatchIn,
        ReceiptIn,
        ShipmentEventIn,
        OrderOut,
        BatchOut,
        OrderPageOut,
        StockOut,
        StockPageOut,
        ReceiptOut,
        ShipmentEventOut,
        Problem,
        CallbackEvent,
    ]
    _, top = models_json_schema(
        [(m, "validation" if m.__name__.endswith("In") else "serialization") for m in models],
        ref_template="#/components/schemas/{model}",
    )
    schemas = top.get("$defs", {})

    def ref(name: str) -> dict[str, str]:
        return {"$ref": f"#/components/schemas/{name}"}

    def answer(name: str, what: str) -> dict[str, Any]:
        return {"description": what, "content": {"application/json": {"schema": ref(name)}}}

    problem = {"description": "a problem (RFC 9457)", "content": {PROBLEM: {"schema": ref("Problem")}}}
    statuses = ("400", "401", "403", "404", "405", "409", "413", "415", "422", "429")
    errors = {status: problem for status in statuses}
    errors["413"] = {  # aiohttp's own refusal, before any handler: documented, as it names the body as a field
        "description": "a problem (RFC 9457): a body over 256 KB (4 MB for a batch) is Body too large, field "
        "body, the limit in bytes in the detail; a batch of too many orders is Too many orders, field orders",
        "content": {PROBLEM: {"schema": ref("Problem")}},
    }
    idempotency_key = {
        "name": "Idempotency-Key",
        "in": "header",
        "required": True,
        "schema": {"type": "string", "minLength": 1, "maxLength": 255},
        "description": "the order's key for retries: missing or empty is 400 Idempotency-Key required; over 255 "
        "characters or not printable, 400 Invalid Idempotency-Key (the limit and its length in the detail)",
    }
    receipt_key = (
        "optional: with it, a retry with the same body is answered 200 with the first receipt and counts "
        "nothing again; the same key with another body is 409. Without it, every request counts the goods."
    )
    statuses_enum = [s.value for s in OrderStatus]
    cursor = {
        "name": "cursor",
        "in": "query",
        "description": "the next_cursor of the page before",
        "schema": {"type": "string", "pattern": "^[0-9]{1,18}$"},
    }
    sku = {"type": "string", "minLength": 1, "maxLength": 64}
    list_parameters: list[dict[str, Any]] = [
        {
            "name": "limit",
            "in": "query",
            "description": "orders a page, 50 unless given",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ORDERS_PAGE},
        },
        cursor,
        {"name": "status", "in": "query", "schema": {"type": "string", "enum": statuses_enum}},
        {
            "name": "reference",
            "in": "query",
            "description": "the channel's own order number, any letter case",
            "schema": {"type": "string", "maxLength": MAX_REFERENCE},
        },
        {
            "name": "changed_since",
            "in": "query",
            "description": "only orders placed, moved to another status or edited at or after this moment "
            "(ISO 8601 with its UTC offset: 2026-12-07T10:00:00Z; a + offset percent-encoded, %2B01:00)",
            "schema": {"type": "string", "format": "date-time"},
        },
    ]
    code = {"name": "code", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 32}}
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "Ordergram intake API",
            "version": "1.0.0",
            "description": "Each API key carries scopes (ordergram apikey create NAME --scope …): "
            + ", ".join(f"{s.value}" for s in Scope)
            + ". Each operation names the one it needs; a key without it gets 403 (a problem naming the scope).",
        },
        "servers": [{"url": "/"}],
        "components": {
            "schemas": schemas,
            "securitySchemes": {  # the key as a bearer token, or in X-API-Key: either one
                "apiKey": {"type": "http", "scheme": "bearer"},
                "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            },
        },
        "security": [{"apiKey": []}, {"apiKeyHeader": []}],
        "paths": {
            f"{PREFIX}/orders": {
                "post": {
                    "summary": "Place an order from another channel",
                    "parameters": [idempotency_key],
                    "requestBody": {"required": True, "content": {"application/json": {"schema": ref("OrderIn")}}},
                    "responses": {"201": answer("OrderOut", "placed"), "200": answer("OrderOut", "a repeat"), **errors},
                },
                "get": {
                    "summary": "The orders this key's channel placed, oldest first, a page at a time",
                    "description": "Poll for changes with changed_since (the moment your last poll began), "
                    "following next_cursor until it is null.",
                    "parameters": list_parameters,
                    "responses": {"200": answer("OrderPageOut", "a page"), **errors},
                },
            },
            f"{PREFIX}/orders/batch": {
                "post": {
                    "summary": f"Place up to {MAX_BATCH} orders in one request, each on its own",
                    "description": "For a channel catching up (after an outage, say). Each order is placed as "
                    "POST /orders places it, in its own transaction, under its own idempotency_key: one refused "
                    "(an unknown SKU, no stock) refuses none of the others, and a batch sent again places nothing "
                    "twice. Answered 200 once the batch is read, listing in the request's order each order's "
                    "outcome (created 201, already_placed 200, or refused with the problem POST /orders gives) "
                    f"and status. More than {MAX_BATCH} orders, or more than API_RATE_LIMIT lets a key send in "
                    "its shortest window, is refused whole (413, max_orders naming the limit); each order counts "
                    "as a request against API_RATE_LIMIT.",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": ref("BatchIn")}}},
                    "responses": {"200": answer("BatchOut", "each order's outcome"), **errors},
                }
            },
            f"{PREFIX}/orders/{{code}}": {
                "get": {
                    "summary": "An order",
                    "parameters": [code],
                    "responses": {"200": answer("OrderOut", "the order"), **errors},
                }
            },
            f"{PREFIX}/orders/{{code}}/cancel": {
                "post": {
                    "summary": "Cancel an order the API placed, before or while it is being picked (its pickers told)",
                    "description": "Its body, if any, is ignored: the path says all. Cancelled already, a second "
                    "cancel answers 200 with the order as it is, changing nothing: a retry after a timeout is safe.",
                    "parameters": [code],
                    "responses": {"200": answer("OrderOut", "cancelled"), **errors},
                }
            },
            f"{PREFIX}/stock": {
                "get": {
                    "summary": "Stock per warehouse",
                    "description": f"One SKU a request; several at once: GET {PREFIX}/stock/levels.",
                    "parameters": [{"name": "sku", "in": "query", "required": True, "schema": sku}],
                    "responses": {"200": answer("StockOut", "stock"), **errors},
                }
            },
            f"{PREFIX}/stock/levels": {
                "get": {
                    "summary": "Stock per warehouse of many products: the SKUs named, or every product, a page a time",
                    "description": f"Name up to {MAX_STOCK_SKUS} SKUs (?sku=A&sku=B; one no product has is listed in "
                    "unknown), or none to page through every product, hidden ones too, following next_cursor "
                    "until it is null. Each product's figures are those GET /stock?sku= gives. An incremental "
                    "sync keeps the answer's changes_token and sends it back as ?changed_since=: the answer "
                    "lists only the products whose available quantity moved since (holds, orders, receipts, "
                    "counts, returns), whose status changed (taken off sale: available 0) or that were added since "
                    "(available 0 until stock is counted), with a new "
                    "changes_token; a change committing while it is read comes in it or in the next.",
                    "parameters": [
                        {
                            "name": "sku",
                            "in": "query",
                            "description": f"a SKU, repeated for each (at most {MAX_STOCK_SKUS}); not with limit "
                            "or cursor",
                            "schema": {"type": "array", "items": sku, "maxItems": MAX_STOCK_SKUS},
                            "style": "form",
                            "explode": True,
                        },
                        {
                            "name": "limit",
                            "in": "query",
                            "description": f"products a page, {MAX_STOCK_SKUS} unless given",
                            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_STOCK_SKUS},
                        },
                        cursor,
                        {
                            "name": "changed_since",
                            "in": "query",
                            "description": "a changes_token (or, while more changes wait, a next_cursor) a stock "
                            "levels answer gave, as it came: only the products whose available quantity moved "
                            "since; not with sku or cursor. One refused (422) as it came, the bot's token having "
                            "been replaced since, or given by another database (the shop's restored from a backup or "
                            "copied since) or past this one's numbering, is not taken again: a whole read's first "
                            "page gives a new one",
                            "schema": {"type": "string", "maxLength": 2000},
                        },
                    ],
                    "responses": {"200": answer("StockPageOut", "stock"), **errors},
                }
            },
            f"{PREFIX}/stock/receipts": {
                "post": {
                    "summary": "Goods received (e.g. at a store)",
                    "parameters": [{**idempotency_key, "required": False, "description": receipt_key}],
                    "requestBody": {"required": True, "content": {"application/json": {"schema": ref("ReceiptIn")}}},
                    "responses": {
                        "201": answer("ReceiptOut", "received"),
                        "200": answer("ReceiptOut", "a repeat (Idempotent-Replayed: true): nothing counted again"),
                        **errors,
                    },
                }
            },
            f"{PREFIX}/shipments/{{tracking}}/events": {
                "post": {
                    "summary": "A carrier's tracking update",
                    "description": "A carrier key reports only for the carriers it was made for "
                    "(ordergram apikey create NAME --scope carrier --carrier DPD): an event for another "
                    "carrier's parcel, or from a key naming no carrier, is refused with 403 "
                    "(title Wrong carrier) and changes nothing.",
                    "parameters": [
                        {
                            "name": "tracking",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "maxLength": 64},
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": ref("ShipmentEventIn")}},
                    },
                    "responses": {"200": answer("ShipmentEventOut", "recorded"), **errors},
                }
            },
        },
    }
    document["webhooks"] = {"orderStatus": _order_status_callback(ref("CallbackEvent"))}
    for (method, path), scope in scopes.items():
        operation = document["paths"][path][method.lower()]
        # OpenAPI 3.1: the roles (here the scope) a scheme requires, for either way of sending the key
        operation["security"] = [{"apiKey": [scope.value]}, {"apiKeyHeader": [scope.value]}]
        operation["x-scope"] = scope.value
        needs = f"Needs an API key with the `{scope.value}` scope."
        operation["description"] = f"{needs} {operation['description']}" if "description" in operation else needs
    return document


def _order_status_callback(event: dict[str, str]) -> dict[str, Any]:
    """OpenAPI 3.1's ``webhooks``: what Ordergram POSTs to a channel's callback URL
    (``ordergram apikey callback NAME URL``)."""
    header = {"required": True, "schema": {"type": "string"}}
    return {
        "post": {
            "summary": "A status change of an order the channel placed",
            "description": "Set with `ordergram apikey callback NAME URL`, which prints the signing secret once. "
            "Sent at least once: answer 2xx within 10 s and skip an `id` already seen; anything else is tried again "
            "after 30 s, the wait doubling up to 2 h, and given up after 10 tries. Verify `Ordergram-Signature` "
            '(`t=<unix seconds>,v1=<hex>`): HMAC-SHA256 under the secret of `"<t>." + raw body`.',
            "parameters": [
                {"name": "Ordergram-Signature", "in": "header", **header},
                {"name": "Ordergram-Event-Id", "in": "header", **header},
                {"name": "Ordergram-Event-Type", "in": "header", **header},
            ],
            "requestBody": {"required": True, "content": {"application/json": {"schema": event}}},
            "responses": {"2XX": {"description": "taken: not sent again"}},
        }
    }
