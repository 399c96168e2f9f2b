"""Who asks the Mini App (Telegram ``initData`` or a signed cookie) and the customer behind it; CSRF, CSP, problems."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiohttp import web

from bot.logs import quoted
from bot.runtime import Runtime
from bot.webapp.initdata import InvalidInitData, validate
from domain.contention import with_fresh_tries
from domain.customers import Customer, pick_language
from domain.errors import DomainError, InsufficientStock, NotFound
from domain.i18n import N_
from domain.ports import Clock
from domain.shown_total import ShownTotalChanged
from domain.staff import NotAllowed, WrongRole
from domain.usecases.checkout import ShippingUnavailable
from domain.usecases.checkout_routing import CartChanged
from domain.usecases.customers import ensure_customer, known_customer, languages_of
from domain.usecases.dashboard import session_owner, use_stream_ticket
from handlers.errors import domain_message

log = logging.getLogger(__name__)
PROBLEM = "application/problem+json"
SESSION_COOKIE = "og_dashboard"
CSRF_HEADER = "X-CSRF-Token"
TICKET_SECONDS = 60  # an EventSource cannot send headers: it shows a ticket this fresh instead
RUNTIME = web.AppKey("webapp_runtime", Runtime)
VIEWER = web.RequestKey("webapp_viewer", object)
RENDER: web.AppKey[Callable[..., web.Response]] = web.AppKey("webapp_render")  # a page from templates/
# Telegram's clients load the page in their web view (or web.telegram.org's frame); the
# script tag of telegram-web-app.js is the only thing fetched from elsewhere.
CSP = (
    "default-src 'self'; script-src 'self' https://telegram.org; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'self' https://web.telegram.org https://*.telegram.org"
)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True, slots=True)
class Viewer:
    telegram_id: int
    via: str  # "initdata" (Telegram vouches for each request) or "cookie" (a browser session)
    first_name: str = ""
    last_name: str = ""
    username: str = ""
    language_code: str = ""
    session: str = ""  # the cookie's value, for the CSRF token


# A problem's title by its status, in the reader's language as its detail is (a class name,
# "WrongRole", told them nothing); a client tells problems apart by the status.
TITLES = {
    400: N_("Malformed request"),
    401: N_("Not signed in"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    405: N_("Method not allowed"),
    409: N_("Changed meanwhile"),
    413: N_("Too large"),
    415: N_("Unsupported format"),
    422: N_("Invalid request"),
    500: N_("Internal error"),
    502: N_("Telegram did not answer"),
}


class WebProblem(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail


def problem(status: int, detail: str, headers: dict[str, str] | None = None, title: str | None = None) -> web.Response:
    """A problem document (RFC 9457) titled by ``title`` (an ``N_`` text) or its status, in the reader's language."""
    named = title or TITLES.get(status, N_("Error"))
    body = {"type": "about:blank", "title": _(named), "status": status, "detail": detail}
    return web.json_response(body, status=status, content_type=PROBLEM, headers=headers)


class Signer:
    """Values only this shop can make: HMAC with a key derived from the bot token, so every
    process signs alike without configuration, and a new token ends every session."""

    def __init__(self, bot_token: str, clock: Clock) -> None:
        self.key = hmac.new(bot_token.encode(), b"ordergram webapp sessions", hashlib.sha256).digest()
        self.clock = clock

    def _mac(self, purpose: str, payload: str) -> str:
        return hmac.new(self.key, f"{purpose}|{payload}".encode(), hashlib.sha256).hexdigest()

    def make(self, purpose: str, telegram_id: int, seconds: float) -> str:
        payload = f"{telegram_id}.{int(self.clock.now().timestamp() + seconds)}.{secrets.token_urlsafe(12)}"
        return f"{payload}.{self._mac(purpose, payload)}"

    def read(self, purpose: str, value: str) -> int | None:
        """The telegram id in an unexpired value signed for ``purpose``; else None."""
        payload, _, mac = value.rpartition(".")
        if not payload or not hmac.compare_digest(mac.encode(), self._mac(purpose, payload).encode()):
            return None
        telegram_id, expires, _nonce = [*payload.split("."), "", "", ""][:3]
        if not telegram_id.isdigit() or not expires.isdigit() or int(expires) < self.clock.now().timestamp():
            return None
        return int(telegram_id)

    def csrf(self, session: str) -> str:
        return self._mac("csrf", session)


def viewer(request: web.Request) -> Viewer:
    found = request.get(VIEWER)
    if not isinstance(found, Viewer):
        raise WebProblem(401, _("Open this page from Telegram."))
    return found


async def _from_headers(request: web.Request, runtime: Runtime, signer: Signer) -> Viewer | None:
    header = request.headers.get("Authorization", "")
    if header.startswith("tma "):
        settings = runtime.settings
        try:
            data = validate(
                header.removeprefix("tma ").strip(),
                settings.bot_token,
                now=runtime.clock.now(),
                max_age_seconds=settings.webapp_auth_max_age_seconds,
            )
        except InvalidInitData as invalid:
            raise WebProblem(401, _(str(invalid))) from None
        u = data.user
        return Viewer(u.id, "initdata", u.first_name, u.last_name, u.username, u.language_code)
    ticket = request.query.get("ticket", "")
    if ticket and request.path.endswith("/events"):
        # The signature turns garbage and stale tickets away without a query; the stored ticket
        # lets it in once (a copied URL, a proxy's log, a replay gets nothing).
        telegram_id = signer.read("ticket", ticket)
        if telegram_id is None or telegram_id != await with_fresh_tries(
            use_stream_ticket, runtime.uow, runtime.clock, ticket=ticket
        ):
            raise WebProblem(401, _("The live updates' ticket is invalid or expired: reload the page."))
        return Viewer(telegram_id, "ticket")
    cookie = request.cookies.get(SESSION_COOKIE, "")
    if cookie:
        # The signature turns garbage away without a query; the stored session decides (it
        # ends on signing out, on expiry and when the staff member is removed).
        telegram_id = signer.read("session", cookie)
        if telegram_id is not None and await session_owner(runtime.uow(), runtime.clock, cookie=cookie) == telegram_id:
            return Viewer(telegram_id, "cookie", session=cookie)
    return None


