"""The demo's Mini App scene: serve's web part answering the storefront and the dashboard as Telegram would ask."""

from __future__ import annotations

import json
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bot.harness import RunningBot
from bot.webapp import add_webapp
from bot.webapp.initdata import sign

CHROMIUM = "/usr/bin/chromium"


def signed_init_data(running: RunningBot, user_id: int, first_name: str) -> str:
    """What Telegram hands the Mini App when ``user_id`` opens it (signed with the bot's token)."""
    runtime = running.runtime
    fields = {
        "auth_date": str(int(runtime.clock.now().timestamp())),
        "user": json.dumps({"id": user_id, "first_name": first_name, "language_code": "en"}),
    }
    return sign(fields, runtime.settings.bot_token)


@asynccontextmanager
async def served(running: RunningBot) -> AsyncIterator[str]:
    """serve's web part (the Mini App under /app) on a free local port; its root URL."""
    app = web.Application()
    add_webapp(app, running.runtime)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


def telegram_stand_in(init_data: str) -> Callable[[Any], Any]:
    """Telegram's script is out of reach here: a stand-in carrying the signed initData."""
    return _fulfil_with(f"window.Telegram={{WebApp:{{initData:{json.dumps(init_data)},ready(){{}}}}}};")


async def mini_app(
    running: RunningBot,
    customer: tuple[int, str],
    admin: tuple[int, str],
    transcript: list[str],
    scene: Callable[[str], None],
    keep: Path | None,
) -> None:
    scene("The Mini App (ordergram serve, /app): Alice's storefront and Ada's live dashboard")
    alice = {"Authorization": "tma " + signed_init_data(running, *customer)}
    ada = {"Authorization": "tma " + signed_init_data(running, *admin)}
    async with served(running) as root:
        urls = f"storefront: {root}/app/shop · dashboard: {root}/app/dashboard"
        transcript.append(f"🔗 {urls} (WEBAPP_URL in production)")
        async with aiohttp.ClientSession() as http:

            async def call(method: str, path: str, headers: dict[str, str], **kwargs: Any) -> Any:
                async with http.request(method, root + path, headers=headers, **kwargs) as answer:
                    return answer.status, await answer.json()

            _, categories = await call("GET", "/app/api/shop/categories", alice)
            transcript.append("📱 Alice: categories → " + ", ".join(f"{c['name']} ({c['count']})" for c in categories))
            _, grid = await call("GET", f"/app/api/shop/products?category={categories[0]['id']}", alice)
            shown = [f"{p['name']} {p['price']['text']}" for p in grid["products"][:3]]
            transcript.append(f"📱 Alice: {categories[0]['name']} grid → " + " · ".join(shown))
            first = grid["products"][0]
            _, cart = await call("POST", "/app/api/shop/cart", alice, json={"product_id": first["id"], "quantity": 2})
            lines = ", ".join(f"{x['quantity']} × {x['name']}" for x in cart["lines"])
            transcript.append(f"📱 Alice: add 2 → her cart (the chat's /cart too): {lines}, {cart['subtotal']['text']}")
            await call("POST", "/app/api/shop/cart", alice, json={"product_id": first["id"], "quantity": 0})
            forged = {"Authorization": alice["Authorization"].replace("Alice", "Mallory")}
            status, refused = await call("GET", "/app/api/shop/cart", forged)
            transcript.append(f"🛡 forged initData → {status} {refused['detail']}")
            product = await _variants(call, alice, transcript)
            ordered = await _my_orders(call, alice, ada, transcript)
            _, board = await call("GET", "/app/api/dashboard", ada)
            open_orders = _figures(board["by_status"])
            today = board["today"]
            revenue = " + ".join(a["text"] for a in today["revenue"]) or "0"
            # the returns tile's top reasons, as the page lists them under the count
            why = ", ".join(f"{r['label']}: {r['count']}" for r in board["return_reasons"])
            transcript.append(
                f"📊 Ada's dashboard: orders by status: {open_orders}; today: {today['orders']} order(s), {revenue}; "
                f"late {len(board['late'])}; low stock {board['low_stock']}; open returns {board['open_returns']}"
                f"{f' ({why})' if why else ''}; "
                f"unsent notifications {board['unsent']}"
            )
            await _details(call, ada, board, transcript)
            if keep is not None:
                pages = [("storefront", alice, "/app/shop"), ("dashboard", ada, "/app/dashboard")]
                if product is not None:
                    pages.append(("product", alice, f"/app/shop?product={product}"))
                await _screenshots(root, keep, pages, transcript)
                if ordered is not None:
                    await _order_screenshot(root, keep, alice, ordered, transcript)


