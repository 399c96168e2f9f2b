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
from domain.returns import ReturnKind, ReturnMethod, ReturnReason
from domain.usecases.callbacks import remove_callback, set_callback
from domain.usecases.dispatch import mark_delivered, ship_order
from domain.usecases.orders import transition_order
from domain.usecases.return_handling import decide_return, inspect_line, mark_received, resolve_return
from domain.usecases.returns import request_return

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
    happens to the order, and to the replacement its exchange sends, reaches its own receiver, signed; the callback
    removed, the event waiting is dropped."""
    scene(
        "The web shop sets a status callback to a receiver of its own, sends another order and lists those changed"
        " since an hour ago; each change reaches the receiver, signed, an exchange's replacement too; the receiver"
        " removed, what waited for it is dropped"
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
            async with http.get(f"{root}/api/v1/stock/levels", params={"limit": "100"}, headers=auth) as answer:
                synced: dict[str, Any] = await answer.json()
            note = f"its stock sync: {len(synced['stock'])} products; it keeps the answer's changes_token"
            transcript.append(f"🌐 web shop: GET /api/v1/stock/levels?limit=100 ({note}) → {answer.status}")
            headers = {**auth, "Idempotency-Key": "web-1003"}
            async with http.post(f"{root}/api/v1/orders", json=SECOND, headers=headers) as answer:
                code = str((await answer.json())["code"])
            transcript.append(f"🌐 web shop: POST /api/v1/orders (Bea's, WEB-1003) → {answer.status} {code}")
            path = f"/api/v1/orders?changed_since={since}"
            async with http.get(root + path, headers=auth) as answer:
                page: dict[str, Any] = await answer.json()
            listed = [(order["code"], order["reference"], order["status"]) for order in page["orders"]]
            transcript.append(f"🌐 web shop: GET {path} → {answer.status} {listed}")
            # The next sync reads only what moved since (the stock feed's changes_token), not every product again.
            changed = {"changed_since": synced["changes_token"]}
            async with http.get(f"{root}/api/v1/stock/levels", params=changed, headers=auth) as answer:
                moved = [(entry["sku"], entry["available"]) for entry in (await answer.json())["stock"]]
            transcript.append(
                f"🌐 web shop: GET /api/v1/stock/levels?changed_since=… (its next sync) → {answer.status} {moved}"
            )
        await transition_order(
            runtime.uow(), runtime.clock, code=code, target=OrderStatus.PICKING, actor=f"staff:{staff_id}"
        )
        transcript.append(f"    (the warehouse starts picking order {code})")
        poster = CallbackPoster()
        try:
            await deliver_due_callbacks(runtime.uow(), runtime.clock, poster)  # the jobs' tick, by hand
            _told(transcript, secret, got)
            new = await _exchanged(running, code, staff_id)
            transcript.append(
                f"    (order {code} is delivered; one popcorn holder came broken: Bea's exchange is resolved,"
                f" order {new} sent)"
            )
            await deliver_due_callbacks(runtime.uow(), runtime.clock, poster)
            _told(transcript, secret, got)
        finally:
            await poster.close()
    finally:
        await runner.cleanup()
    # The receiver is retired before the change below reaches it: what waits for it is dropped, not sent later.
    await transition_order(
        runtime.uow(), runtime.clock, code=new, target=OrderStatus.PICKING, actor=f"staff:{staff_id}"
    )
    dropped = await remove_callback(runtime.uow(), channel="web shop")
    transcript.append(f"    (the warehouse starts picking order {new}; the web shop retires its receiver)")
    transcript.append(f"$ ordergram apikey callback 'web shop' --remove   → removed, {dropped} waiting event dropped")


def _told(transcript: list[str], secret: str, got: list[tuple[dict[str, str], bytes]]) -> None:
    """The receiver's events since the last time, each with its signature checked as README says."""
    for headers, body in got:
        event = json.loads(body)
        parts = dict(part.split("=", 1) for part in headers["Ordergram-Signature"].split(","))
        ok = hmac.compare_digest(signature(secret, int(parts["t"]), body), parts["v1"])
        step = f"{event['previous_status'] or '–'} → {event['status']}"
        if event["return_code"]:
            step = f"return {event['return_code']} {event['return_status']}"
        original = f" (replacing {event['original_order_code']})" if event["original_order_code"] else ""
        transcript.append(
            f"📬 the web shop's receiver: {event['type']} {event['order_code']}{original} {step}"
            f" · signature {'ok' if ok else 'WRONG'}"
        )
    got.clear()


async def _exchanged(running: RunningBot, code: str, staff_id: int) -> str:
    """The web shop's order shipped and delivered, one unit returned damaged and exchanged: the replacement's code."""
    runtime = running.runtime
    uow, clock = runtime.uow, runtime.clock
    for step in (OrderStatus.PICKED, OrderStatus.PACKED):
        await transition_order(uow(), clock, code=code, target=step, actor=f"staff:{staff_id}")
    await ship_order(uow(), clock, staff_id=staff_id, code=code, carrier="DPD", tracking="DPD-DEMO-1003")
    order = await mark_delivered(uow(), clock, staff_id=staff_id, code=code)
    request = await request_return(
        uow(),
        clock,
        customer_id=order.customer_id,
        code=code,
        kind=ReturnKind.EXCHANGE,
        reason=ReturnReason.DAMAGED,
        method=ReturnMethod.DROP_OFF,
        quantities={order.lines[0].id or 0: 1},
        window_days=runtime.settings.return_window_days,
    )
    rma = request.rma_code
    await decide_return(uow(), clock, staff_id=staff_id, rma=rma, approve=True)
    await mark_received(uow(), clock, staff_id=staff_id, rma=rma)
    for line in request.lines:
        await inspect_line(uow(), clock, staff_id=staff_id, rma=rma, line_id=line.id or 0, restock=False)
    done = await resolve_return(uow(), clock, staff_id=staff_id, rma=rma, policy=runtime.settings.checkout_policy())
    reading = uow()
    async with reading.read_only():
        replacement = await reading.orders.get_by_id(done.replacement_order_id or 0)
    assert replacement is not None
    return replacement.code
