"""The API's middlewares: every failure as a problem document; the key authenticated, its rate kept."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.api_context import FAILURES, KEY, PROXIES, RATES, Handler, request_uow
from bot.api_openapi import PREFIX
from bot.api_problems import ApiProblem, domain_problem, problem_response, too_many
from bot.client_address import client_address
from bot.logs import quoted
from domain.errors import DomainError
from domain.usecases.api_keys import authenticate

log = logging.getLogger("bot.api")  # the name the API has always logged under: log filters and alerts use it


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
            detail = f"body: {(http.text or 'too large').rstrip('.')}."  # aiohttp's text ends with one already
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
        return too_many(
            "Too many failed API key attempts",
            f"This address sent more wrong API keys than {locked.limit} (API_AUTH_FAILURE_LIMIT); "
            f"send again in {locked.retry_after} s.",
            locked.retry_after,
        )
    key = await authenticate(request_uow(request), token.strip()) if token else None
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
        return too_many(
            "Too many requests",
            f"This API key sent more than {refused.limit} (API_RATE_LIMIT); send again in {refused.retry_after} s.",
            refused.retry_after,
        )
    return await handler(request)
