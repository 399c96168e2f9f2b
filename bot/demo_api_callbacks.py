"""The demo's intake API channel kept in step: its orders changed since a moment, and a signed status callback."""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import aiohttp
from aiohttp import web

from bot.callbacks import CallbackPoster, deliver_due_callbacks
from bot.demo_web_shop import serving_api
from bot.harness import RunningBot
from domain.callbacks import signature
from domain.orders import OrderStatus
from domain.usecases.callbacks import set_callback
from domain.usecases.orders import transition_order

SECOND = {
    "customer": {"name": "Bea Brown", "email": "bea@example.com", "phone": "+44 7700 900777"},
    "lines": [{"sku": "22197", "quantity": 2}],
    "currency": "GBP",
    "payment": "paid",
    "address": "5 High Street, Bath BA1 5AW",
    "shipping": "3.70",
    "reference": "WEB-1003",
}


async def order_feed_and_callback(
    running: RunningBot, token: str, staff_id: int, transcript: list[str], scene: Callable[[str], None]
) -> None:
    """The web shop sets a status callback, sends another order and asks what changed since an hour ago; what
    happens to the order reaches its own receiver, signed."""
    scene(
        "The web shop sets a status callback to a receiver of its own, sends another order and lists those changed"
        " since an hour ago; each change reaches the receiver, signed"
    )
    runtime = running.runtime
    since = (runtime.clock.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    got: list[tuple[dict[str, str], bytes]] = []

    async def hook(request: web.Request) -> web.Response:
        got.append((dict(request.headers), await request.read()))
        return web.Response(status=204)

    receiver = web.Application()
    receiver.router.add_post("/hook", hook)
    runner = web.AppRunner(receiver, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        secret = await set_callback(runtime.uow(), runtime.clock, channel="web shop", url=url)
        transcript.append(f"$ ordergram apikey callback 'web shop' {url}   → ogwh_… (the signing secret, shown once)")
        auth = {"Authorization": f"Bearer {token}"}
        async with serving_api(running) as root, aiohttp.ClientSession() as http:
            headers = {**auth, "Idempotency-Key": "web-1003"}
            async with http.post(f"{root}/api/v1/orders", json=SECOND, headers=headers) as answer:
                code = str((await answer.json())["code"])
            transcript.append(f"🌐 web shop: POST /api/v1/orders (Bea's, WEB-1003) → {answer.status} {code}")
            path = f"/api/v1/orders?changed_since={since}"
            async with http.get(root + path, headers=auth) as answer:
                page: dict[str, Any] = await answer.json()
            listed = [(order["code"], order["reference"], order["status"]) for order in page["orders"]]
            transcript.append(f"🌐 web shop: GET {path} → {answer.status} {listed}")
        await transition_order(
            runtime.uow(), runtime.clock, code=code, target=OrderStatus.PICKING, actor=f"staff:{staff_id}"
        )
        transcript.append(f"    (the warehouse starts picking order {code})")
        poster = CallbackPoster()
        try:
            await deliver_due_callbacks(runtime.uow(), runtime.clock, poster)  # the jobs' tick, by hand
        finally:
            await poster.close()
    finally:
        await runner.cleanup()
    for headers, body in got:
        event = json.loads(body)
        parts = dict(part.split("=", 1) for part in headers["Ordergram-Signature"].split(","))
        ok = hmac.compare_digest(signature(secret, int(parts["t"]), body), parts["v1"])
        transcript.append(
            f"📬 the web shop's receiver: {event['type']} {event['order_code']} {event['previous_status'] or '–'} →"
            f" {event['status']} · signature {'ok' if ok else 'WRONG'}"
        )
