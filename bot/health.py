"""``/healthz``, ``/readyz`` and ``/metrics`` for operators, on serve's port or on ``HEALTH_PORT``.

The probes are open, as orchestrators expect: they show counts and ages, never a customer, an
order or a setting. ``/metrics`` shows the shop's figures (orders placed, holds), so it asks for
``METRICS_TOKEN`` as a bearer token, or, with none set, answers only this machine
(``metrics_refusal``)."""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
import os
from typing import Any

from aiogram.methods import GetMe
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.config import ConfigError
from bot.metrics import metrics_text
from bot.runtime import Runtime
from storage.migrate import newer_than_scripts
from storage.ops import head_revision, ops_figures

log = logging.getLogger(__name__)
RUNTIME = web.AppKey("ops_runtime", Runtime)
BOT_API_FRESH_S = 60.0  # the Bot API must have answered within this; else /readyz asks it (getMe)
PROBE_TIMEOUT_S = 5.0
HANDOVER_MARGIN_S = 10.0  # a tick's own lateness: the database slow to answer the lock's UPDATE


async def listen(runner: web.AppRunner, host: str, port: int, settings: str) -> None:
    """Start listening, or stop start-up with one line naming the settings (exit code 2), as
    for any bad value: a port another program holds, or an address this machine does not have."""
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as error:
        await runner.cleanup()
        reason = os.strerror(error.errno) if error.errno else str(error)
        raise ConfigError(f"{settings}: cannot listen on {host}:{port}: {reason}") from None


async def healthz(request: web.Request) -> web.Response:
    """Liveness: the process answers. Nothing else is asked, so a slow database never gets
    a live process restarted."""
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    ready, body = await readiness(request.app[RUNTIME])
    return web.json_response(body, status=200 if ready else 503)


async def metrics(request: web.Request) -> web.Response:
    refusal = metrics_refusal(request, request.app[RUNTIME].settings.metrics_token)
    if refusal is not None:
        return refusal
    body = await metrics_text(request.app[RUNTIME])
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


# Headers a proxy adds: a request carrying one came through a proxy, perhaps from the internet.
FORWARDING = ("X-Forwarded-For", "Forwarded", "X-Real-IP")


def metrics_refusal(request: web.Request, token: str | None) -> web.Response | None:
    """None when ``request`` may read the metrics, else the answer refusing it. With a token:
    ``Authorization: Bearer <token>`` (401 otherwise, from anywhere). Without: only a scraper on
    this machine, straight to the port (403 otherwise): a private network is not trusted, as
    nginx or another container sits on it, nor a loopback peer relaying with a forwarding header."""
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        # surrogateescape: a header's bytes that are no UTF-8 arrive as surrogates, not the token
        given_bytes = given.strip().encode("utf-8", "surrogateescape")
        if scheme.lower() == "bearer" and hmac.compare_digest(given_bytes, token.encode()):
            return None
        return web.Response(
            status=401,
            text="401: /metrics needs the header Authorization: Bearer <METRICS_TOKEN>\n",
            headers={"WWW-Authenticate": 'Bearer realm="ordergram metrics"'},
        )
    try:
        local = ipaddress.ip_address(request.remote or "").is_loopback
    except ValueError:  # a Unix socket or no peer: not known to be this machine
        local = False
    if local and not any(name in request.headers for name in FORWARDING):
        return None
    return web.Response(status=403, text="403: /metrics answers only this machine; set METRICS_TOKEN to scrape it\n")


