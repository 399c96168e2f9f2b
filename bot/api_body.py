"""The intake API's request bodies read: JSON, its canonical hash, a model validated naming each field at fault."""

from __future__ import annotations

import hashlib
import json
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from bot.api_problems import INVALID, ApiProblem

JSON = "application/json"
M = TypeVar("M", bound=BaseModel)
MAX_IDEMPOTENCY_KEY = 255


def idempotency_key(request: web.Request, *, required: bool) -> str | None:
    """The request's Idempotency-Key; None only where it may be left out (a stock receipt)."""
    if "Idempotency-Key" not in request.headers and not required:
        return None
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        detail = f"Send an Idempotency-Key header (1–{MAX_IDEMPOTENCY_KEY} characters)."
        raise ApiProblem(400, "Idempotency-Key required", detail, field="Idempotency-Key")
    if len(key) > MAX_IDEMPOTENCY_KEY or not key.isprintable():  # sent, but not one a retry could repeat
        what = f"{len(key)} characters" if len(key) > MAX_IDEMPOTENCY_KEY else "a character that is not printable"
        detail = f"Idempotency-Key: at most {MAX_IDEMPOTENCY_KEY} printable characters; this one has {what}."
        raise ApiProblem(400, "Invalid Idempotency-Key", detail, field="Idempotency-Key")
    return key


async def read_json(request: web.Request) -> tuple[Any, str]:
    """The parsed body and a hash of its canonical form (key order and spacing do not matter)."""
    if request.content_type != JSON:
        raise ApiProblem(415, "Unsupported Media Type", f"Send the body as {JSON}.", field="Content-Type")
    raw = await request.read()
    try:
        parsed = json.loads(raw, parse_constant=_not_json)
        hashed = digest(parsed)
    except RecursionError:  # nesting deeper than the parser's stack: no request of ours looks like it
        raise ApiProblem(400, "Malformed JSON", "body: nested too deeply.", field="body") from None
    except ValueError as exc:  # bad syntax or UTF-8, NaN, an integer of more digits than Python converts
        raise ApiProblem(400, "Malformed JSON", f"body: not valid JSON: {exc}", field="body") from None
    # A lone surrogate escape ("\\ud800") parses; the field holding it is named by validation.
    return parsed, hashed


def digest(parsed: Any) -> str:
    """A hash of a JSON value's canonical form: an order sent alone or in a batch hashes alike."""
    canonical = json.dumps(parsed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode(errors="surrogatepass")).hexdigest()


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not a JSON value")


_AMOUNT = 'a decimal amount as a string, like "3.70": digits, at most 4 after the point, no sign'
# What to send, said in words, for a field whose form its schema gives as a pattern: pydantic's
# message is the regular expression itself.
_FORMS = {"currency": "an ISO 4217 code in capitals, like GBP", "shipping": _AMOUNT, "credit_limit": _AMOUNT}


def _said(error: Any) -> str:
    name = str(error["loc"][-1]) if error["loc"] else ""
    if name in _FORMS and error["type"] in ("string_pattern_mismatch", "string_type"):
        return _FORMS[name]
    return str(error["msg"])


def validated(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as invalid:
        errors = [
            {"field": ".".join(str(p) for p in e["loc"]) or "body", "detail": _said(e)}
            for e in invalid.errors(include_url=False, include_input=False)
        ]
        first = errors[0]
        raise ApiProblem(
            422, INVALID, f"{first['field']}: {first['detail']}", field=first["field"], errors=errors
        ) from None
