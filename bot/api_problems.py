"""The intake API's problem documents (RFC 9457): the exception a check raises, its JSON, and a domain error's."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.api_openapi import PROBLEM
from domain.apikeys import MissingScope, WrongCarrier
from domain.customers import CreditLimitExceeded
from domain.errors import DomainError, InsufficientStock, NotFound
from domain.promotions import PromoRefused
from domain.usecases.checkout_routing import CartChanged
from domain.usecases.intake_request import (
    IdempotencyConflict,
    InvalidField,
    RequestInProgress,
    ShortLine,
    UnpaidCapReached,
)
from domain.usecases.orders import NotCancellable
from handlers.views.labels import ERROR_PARAM_LABELS, LABELS

# A field at fault, whether the schema or a check after it (an unknown SKU) finds it: one title
# a client can match, as the Mini App's API says it.
INVALID = "Invalid request"


class ApiProblem(Exception):
    def __init__(self, status: int, title: str, detail: str, field: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail, self.field, self.extra = status, title, detail, field, extra


def problem_body(p: ApiProblem) -> dict[str, Any]:
    body: dict[str, Any] = {"type": "about:blank", "title": p.title, "status": p.status, "detail": p.detail}
    if p.field is not None:
        # Schema errors list every field; a check after it names one: the same list either way.
        body["field"] = p.field
        body["errors"] = [{"field": p.field, "detail": p.detail.removeprefix(f"{p.field}: ")}]
    body.update(p.extra)
    return body


def problem_response(p: ApiProblem, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response(problem_body(p), status=p.status, content_type=PROBLEM, headers=headers)


def readable(error: DomainError) -> str:
    """The error's message in English, a code it carries (a status, a role) by its label as the
    chat names it: "it is being picked", not the code "picking" a client would have to know."""
    if not error.params:
        return str(error)
    params = {
        name: LABELS[ERROR_PARAM_LABELS[name]].get(value, value)
        if name in ERROR_PARAM_LABELS and isinstance(value, str)
        else value
        for name, value in error.params.items()
    }
    return error.key.format(**params)


def domain_problem(error: DomainError) -> ApiProblem:
    detail = readable(error)
    if isinstance(error, MissingScope):
        return ApiProblem(403, "Missing scope", detail, scope=error.params["scope"])
    if isinstance(error, WrongCarrier):  # before anything changed: another carrier's parcel
        return ApiProblem(403, "Wrong carrier", detail)
    if isinstance(error, CreditLimitExceeded):
        return ApiProblem(422, "Credit limit exceeded", detail, field="payment")
    if isinstance(error, UnpaidCapReached):
        return ApiProblem(422, "Too many unpaid orders", detail, field="payment")
    if isinstance(error, ShortLine):  # a field, but a conflict with the stock
        return ApiProblem(409, "Insufficient stock", detail, field=str(error.params.get("field")))
    if isinstance(error, InvalidField):
        return ApiProblem(422, INVALID, detail, field=str(error.params.get("field")))
    if isinstance(error, NotFound):
        return ApiProblem(404, "Not found", detail)
    if isinstance(error, IdempotencyConflict | RequestInProgress):
        return ApiProblem(409, "Idempotency-Key conflict", detail, field="Idempotency-Key")
    if isinstance(error, CartChanged | InsufficientStock):
        return ApiProblem(409, "Insufficient stock", detail, field="lines")
    if isinstance(error, NotCancellable):
        return ApiProblem(409, "Not cancellable", detail)
    if isinstance(error, PromoRefused):  # expired, used up, minimum not met …: the reason is the detail
        return ApiProblem(422, "Promo code refused", detail, field="promo_code")
    return ApiProblem(422, "Not possible", detail)


def not_found(field: str, what: str) -> ApiProblem:
    """A 404 naming what was looked for, and where the request gave it."""
    return ApiProblem(404, "Not found", f"{field}: {what}", field=field)


def query_problem(field: str, what: str) -> ApiProblem:
    return ApiProblem(422, INVALID, f"{field}: {what}", field=field)


def too_many(title: str, detail: str, retry_after: int) -> web.Response:
    """A 429 with the seconds to wait, in the body and in ``Retry-After``."""
    return problem_response(
        ApiProblem(429, title, detail, retry_after=retry_after), headers={"Retry-After": str(retry_after)}
    )
