"""The staff dashboard's API: a role-filtered snapshot, live over server-sent events, and browser sign-in."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiogram.utils.i18n import gettext as _
from aiohttp import web

from bot.runtime import Runtime
from bot.webapp.board_details import add_detail_routes, hourly_json
from bot.webapp.events import ChangeFeed
from bot.webapp.payloads import money
from bot.webapp.security import (
    RENDER,
    RUNTIME,
    SESSION_COOKIE,
    TICKET_SECONDS,
    Signer,
    WebProblem,
    viewer,
)
from domain.contention import with_fresh_tries
from domain.errors import DomainError
from domain.money import Money
from domain.usecases.dashboard import (
    Dashboard,
    dashboard,
    issue_stream_ticket,
    late_orders,
    my_sessions,
    session_hash,
    session_owner,
    sign_in,
    sign_out,
)
from handlers.views.labels import label
from storage.ops import ops_figures

FEED = web.AppKey("webapp_feed", ChangeFeed)
SIGNER = web.AppKey("webapp_signer", Signer)
COALESCE_S = 0.2  # a burst of commits (a checkout writes several) makes one snapshot
HEARTBEAT_S = 15.0  # keeps proxies from closing an idle stream
# Lateness changes by the day (and "on hold" is its own count, live): read it at most this often,
# since it reads whole open orders while the rest of a snapshot is a few counts.
LATE_REFRESH_S = 60.0


class LateOrders:
    """The late list, shared by every page of this process and refreshed every ``LATE_REFRESH_S``."""

    def __init__(self) -> None:
        self.codes: list[str] = []
        self.read_at = -LATE_REFRESH_S
        self.lock = asyncio.Lock()

    async def get(self, runtime: Runtime, staff_id: int) -> list[str]:
        async with self.lock:
            now = asyncio.get_running_loop().time()
            if now - self.read_at >= LATE_REFRESH_S:
                settings = runtime.settings
                self.codes = await late_orders(
                    runtime.uow(), runtime.clock, staff_id=staff_id, timezone=settings.timezone
                )
                self.read_at = now
            return self.codes


def _runtime(request: web.Request) -> Runtime:
    return request.app[RUNTIME]


async def snapshot(runtime: Runtime, staff_id: int, late: LateOrders) -> dict[str, Any]:
    board: Dashboard = await dashboard(
        runtime.uow(), runtime.clock, staff_id=staff_id, timezone=runtime.settings.timezone
    )
    out: dict[str, Any] = {
        "role": board.role,
        "by_status": board.by_status,
        "late": await late.get(runtime, staff_id) if board.by_status is not None else None,
        "low_stock": board.low_stock,
        "open_returns": board.open_returns,
        # the open ones' top reasons, in the reader's words as /returns says them
        "return_reasons": None
        if board.return_reasons is None
        else [
            {"reason": reason.value, "label": label("return_reason", reason.value), "count": n}
            for reason, n in board.return_reasons
        ],
        "today": None,
        "last_week": None,
        "unsent": None,
        "status_labels": {code: label("status", code) for code in board.by_status or {}},  # reader's language
        "picking": board.picking,
        "hourly": hourly_json(board.hourly),
    }
    if board.today is not None and board.last_week is not None:
        for name, day in (("today", board.today), ("last_week", board.last_week)):
            amounts = [money(Money(minor, currency)) for currency, minor in sorted(day.revenue.items())]
            nothing = [money(Money(0, runtime.settings.default_currency))]  # a quiet day's revenue is money too
            out[name] = {"orders": day.orders, "revenue": amounts or nothing}
        # today's refunds owed, cash never collected and net, in the base currency as /report says them
        given_back = {"refunds": board.today.refunds, "uncollected": board.today.uncollected_cash}
        out["today"] |= {name: money(amount) for name, amount in given_back.items()} | {"net": money(board.today.net)}
        # Unsent notifications are an operator's figure: shown with the money, to managers.
        out["unsent"] = (await ops_figures(runtime.sessions, runtime.clock.now())).outbox_backlog
    return out


async def get_dashboard(request: web.Request) -> web.Response:
    return web.json_response(await snapshot(_runtime(request), viewer(request).telegram_id, request.app[LATE]))


async def get_ticket(request: web.Request) -> web.Response:
    """What the page's EventSource shows instead of a header it cannot send."""
    runtime, signer = _runtime(request), request.app[SIGNER]
    ticket = await with_fresh_tries(  # given up by the database (a deadlock's victim): whole again
        issue_stream_ticket,
        runtime.uow,
        runtime.clock,
        telegram_id=viewer(request).telegram_id,
        ticket_for=lambda telegram_id: signer.make("ticket", telegram_id, TICKET_SECONDS),
        seconds=TICKET_SECONDS,
    )
    return web.json_response({"ticket": ticket})