Call = Callable[..., Awaitable[Any]]


async def _variants(call: Call, alice: dict[str, str], transcript: list[str]) -> int | None:
    """The T-shirt's page: the chat card's option buttons, only combinations that exist."""
    _, found = await call("GET", "/app/api/shop/products?q=T-shirt", alice)
    if not found["products"]:
        return None
    _, page = await call("GET", f"/app/api/shop/products/{found['products'][0]['id']}", alice)
    rows = [
        f"{row['name']}: " + " ".join(c["value"] + " ✖" * c["sold_out"] for c in row["choices"])
        for row in page["options"]
    ]
    transcript.append(f"📱 Alice: {page['name']} ({page['variant']}, {page['price']['text']}) → " + " · ".join(rows))
    return int(page["id"])


async def _my_orders(call: Call, alice: dict[str, str], other: dict[str, str], transcript: list[str]) -> str | None:
    """Alice's "My orders" and her latest order's screen, as /orders and /track show them in chat, then
    the screen of one refunded. None: no orders; else the refunded one's code ("" if none was)."""
    _, listed = await call("GET", "/app/api/shop/orders", alice)
    if not listed["orders"]:
        return None
    rows = " · ".join(f"{o['code']} {o['status_text']} {o['total']['text']}" for o in listed["orders"])
    transcript.append(f"📱 Alice: 📦 My orders (newest first, page 1 of {listed['pages']}) → {rows}")
    _, order = await call("GET", f"/app/api/shop/orders/{listed['orders'][0]['code']}", alice)
    parcels = ", ".join(
        f"{p['carrier']} {p['tracking']}" + (f" ({p['link']})" if p["link"] else "") for p in order["parcels"]
    )
    steps = " → ".join(e["text"] for e in order["timeline"])
    transcript.append(
        f"📱 Alice: order {order['code']} → {len(order['lines'])} line(s), {order['total']['text']}; "
        f"{order['delivery']['method']}; {order['payment']}; parcels: {parcels or 'none yet'}; timeline: {steps}"
    )
    await _order_actions(call, alice, other, order, transcript)
    return await _credited_order(call, alice, [o["code"] for o in listed["orders"][1:]], transcript)


async def _credited_order(call: Call, alice: dict[str, str], codes: list[str], transcript: list[str]) -> str:
    """Her order refunded (the holder returned): its screen lists its credit notes beside the receipt,
    each downloaded as the receipt is. The order's code ("" when none of hers has a credit note)."""
    for code in codes:
        _, order = await call("GET", f"/app/api/shop/orders/{code}", alice)
        notes = order["actions"]["credit_notes"]
        if not notes:
            continue
        labels = ", ".join(note["label"] for note in notes)
        transcript.append(f"📱 Alice: order {code} → {order['status_text']}, {order['total']['text']}; {labels}")
        for note in notes:
            _, link = await call("POST", f"/app/api/shop/orders/{code}/credit-notes/{note['number']}", alice, json={})
            transcript.append(
                f"📱 Alice: {note['label']} → {link['file_name']}, downloaded by Telegram from {link['url'][:28]}…"
            )
        return code
    return ""


