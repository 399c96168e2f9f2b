"""Reaching the Mini App: /shop, the menu button and a card open it, serve carries it; the staff
dashboard role-filtered, live, and signed in from a browser."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from bot.webapp import set_menu_button
from sandbox import SandboxUser
from sandbox.driver import Reply
from storage import models as m
from tests.e2e.conftest import ADMIN, hire, staff_shop
from tests.e2e.journeys import add_to_cart, place_cod_order
from tests.e2e.miniapp import URL, miniapp, next_snapshot, tma
from tests.fakes import FakeClock

pytestmark = pytest.mark.miniapp  # the shop fixture serves the Mini App
CUSTOMER = 501


async def test_dashboard_tiles_follow_the_role(shop: RunningBot) -> None:
    await hire(shop, 601, "Pia", "picker", "LON")
    async with miniapp(shop) as client:
        admin = await (await client.get("/app/api/dashboard", headers=tma(shop, ADMIN))).json()
        assert admin["today"] is not None and admin["low_stock"] is not None and admin["by_status"] is not None
        picker = await (await client.get("/app/api/dashboard", headers=tma(shop, 601))).json()
        assert picker["by_status"] is not None
        assert picker["today"] is None and picker["last_week"] is None and picker["unsent"] is None  # no money
        assert picker["open_returns"] is None
        stranger = await client.get("/app/api/dashboard", headers=tma(shop, CUSTOMER))
        assert stranger.status == 403


async def test_dashboard_stream_pushes_a_chat_order_on_the_open_stream(shop: RunningBot) -> None:
    """Pushed on the stream already open, not read again on a new one (nor polled): a wall-clock bound of 2 s from the
    start of the chat's checkout failed on a loaded machine runs that were right; 30 s only keeps a lost push from
    hanging the run."""
    ann = SandboxUser(shop.server, CUSTOMER, "Ann")
    async with miniapp(shop) as client:
        ticket = (await (await client.get("/app/api/dashboard/ticket", headers=tma(shop, ADMIN))).json())["ticket"]
        stream = await client.get(f"/app/api/dashboard/events?ticket={ticket}")
        assert stream.headers["Content-Type"] == "text/event-stream"
        first = await next_snapshot(stream)
        assert first["today"]["orders"] == 0
        await add_to_cart(ann, "23843", 2)
        placing = asyncio.create_task(place_cod_order(ann))
        while True:
            update = await asyncio.wait_for(next_snapshot(stream), 30.0)
            if update["today"]["orders"] == 1:
                break
        assert update["today"]["revenue"][0]["currency"] == "GBP"
        await placing
        stream.close()


async def test_browser_sign_in_link_works_once_and_cookie_changes_need_csrf(shop: RunningBot) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    reply = await admin.send("/dashboard")
    link = next(b["url"] for b in buttons(reply) if "url" in b)
    web_app = next(b["web_app"]["url"] for b in buttons(reply) if "web_app" in b)
    assert web_app == f"{URL}/app/dashboard" and link.startswith(f"{URL}/app/login?token=")
    token = link.split("token=", 1)[1]
    async with miniapp(shop) as client:
        page = await client.get(f"/app/login?token={token}")  # a link preview's GET spends nothing
        assert page.status == 200 and 'value="' + token in await page.text()
        signed_in = await client.post("/app/login", data={"token": token}, allow_redirects=False)
        assert signed_in.status == 303
        cookie = signed_in.cookies["og_dashboard"]
        assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["secure"]  # WEBAPP_URL is https
        client.session.cookie_jar.update_cookies({"og_dashboard": cookie.value})
        assert (await client.get("/app/api/dashboard")).status == 200
        again = await client.post("/app/login", data={"token": token}, allow_redirects=False)
        assert again.status == 401  # single use
        assert (await client.post("/app/api/logout")).status == 403  # no CSRF token
        me = await (await client.get("/app/api/me")).json()
        out = await client.post("/app/api/logout", headers={me["csrf_header"]: me["csrf"]})
        assert out.status == 200
        cross = await client.post("/app/login", data={"token": token}, headers={"Origin": "https://evil.example"})
        assert cross.status == 403


async def test_sign_in_link_expires_and_revoking_staff_ends_the_session(shop: RunningBot, clock: FakeClock) -> None:
    support = await hire(shop, 602, "Sam", "support")
    async with miniapp(shop) as client:
        old = await support.send("/dashboard")
        stale = _token(old)
        clock.advance(minutes=11)
        assert (await client.post("/app/login", data={"token": stale}, allow_redirects=False)).status == 401
        fresh = _token(await support.send("/dashboard"))
        signed_in = await client.post("/app/login", data={"token": fresh}, allow_redirects=False)
        client.session.cookie_jar.update_cookies({"og_dashboard": signed_in.cookies["og_dashboard"].value})
        assert (await client.get("/app/api/dashboard")).status == 200
        listed = await (await client.get("/app/api/sessions")).json()
        assert [s["current"] for s in listed] == [True]
        await SandboxUser(shop.server, ADMIN, "Ada").send("/revoke 602")
        assert (await client.get("/app/api/dashboard")).status == 401  # the session itself is gone
        async with shop.runtime.sessions() as session:
            assert (await session.scalars(select(m.WebSessionRow.telegram_id))).all() == []


async def test_a_browser_session_expires_and_signing_out_ends_it_on_the_server(
    shop: RunningBot, clock: FakeClock
) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    async with miniapp(shop) as client:
        for ending in ("expiry", "sign-out"):
            signed_in = await client.post(
                "/app/login", data={"token": _token(await admin.send("/dashboard"))}, allow_redirects=False
            )
            cookie = signed_in.cookies["og_dashboard"].value
            client.session.cookie_jar.update_cookies({"og_dashboard": cookie})
            assert (await client.get("/app/api/dashboard")).status == 200
            if ending == "expiry":
                clock.advance(hours=shop.runtime.settings.webapp_session_hours, seconds=1)
            else:
                me = await (await client.get("/app/api/me")).json()
                assert (await client.post("/app/api/logout", headers={me["csrf_header"]: me["csrf"]})).status == 200
                client.session.cookie_jar.update_cookies({"og_dashboard": cookie})  # a copy kept: worthless now
            assert (await client.get("/app/api/dashboard")).status == 401, ending


def buttons(reply: Reply) -> list[dict[str, Any]]:
    markup = reply.last.reply_markup or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


def _token(reply: Reply) -> str:
    return str(next(b["url"] for b in buttons(reply) if "url" in b)).split("token=", 1)[1]


async def test_shop_command_and_menu_button_open_the_mini_app(shop: RunningBot) -> None:
    ann = SandboxUser(shop.server, CUSTOMER, "Ann")
    reply = await ann.send("/shop")
    assert buttons(reply)[0]["web_app"]["url"] == f"{URL}/app/shop"
    await set_menu_button(shop.runtime)
    assert shop.server.menu_button == {"type": "web_app", "text": "Shop", "web_app": {"url": f"{URL}/app/shop"}}


async def test_the_menu_button_opens_the_shop_labelled_in_each_readers_language(shop: RunningBot) -> None:
    server, shop_page = shop.server, {"url": f"{URL}/app/shop"}
    await set_menu_button(shop.runtime)
    assert server.menu_button == {"type": "web_app", "text": "Shop", "web_app": shop_page}  # every chat's
    boris = SandboxUser(server, CUSTOMER + 1, "Борис", language_code="ru")
    await boris.send("/start")
    assert server.chat_menu_buttons[boris.id] == {"type": "web_app", "text": "Магазин", "web_app": shop_page}
    ann = SandboxUser(server, CUSTOMER, "Ann")
    await ann.send("/start")
    assert ann.id not in server.chat_menu_buttons  # the default language: every chat's button speaks it
    await ann.press((await ann.send("/language")).last, "Русский")
    assert server.chat_menu_buttons[ann.id]["text"] == "Магазин"
    await ann.press((await ann.send("/language")).last, "English")
    assert server.chat_menu_buttons[ann.id]["text"] == "Shop"


async def test_a_product_card_in_chat_opens_that_product_in_the_shop_and_not_without_webapp_url(
    shop: RunningBot, tmp_path: Path, clock: FakeClock
) -> None:
    ann = SandboxUser(shop.server, CUSTOMER, "Ann")
    await ann.send("/start")
    card = await ann.send("/start p_23166")
    async with shop.runtime.sessions() as session:
        product_id = await session.scalar(select(m.ProductRow.id).where(m.ProductRow.sku == "23166"))
    opens = [b["web_app"]["url"] for b in buttons(card) if "web_app" in b]
    assert opens == [f"{URL}/app/shop?product={product_id}"]
    (tmp_path / "plain").mkdir()
    async with staff_shop(tmp_path / "plain", clock) as plain:
        bea = SandboxUser(plain.server, CUSTOMER, "Bea")
        await bea.send("/start")
        assert not [b for b in buttons(await bea.send("/start p_23166")) if "web_app" in b]


async def test_without_webapp_url_shop_and_dashboard_say_it_is_not_set_up(tmp_path: Path, clock: FakeClock) -> None:
    async with staff_shop(tmp_path, clock) as bot:
        for command in ("/shop", "/dashboard"):
            assert "WEBAPP_URL" in (await SandboxUser(bot.server, ADMIN, "Ada").send(command)).last.text
        await set_menu_button(bot.runtime)
        assert bot.server.menu_button is None


async def test_serve_carries_the_mini_app_and_sets_the_menu_button(tmp_path: Path) -> None:
    import aiohttp

    from bot.harness import running_bot
    from bot.serving import start_webhook
    from tests.services import free_port, listening

    database = f"sqlite+aiosqlite:///{tmp_path / 'serve.sqlite3'}"
    async with running_bot(database, webhook_port=free_port(), webapp_url=URL, demo_catalog=False) as bot:
        await SandboxUser(bot.server, 1, "Ada").send("/start")  # the bot is polling
        runner, base = await listening(  # serve's server
            bot.runtime.settings, "webhook_port", lambda: start_webhook(bot.runtime, with_api=True, polling=True)
        )
        try:
            assert bot.server.menu_button is not None and bot.server.menu_button["web_app"]["url"] == f"{URL}/app/shop"
            async with aiohttp.ClientSession() as http:
                async with http.get(f"{base}/app/shop") as page:
                    assert page.status == 200 and "script-src 'self'" in page.headers["Content-Security-Policy"]
                    assert "<script>" not in await page.text()  # no inline script
                async with http.get(f"{base}/app/api/me") as me:
                    assert me.status == 401
        finally:
            await runner.cleanup()