def make_middlewares(runtime: Runtime, signer: Signer) -> list[Any]:
    i18n: I18n = runtime.i18n

    @web.middleware
    async def guarded(request: web.Request, handler: Handler) -> web.StreamResponse:
        """Security headers on every answer; every failure a problem document."""
        catalog = I18n.set_current(i18n)
        code = request.headers.get("Accept-Language", "")[:2]  # until a viewer says theirs
        language = i18n.ctx_locale.set(pick_language(None, code, i18n.default_locale, i18n.available_locales))
        try:
            response = await _authenticated(request, handler, code)
        except WebProblem as p:
            response = problem(p.status, p.detail)
        except DomainError as error:
            status = _status(error)
            detail = domain_message(error, html=False, timezone=runtime.settings.timezone)
            # A refusal of what was asked (an order past cancelling), not a field the app sent wrong.
            response = problem(status, detail, title=N_("Not accepted") if status == 422 else None)
        except web.HTTPException as http:
            if http.status < 400:
                raise
            detail = _("Nothing was found.") if http.status == 404 else http.reason or ""
            response = problem(http.status, detail)
        except Exception:
            log.exception("Mini App request failed: %s %s", request.method, quoted(request.path))
            response = problem(500, _("The request could not be completed."))
        finally:
            i18n.ctx_locale.reset(language)
            I18n.reset_current(catalog)
        if not response.prepared:
            response.headers.setdefault("Content-Security-Policy", CSP)
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
            response.headers.setdefault("Referrer-Policy", "no-referrer")
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    async def _authenticated(request: web.Request, handler: Handler, code: str) -> web.StreamResponse:
        if request.method not in ("GET", "HEAD"):
            origin = request.headers.get("Origin")
            if origin is not None and origin != f"{request.scheme}://{request.host}" and origin != _public(runtime):
                raise WebProblem(403, _("A request from another site was refused."))
        who = None
        if request.path.startswith("/app/api/"):
            who = await _from_headers(request, runtime, signer)
            if who is None:
                raise WebProblem(401, _("Open this page from Telegram, or sign in with /dashboard in the chat."))
            if who.via == "cookie" and request.method not in ("GET", "HEAD"):
                token = request.headers.get(CSRF_HEADER, "")
                if not hmac.compare_digest(token.encode("utf-8", "surrogateescape"), signer.csrf(who.session).encode()):
                    raise WebProblem(403, _("This page's security token is missing or wrong: reload the page."))
            request[VIEWER] = who
            # The chat's order: their own choice, then their Telegram app's (a browser session's
            # as last seen in chat), then the browser's.
            stored, app = await languages_of(runtime.uow(), who.telegram_id)
            use_language(runtime, stored, who.language_code or app or code)
        return await handler(request)

    return [guarded]


def use_language(runtime: Runtime, stored: str | None, telegram_code: str) -> str:
    """Switch the request's language to the customer's choice, as the chat does."""
    i18n = runtime.i18n
    locale = pick_language(stored, telegram_code, i18n.default_locale, i18n.available_locales)
    i18n.ctx_locale.set(locale)
    return locale


def _public(runtime: Runtime) -> str:
    url = runtime.settings.webapp_url or ""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}" if rest else ""


def _status(error: DomainError) -> int:
    if isinstance(error, NotAllowed | WrongRole):
        return 403
    if isinstance(error, NotFound):
        return 404
    # The app reads again what it showed: a price, the cart, a delivery rate changed or gone since (a gone one
    # offered again was a dead end).
    if isinstance(error, InsufficientStock | CartChanged | ShownTotalChanged | ShippingUnavailable):
        return 409
    return 422


def runtime_of(request: web.Request) -> Runtime:
    """The runtime serving the Mini App."""
    return request.app[RUNTIME]


async def customer_of(request: web.Request) -> Customer:
    """The customer behind the validated user (registered on first sight, as /start does);
    the request then speaks their language."""
    runtime, who = runtime_of(request), viewer(request)
    # A first visit writes the customer (a changed name updates it): given up by the database (a
    # deadlock's victim), written again, fresh, before the request's own use case runs.
    if who.via != "initdata":  # a browser session says only who: Telegram's last word on them stands
        customer = await with_fresh_tries(known_customer, runtime.uow, runtime.clock, telegram_id=who.telegram_id)
        use_language(runtime, customer.language, customer.telegram_language or "")
        return customer
    customer = await with_fresh_tries(
        ensure_customer,
        runtime.uow,
        runtime.clock,
        telegram_id=who.telegram_id,
        first_name=who.first_name or str(who.telegram_id),
        last_name=who.last_name or None,
        username=who.username or None,
        language_code=who.language_code or None,
    )
    use_language(runtime, customer.language, who.language_code)
    return customer