async def readiness(runtime: Runtime) -> tuple[bool, dict[str, Any]]:
    """Whether this process can do its work, and each check's figures: the database answers
    at the schema this code expects, the Bot API answered within a minute, some process
    leads the scheduled jobs, no outbox message has waited too long, and Redis (when
    configured) answers."""
    checks: dict[str, dict[str, Any]] = {}
    now = runtime.clock.now()
    try:
        figures = await asyncio.wait_for(ops_figures(runtime.sessions, now), PROBE_TIMEOUT_S)
    except Exception as error:  # noqa: BLE001 - whatever it is, the answer is "not ready"
        checks["database"] = {"ok": False, "error": type(error).__name__}
    else:
        checks["database"] = {"ok": True}
        head = head_revision()
        # A newer version's schema is fine: migrations are additive, and during a rolling upgrade
        # (README "Upgrading") the old processes must stay ready on it until they are replaced.
        newer = figures.revision is not None and newer_than_scripts(frozenset({figures.revision}))
        checks["migrations"] = {
            "ok": figures.revision == head or newer,
            "revision": figures.revision,
            "latest": head,
        }
        # A lease that ended within a tick is being handed over (its process stopped, or died and
        # it expired): every live process looks at its next tick, and one takes it then.
        until, tick = figures.scheduler_lease_until, runtime.settings.jobs_tick_seconds + HANDOVER_MARGIN_S
        handover = figures.scheduler_holder is None and until is not None and (now - until).total_seconds() <= tick
        checks["scheduler"] = {
            "ok": figures.scheduler_holder is not None or handover,
            "leader_known": figures.scheduler_holder is not None,
        }
        age = max((now - figures.outbox_oldest).total_seconds(), 0.0) if figures.outbox_oldest else 0.0
        limit = runtime.settings.ready_outbox_max_age_seconds
        checks["outbox"] = {
            "ok": age <= limit,
            "backlog": figures.outbox_backlog,
            "oldest_unsent_seconds": round(age, 1),
            "max_age_seconds": limit,
        }
    checks["bot_api"] = await _bot_api(runtime)
    redis = getattr(runtime.dp.storage, "redis", None)  # REDIS_URL: several processes
    if redis is not None:  # every update takes its id and its user's lock there: without it none is handled
        checks["redis"] = await _redis(redis)
    failed = [name for name, check in checks.items() if not check["ok"]]
    return not failed, {"status": "not ready" if failed else "ready", "failed": failed, "checks": checks}


async def _redis(redis: Any) -> dict[str, Any]:
    try:
        await asyncio.wait_for(redis.ping(), PROBE_TIMEOUT_S)
    except Exception as error:  # noqa: BLE001 - whatever it is, the answer is "not ready"
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True}


async def _bot_api(runtime: Runtime) -> dict[str, Any]:
    """Fresh when any call got an answer within a minute; else one ``getMe`` now (a quiet
    webhook bot may not have called Telegram for a while)."""
    watch = runtime.bot_api
    since = watch.seconds_since_reached()
    if since is None or since > BOT_API_FRESH_S:
        async with watch.probing:
            since = watch.seconds_since_reached()
            if since is None or since > BOT_API_FRESH_S:
                try:
                    await runtime.bot(GetMe(), request_timeout=int(PROBE_TIMEOUT_S))
                except Exception as error:  # noqa: BLE001 - counted and remembered by the watch
                    log.warning("readiness: the Bot API did not answer getMe (%s)", type(error).__name__)
                since = watch.seconds_since_reached()
    ok = since is not None and since <= BOT_API_FRESH_S
    return {"ok": ok, "last_answer_seconds_ago": None if since is None else round(since, 1)}


def add_ops_routes(app: web.Application, runtime: Runtime) -> None:
    app[RUNTIME] = runtime
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)


async def start_ops_server(runtime: Runtime) -> web.AppRunner | None:
    """The small listener of ``HEALTH_PORT`` (None when unset): probes and metrics only."""
    settings = runtime.settings
    if settings.health_port is None:
        return None
    app = web.Application()
    add_ops_routes(app, runtime)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await listen(runner, settings.health_host, settings.health_port, "HEALTH_HOST/HEALTH_PORT")
    log.info(
        "health and metrics at http://%s:%s/healthz, /readyz, /metrics", settings.health_host, settings.health_port
    )
    return runner
