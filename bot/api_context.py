"""What the API's handlers share: the application's sessions, settings and clock, and the request's key."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.api_limits import KeyRates
from bot.api_lockout import FailedKeys
from bot.client_address import Network
from bot.config import Settings
from domain.apikeys import ApiKey
from domain.ports import Clock
from domain.ports.payments import InvoiceLinks
from storage.uow import SqlUnitOfWork

KEY = web.RequestKey("api_key", ApiKey)  # the authenticated key, on the request
SESSIONS: web.AppKey[Any] = web.AppKey("sessions")
SETTINGS: web.AppKey[Settings] = web.AppKey("settings", Settings)
CLOCK: web.AppKey[Clock] = web.AppKey("clock")
LINKS: web.AppKey[InvoiceLinks] = web.AppKey("invoice_links")  # set when the shop takes card payments
RATES: web.AppKey[KeyRates] = web.AppKey("key_rates", KeyRates)  # unset with API_RATE_LIMIT=0
FAILURES: web.AppKey[FailedKeys] = web.AppKey("failed_keys", FailedKeys)  # unset with API_AUTH_FAILURE_LIMIT=0
PROXIES: web.AppKey[tuple[Network, ...]] = web.AppKey("trusted_proxies")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def request_key(request: web.Request) -> ApiKey:
    return request[KEY]


def request_uow(request: web.Request) -> SqlUnitOfWork:
    return SqlUnitOfWork(request.app[SESSIONS])