async def _order_actions(
    call: Call, alice: dict[str, str], other: dict[str, str], order: dict[str, Any], transcript: list[str]
) -> None:
    """The order screen's actions, the chat's for that order: the receipt PDF downloaded, a return opening the
    chat at its first step; someone else's Cancel finds no order, and one from an old screen is refused."""
    actions, path = order["actions"], f"/app/api/shop/orders/{order['code']}"
    offered = [name for name in ("pay", "cancel") if actions[name]]
    offered += ["return (in the chat)"] if actions["return_link"] else []
    transcript.append(f"📱 Alice: order {order['code']}'s actions → " + ", ".join([*offered, "receipt"]))
    _, link = await call("POST", f"{path}/receipt", alice, json={})
    transcript.append(
        f"📱 Alice: 🧾 Receipt (PDF) → {link['file_name']}, downloaded by Telegram from {link['url'][:24]}…"
    )
    if actions["return_link"]:
        transcript.append(f"📱 Alice: ↩️ Return → the chat opens at its first step: {actions['return_link']}")
    if actions["contact_link"]:
        transcript.append(f"📱 Alice: 💬 Contact us → the chat opens about this order: {actions['contact_link']}")
    _, again = await call("POST", f"{path}/buy-again", alice, json={})
    in_cart = ", ".join(f"{line['sku']} × {line['quantity']}" for line in again["cart"]["lines"])
    transcript.append(f"📱 Alice: 🛒 Buy again → {again['said'][0]} {in_cart}")
    status, refused = await call("POST", f"{path}/cancel", other, json={})
    transcript.append(f"🛡 someone else's ✖ Cancel of it → {status} {refused['detail']}")
    if not actions["cancel"]:
        status, refused = await call("POST", f"{path}/cancel", alice, json={})
        transcript.append(f"📱 Alice: ✖ Cancel from an old screen → {status} {refused['detail']}")


async def _details(call: Call, ada: dict[str, str], board: dict[str, Any], transcript: list[str]) -> None:
    """What the tiles open: picking per warehouse, the hour chart's figures, the queue, an order's timeline."""
    picking = "; ".join(f"{code}: {_figures(stages)}" for code, stages in board["picking"].items())
    hours = _figures({f"{h:02d}:00": n for h, n in enumerate(board["hourly"]["orders"])})
    transcript.append(f"📊 picking per warehouse: {picking}; today's orders by hour: {hours}")
    _, queue = await call("GET", "/app/api/dashboard/lists/queue", ada)
    if queue["items"]:
        code = queue["items"][0]["code"]
        _, order = await call("GET", f"/app/api/dashboard/orders/{code}", ada)
        steps = " → ".join(e["status_label"] for e in order["timeline"])
        transcript.append(f"📊 queue: {len(queue['items'])} orders; {code}'s timeline: {steps}")


async def _order_screenshot(root: str, keep: Path, alice: dict[str, str], credited: str, transcript: list[str]) -> None:
    """📦 tapped, then the refunded order (its credit notes by the receipt), or the latest: its screen as a picture."""
    async with phone_page(alice["Authorization"].removeprefix("tma ")) as page:
        if page is None:
            return
        await page.goto(root + "/app/shop")
        await page.click("#orders-button")
        await page.click(f'button.order-row[data-order="{credited}"]' if credited else "button.order-row")
        await page.wait_for_selector("article.order")
        await page.screenshot(path=str(keep / "miniapp-order.png"))
        transcript.append(f"🖼 {keep / 'miniapp-order.png'}")


def _figures(counts: dict[str, int]) -> str:
    """The dashboard's counts as a person reads them: ``allocated 9 · picked 1``, or "none"."""
    return " · ".join(f"{name.replace('_', ' ')} {n}" for name, n in counts.items() if n) or "none"


def _fulfil_with(script: str) -> Callable[[Any], Any]:
    """Telegram's script is out of reach here: a stand-in carrying the signed initData."""

    async def fulfil(route: Any) -> None:
        await route.fulfill(body=script, content_type="application/javascript")

    return fulfil


@asynccontextmanager
async def phone_page(init_data: str) -> AsyncIterator[Any | None]:
    """A 390×844 page in Chromium, Telegram's script stood in for, when Chromium and
    Playwright are at hand (else None: the demo then saves no pictures)."""
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        yield None
        return
    if not shutil.which(CHROMIUM):
        yield None
        return
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = await browser.new_page(viewport={"width": 390, "height": 844})
            await page.route("https://telegram.org/**", telegram_stand_in(init_data))
            yield page
        finally:
            await browser.close()


async def _screenshots(
    root: str, keep: Path, pages: list[tuple[str, dict[str, str], str]], transcript: list[str]
) -> None:
    """With Chromium and Playwright at hand, the storefront, the dashboard and a product page as pictures."""
    for name, headers, path in pages:
        async with phone_page(headers["Authorization"].removeprefix("tma ")) as page:
            if page is None:
                return
            await page.goto(root + path)
            await page.wait_for_selector("article.product" if "product=" in path else "article, .tile")
            await page.screenshot(path=str(keep / f"miniapp-{name}.png"))
            transcript.append(f"🖼 {keep / f'miniapp-{name}.png'}")
