"""The intake API's query parameters: the names an operation takes (the OpenAPI document's) and their values checked."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web

from bot.api_problems import query_problem
from domain.orders import MAX_REFERENCE, OrderStatus
from domain.usecases.intake_orders import MAX_ORDERS_PAGE


def only_documented(request: web.Request, taken: tuple[str, ...]) -> None:
    """A query parameter the operation does not take is refused, not ignored: a typo (``?skus=``)
    read as no parameter at all answered a question the client did not ask."""
    for name in request.query:
        if name not in taken:
            shown = name if len(name) <= 64 and name.isprintable() else f"{ascii(name[:64])[1:-1]}…"
            raise query_problem(shown, f"not a parameter of this operation (it takes {', '.join(taken) or 'none'})")


def one(request: web.Request, name: str) -> str | None:
    """Query parameter ``name``'s value, None when not given; given twice is refused: read as its
    first value alone (``?status=placed&status=allocated``) it answered a question the client did not ask."""
    values = request.query.getall(name, ())
    if len(values) > 1:
        raise query_problem(name, "give it once; it takes one value")
    return values[0] if values else None


def page_query(request: web.Request, *, limit: int, most: int) -> dict[str, int]:
    """A paged list's ``limit`` (``limit`` unless given, 1 to ``most``) and ``cursor`` (as ``after``)."""
    asked = {"after": 0, "limit": limit}
    given = one(request, "limit")
    if given is not None:
        if not (given.isascii() and given.isdigit() and len(given) <= 4 and 1 <= int(given) <= most):
            raise query_problem("limit", f"a whole number from 1 to {most}")
        asked["limit"] = int(given)
    cursor = one(request, "cursor")
    if cursor is not None:
        if not (cursor.isascii() and cursor.isdigit() and len(cursor) <= 18):
            raise query_problem("cursor", "send back the next_cursor of the page before, as it came")
        asked["after"] = int(cursor)
    return asked


def list_query(request: web.Request) -> dict[str, Any]:
    """``GET /orders``'s query, each value checked and a bad one named, as a body's fields are."""
    asked: dict[str, Any] = {**page_query(request, limit=50, most=MAX_ORDERS_PAGE)}
    status = one(request, "status")
    if status is not None:
        if status not in {s.value for s in OrderStatus}:
            raise query_problem("status", f"one of {', '.join(s.value for s in OrderStatus)}")
        asked["status"] = OrderStatus(status)
    reference = one(request, "reference") or ""
    if len(reference) > MAX_REFERENCE or not reference.isprintable():
        raise query_problem("reference", f"at most {MAX_REFERENCE} characters, no control characters")
    asked["reference"] = reference
    since = one(request, "changed_since")
    if since is not None:
        try:
            moment = datetime.fromisoformat(since) if len(since) <= 40 else None
        except ValueError:
            moment = None
        if moment is None or moment.utcoffset() is None:
            detail = "a moment with its UTC offset (ISO 8601): 2026-12-07T10:00:00Z"
            if " " in since:  # a + not percent-encoded reads as a space: the channel sent an offset and cannot see why
                detail += "; in a query, send its + as %2B (2026-12-07T10:00:00%2B01:00): a bare + reads as a space"
            raise query_problem("changed_since", detail)
        asked["changed_since"] = moment
    return asked


def query_names(document: dict[str, Any], method: str, path: str) -> tuple[str, ...] | None:
    """The query parameters the OpenAPI document gives a GET (the names it takes are the names it
    says it takes); None for a POST, whose query is not read."""
    if method != "GET":
        return None
    operation = document["paths"][path]["get"]
    return tuple(p["name"] for p in operation.get("parameters", ()) if p["in"] == "query")