async def get_events(request: web.Request) -> web.StreamResponse:
    """``snapshot`` events: one at once, then within ``COALESCE_S`` of each change this
    process commits or hears of (Redis); the role is checked again with each one, so a
    revoked staff member's stream ends at the next change."""
    runtime, who = _runtime(request), viewer(request)
    first = await snapshot(runtime, who.telegram_id, request.app[LATE])  # refused before the stream starts
    # A browser's stream (its session cookie came with it) lasts while that session does: signed
    # out or expired, it ends at the next change as a removed staff member's does.
    cookie = request.cookies.get(SESSION_COOKIE, "")
    if request.app[SIGNER].read("session", cookie) != who.telegram_id:
        cookie = ""  # none, or not this staff member's: the ticket alone decides, as in Telegram
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    )
    await response.prepare(request)
    try:
        await response.write(_event("snapshot", first))
        async with request.app[FEED].subscription() as changed:
            while True:
                try:
                    await asyncio.wait_for(changed.wait(), HEARTBEAT_S)
                except TimeoutError:
                    await response.write(b": keep-alive\n\n")
                    continue
                await asyncio.sleep(COALESCE_S)
                changed.clear()
                if cookie and await session_owner(runtime.uow(), runtime.clock, cookie=cookie) != who.telegram_id:
                    break
                try:
                    data = await snapshot(runtime, who.telegram_id, request.app[LATE])
                except DomainError:
                    break
                await response.write(_event("snapshot", data))
        await response.write_eof()
    except ConnectionError:  # the page closed: nothing more to say
        pass
    return response


def _event(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


# ---- browser sign-in: /dashboard in chat sends a one-time link ----


async def get_login(request: web.Request) -> web.Response:
    """A page with a button: the link is used by the POST, so a link preview or a
    prefetching browser that GETs it does not spend it."""
    token = request.query.get("token", "")
    page = request.app[RENDER]("login.html.j2", token=token)
    # Under "no-referrer" a browser's form POST says "Origin: null", which the cross-site check
    # refuses: the button's own origin must go with it (to this server only).
    page.headers["Referrer-Policy"] = "same-origin"
    return page


async def post_login(request: web.Request) -> web.Response:
    runtime = _runtime(request)
    try:
        token = str((await request.post()).get("token", ""))
    except ValueError:  # a body of bytes that are no UTF-8 (UnicodeDecodeError): no link's token
        token = ""
    if not token.isascii():  # a link's token is; a multipart part's stray bytes come as surrogates
        token = ""
    hours = runtime.settings.webapp_session_hours
    signer = request.app[SIGNER]
    try:
        _member, cookie = await with_fresh_tries(  # given up by the database: the link spent on the next try
            sign_in,
            runtime.uow,
            runtime.clock,
            token=token,
            cookie_for=lambda telegram_id: signer.make("session", telegram_id, hours * 3600),
            hours=hours,
            agent=request.headers.get("User-Agent", ""),
        )
    except DomainError:
        said = _("This sign-in link is invalid, expired or already used.")
        if "text/html" not in request.headers.get("Accept", ""):
            raise WebProblem(401, said) from None
        page = request.app[RENDER]("login.html.j2", token="", error=said)  # the form posted: a page answers
        page.set_status(401)
        return page
    response = web.HTTPSeeOther("/app/dashboard")
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=hours * 3600,
        path="/app",
        httponly=True,
        secure=request.secure or (runtime.settings.webapp_url or "").startswith("https://"),
        samesite="Strict",
    )
    raise response


async def post_logout(request: web.Request) -> web.Response:
    who = viewer(request)
    if who.via == "cookie":
        await with_fresh_tries(sign_out, _runtime(request).uow, telegram_id=who.telegram_id, cookie=who.session)
    response = web.json_response({"signed_out": True})
    response.del_cookie(SESSION_COOKIE, path="/app")
    return response


async def get_sessions(request: web.Request) -> web.Response:
    """The reader's own browser sessions (the one asking marked), as stored."""
    runtime, who = _runtime(request), viewer(request)
    current = session_hash(who.session) if who.via == "cookie" else ""
    found = await my_sessions(runtime.uow(), runtime.clock, telegram_id=who.telegram_id)
    return web.json_response(
        [
            {
                "created": s.created_at.isoformat(),
                "expires": s.expires_at.isoformat(),
                "agent": s.agent,
                "current": s.token_hash == current,
            }
            for s in found
        ]
    )


LATE = web.AppKey("webapp_late", LateOrders)


def add_board_routes(app: web.Application) -> None:
    app[LATE] = LateOrders()
    app.router.add_get("/api/dashboard", get_dashboard)
    app.router.add_get("/api/dashboard/ticket", get_ticket)
    app.router.add_get("/api/dashboard/events", get_events)
    app.router.add_post("/api/logout", post_logout)
    app.router.add_get("/api/sessions", get_sessions)
    app.router.add_get("/login", get_login)
    add_detail_routes(app)
    app.router.add_post("/login", post_login)
