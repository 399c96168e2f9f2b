"""The demo's web shop: orders over the HTTP intake API, and what an operator's probes and Prometheus read."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
from aiohttp import web

from bot.api import make_api_app
from bot.harness import RunningBot
from bot.health import add_ops_routes
from domain.apikeys import Scope
from domain.usecases.api_keys import create_api_key
from sandbox.driver import SandboxUser


async def web_shop(running: RunningBot, alice: SandboxUser, transcript: list[str], scene: Callable[[str], None]) -> str:
    """Another channel over the HTTP intake API (what `ordergram serve` adds): its key."""
    scene("A web shop sends orders over the HTTP API (ordergram serve); Alice follows hers in Telegram")
    runtime = running.runtime
    scopes = frozenset({Scope.ORDERS, Scope.STOCK_READ})
    token, _ = await create_api_key(runtime.uow(), runtime.clock, name="web shop", scopes=scopes)
    transcript.append(
        "$ ordergram apikey create 'web shop' --scope orders --scope stock:read   → og_… "
        "(shown once; only its hash is kept)"
    )
    async with serving_api(running) as root:
        code = await _orders(alice, token, root, transcript)
    await runtime.notifier.drain()
    told = running.server.chat_messages(alice.id)[-1]
    transcript.append("🔔 Alice's chat: " + "\n    ".join(told.text.splitlines()))
    await _dearer_edit_refused(alice, code, transcript)
    return token


async def _dearer_edit_refused(alice: SandboxUser, code: str, transcript: list[str]) -> None:
    """The web shop took the order's money, so only it takes what an edit adds: one more holder is refused, the
    customer told to ask the shop (``domain.editing.check_channel_paid``); nothing changed, nothing owed in Telegram."""
    screen = (await alice.send(f"/track {code}")).last
    editing = (await alice.press(screen, "✏️ Edit")).last
    plus = next(b for b in editing.buttons() if b["text"].startswith("➕"))
    refused = await alice.press_data(editing, plus["callback_data"], label=plus["text"])
    transcript.append(f"🤖 bot answers the press (an alert): {(refused.callback_answer or {}).get('text')}")


@asynccontextmanager
async def serving_api(running: RunningBot) -> AsyncIterator[str]:
    """The intake API and the operator's routes on a free local port, as ``ordergram serve`` runs them: its root URL."""
    runtime = running.runtime
    app = make_api_app(runtime.sessions, runtime.settings, runtime.clock)
    add_ops_routes(app, runtime)  # as on serve's port
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


async def _orders(alice: SandboxUser, token: str, root: str, transcript: list[str]) -> str:
    """The web shop's calls, Alice's order among them: its code."""
    base = f"{root}/api/v1"
    order = {
        "customer": {"name": "Alice", "telegram_id": alice.id, "email": "alice@example.com"},
        "lines": [{"sku": "22197", "quantity": 6}],
        "currency": "GBP",
        "payment": "paid",
        "address": "221B Baker Street, London NW1 6XE",
        "shipping": "3.70",
        "reference": "WEB-1001",
    }
    auth = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession() as http:

        async def call(method: str, path: str, note: str, **kwargs: Any) -> dict[str, Any]:
            async with http.request(method, base + path, **kwargs) as answer:
                body: dict[str, Any] = await answer.json()
            keys = ("code", "status", "total", "payment", "available", "field", "detail")
            shown = {k: body[k] for k in keys if k in body}  # "payment": "paid": taken at the web shop
            transcript.append(f"🌐 web shop: {method} /api/v1{path} ({note}) → {answer.status} {shown}")
            return body

        placed = await call("POST", "/orders", "new", json=order, headers={**auth, "Idempotency-Key": "web-1001"})
        await call(
            "POST", "/orders", "the same request again", json=order, headers={**auth, "Idempotency-Key": "web-1001"}
        )
        bad = {**order, "lines": [{"sku": "22197", "quantity": 0}]}
        await call("POST", "/orders", "a bad line", json=bad, headers={**auth, "Idempotency-Key": "web-1002"})
        await call("GET", "/stock?sku=22197", "stock", headers=auth)
        await call("GET", "/stock?skus=22197", "a typo in the query: refused, not ignored", headers=auth)
        asked = "?sku=22197&sku=85123A&sku=NOPE-1"
        async with http.get(f"{base}/stock/levels{asked}", headers=auth) as answer:
            feed: dict[str, Any] = await answer.json()
        levels = [(entry["sku"], entry["available"]) for entry in feed["stock"]]
        transcript.append(
            f"🌐 web shop: GET /api/v1/stock/levels{asked} (several at once; a catalog pages with ?limit=&cursor=)"
            f" → {answer.status} {levels} unknown {feed['unknown']}"
        )
        receipt = {"sku": "22197", "warehouse": "LON", "quantity": 100}
        await call("POST", "/stock/receipts", "goods in: not this key's scope", json=receipt, headers=auth)
        await call("GET", "/orders/NOPE1234", "an unknown order", headers=auth)
        await operator_view(http, root, transcript)
    return str(placed["code"])


OPERATOR_FIGURES = (
    "ordergram_orders_placed_total",
    'ordergram_bot_api_calls_total{method="sendMessage"',
    "ordergram_outbox_backlog",
    "ordergram_holds_active",
)


async def operator_view(http: aiohttp.ClientSession, root: str, transcript: list[str]) -> None:
    """What probes and Prometheus see on the same port (README, "Operating")."""
    async with http.get(f"{root}/healthz") as answer:
        transcript.append(f"🩺 operator: GET /healthz → {answer.status} {await answer.json()}")
    async with http.get(f"{root}/readyz") as answer:
        ready = await answer.json()
        note = "the demo runs the scheduled jobs by hand: no scheduler leads"
        transcript.append(f"🩺 operator: GET /readyz → {answer.status} failed {ready['failed']} ({note})")
    async with http.get(f"{root}/metrics") as answer:
        figures = [line for line in (await answer.text()).splitlines() if line.startswith(OPERATOR_FIGURES)]
    transcript.append("📈 operator: GET /metrics → " + "\n    ".join(figures))
