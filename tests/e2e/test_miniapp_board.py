"""The dashboard's detail views: every tile opens the list or the record behind it, through the
chat's own use cases, so a role sees there exactly what it sees in chat (and nothing by guessing ids)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import select, update

from bot.harness import RunningBot
from domain.usecases.reorder_scan import reorder_scan
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN, hire, staff_shop
from tests.e2e.journeys import add_to_cart, order_code, place_cod_order
from tests.e2e.miniapp import miniapp, next_snapshot, tma
from tests.fakes import FakeClock

CUSTOMER = 501
PICKER, SUPPORT = 601, 602


@pytest.fixture
async def shop(tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    async with staff_shop(tmp_path, clock, webapp_url="https://shop.test") as bot:
        yield bot


async def an_order(shop: RunningBot) -> str:
    ann = SandboxUser(shop.server, CUSTOMER, "Ann")
    await add_to_cart(ann, "23843", 2)
    return order_code(await place_cod_order(ann))


async def a_message_waiting_to_be_retried(shop: RunningBot, clock: FakeClock) -> None:
    async with shop.runtime.sessions() as session, session.begin():
        session.add(
            m.OutboxRow(
                chat_id=CUSTOMER,
                template="order_shipped",
                params="{}",
                created_at=clock.now(),
                next_attempt_at=clock.now() + timedelta(hours=1),
                attempts=2,
                last_error="429",
            )
        )


async def get(
    client: TestClient[web.Request, web.Application], path: str, shop: RunningBot, who: int, *, language: str = "en"
) -> Any:
    response = await client.get(path, headers=tma(shop, who, language=language))
    assert response.status == 200, (path, await response.text())
    return await response.json()


async def test_the_snapshot_counts_picking_per_warehouse_and_draws_todays_orders_and_revenue_by_hour(
    shop: RunningBot,
) -> None:
    code = await an_order(shop)
    async with miniapp(shop) as client:
        board = await get(client, "/app/api/dashboard", shop, ADMIN)
        detail = await get(client, f"/app/api/dashboard/orders/{code}", shop, ADMIN)
    assert board["picking"]["LON"] == {"allocated": 1, "picking": 0, "picked": 0, "packed": 0}
    hourly = board["hourly"]
    hour = shop.runtime.clock.now().hour  # the shop's zone is UTC here
    assert hourly["orders"][hour] == 1 and sum(hourly["orders"]) == 1
    assert hourly["revenue"]["GBP"][hour]["minor"] == hourly["in_base"][hour]["minor"] == detail["total"]["minor"]
    svg = hourly["svg"]
    assert svg.startswith("<svg") and f'data-hour="{hour}" data-orders="1"' in svg and 'class="revenue"' in svg
    assert "<script" not in svg


async def test_every_tile_opens_the_list_or_record_behind_it(shop: RunningBot, clock: FakeClock) -> None:
    code = await an_order(shop)
    clock.advance(days=10)  # the order had to leave days ago
    await a_message_waiting_to_be_retried(shop, clock)
    async with miniapp(shop) as client:
        order = await get(client, f"/app/api/dashboard/orders/{code}", shop, ADMIN)
        assert [x["sku"] for x in order["lines"]] == ["23843"] and order["allocations"]["LON"][0]["quantity"] == 2
        assert [e["status"] for e in order["timeline"]][-1] == "allocated" and order["timeline"][0]["at"]
        product = await get(client, "/app/api/dashboard/products/23843", shop, ADMIN)
        lon = next(w for w in product["warehouses"] if w["code"] == "LON")
        assert lon["reserved"] == 2 and sum(b["quantity"] for b in lon["bins"]) == lon["on_hand"] > 0
        lists = {
            name: (await get(client, f"/app/api/dashboard/lists/{name}", shop, ADMIN))["items"]
            for name in ("late", "on_hold", "queue", "low_stock", "open_returns", "unsent")
        }
        lon_queue = await get(client, "/app/api/dashboard/lists/queue?warehouse=LON", shop, ADMIN)
    assert [x["code"] for x in lists["late"]] == [code] and lists["on_hold"] == []
    assert [x["code"] for x in lists["queue"]] == [x["code"] for x in lon_queue["items"]] == [code]
    assert ("22616", "MAN") in {(x["sku"], x["warehouse"]) for x in lists["low_stock"]}  # the demo's, as /lowstock
    assert lists["open_returns"] == []
    assert [(x["template"], x["attempts"], x["error"]) for x in lists["unsent"]] == [("order_shipped", 2, "429")]


async def test_detail_views_follow_the_chats_role_rules_and_guessed_ids_get_problems(shop: RunningBot) -> None:
    code = await an_order(shop)
    await hire(shop, PICKER, "Pia", "picker", "LON")
    await hire(shop, SUPPORT, "Sam", "support")
    async with miniapp(shop) as client:

        async def status(path: str, who: int) -> int:
            response = await client.get(path, headers=tma(shop, who))
            assert response.content_type == ("application/json" if response.ok else "application/problem+json")
            return response.status

        picker = await get(client, "/app/api/dashboard", shop, PICKER)
        assert picker["hourly"]["revenue"] is None and 'class="revenue"' not in picker["hourly"]["svg"]
        assert sum(picker["hourly"]["orders"]) == 1 and picker["picking"]["LON"]["allocated"] == 1
        refused = {
            (PICKER, "/app/api/dashboard/lists/unsent"): 403,  # no money, no operator figures
            (PICKER, "/app/api/dashboard/lists/open_returns"): 403,  # /returns is not a picker's
            (SUPPORT, "/app/api/dashboard/products/23843"): 403,  # nor /stock support's
            (SUPPORT, "/app/api/dashboard/lists/low_stock"): 403,
            (CUSTOMER, f"/app/api/dashboard/orders/{code}"): 403,  # her own order, but not the staff view
            (CUSTOMER, "/app/api/dashboard/lists/late"): 403,
            (ADMIN, "/app/api/dashboard/orders/NOPE42"): 404,
            (ADMIN, "/app/api/dashboard/products/NO-SUCH-SKU"): 404,
            (ADMIN, "/app/api/dashboard/lists/customers"): 404,
            (ADMIN, "/app/api/dashboard/lists/queue?warehouse=XXX"): 404,
        }
        for (who, path), expected in refused.items():
            assert await status(path, who) == expected, (who, path)
        assert await status(f"/app/api/dashboard/orders/{code}", PICKER) == 200  # /order is every role's
        assert await status("/app/api/dashboard/lists/open_returns", SUPPORT) == 200


async def test_a_browser_session_reads_the_dashboard_in_the_staff_members_language(shop: RunningBot) -> None:
    """Signed in with the chat's link, a Russian-speaking staff member reads the tiles' labels,
    the chart and the lists in Russian, as /api/me and the chat speak to them (a cookie carries
    no language: the staff member's own is the one)."""
    support = await hire(shop, SUPPORT, "Сэм", "support", language="ru")
    markup = (await support.send("/dashboard")).last.reply_markup or {}
    link = next(b["url"] for row in markup["inline_keyboard"] for b in row if "url" in b)
    async with miniapp(shop) as client:
        signed_in = await client.post("/app/login", data={"token": link.split("token=", 1)[1]}, allow_redirects=False)
        client.session.cookie_jar.update_cookies({"og_dashboard": signed_in.cookies["og_dashboard"].value})
        me = await (await client.get("/app/api/me")).json()
        board = await (await client.get("/app/api/dashboard")).json()
        missing = await (await client.get("/app/api/dashboard/orders/NOPE42")).json()
    async with shop.runtime.sessions() as session:
        name = await session.scalar(select(m.CustomerRow.first_name).where(m.CustomerRow.telegram_id == SUPPORT))
    assert name == "Сэм"  # the session knows only who: the name Telegram gave stands
    assert me["language"] == "ru"
    assert board["status_labels"]["on_hold"] == "приостановлен"
    assert 'aria-label="Заказы"' in board["hourly"]["svg"]
    assert missing["detail"] == "Ничего не найдено."


async def test_the_pages_refusals_are_said_in_the_readers_language(shop: RunningBot) -> None:
    """What the dashboard shows when it is refused (an expired or forged initData, no sign-in, a
    change without its CSRF token, a path that is not there) reads in Russian to a Russian reader."""
    russian = {"Accept-Language": "ru-RU,ru;q=0.9"}
    expired = {**tma(shop, ADMIN, language="ru", age_s=10**6), **russian}
    forged = {"Authorization": "tma auth_date=1&user=%7B%22id%22%3A1%7D&hash=00", **russian}
    async with miniapp(shop) as client:
        answers = [
            await client.get("/app/api/dashboard", headers=expired),
            await client.get("/app/api/dashboard", headers=forged),
            await client.get("/app/api/dashboard", headers=russian),
            await client.get("/app/api/dashboard/events?ticket=1.2.3.bad", headers=russian),
            await client.post("/app/api/logout", headers={**russian, "Origin": "https://evil.example"}),
            await client.get("/app/api/nothing-here", headers={**tma(shop, ADMIN, language="ru"), **russian}),
        ]
        details = [(a.status, (await a.json())["detail"]) for a in answers]
    assert [status for status, _ in details] == [401, 401, 401, 401, 403, 404]
    for _status, detail in details:
        assert re.search("[а-яА-Я]", detail) and not re.search(
            "[a-zA-Z]{3}", detail.replace("Telegram", "").replace("/dashboard", "")
        ), detail


async def test_a_spent_sign_in_link_answers_the_browser_with_a_page_in_its_language(shop: RunningBot) -> None:
    """The sign-in button posts a form: a link already used (or too old) answers a page saying so
    in the browser's language, with the way to a new one; not a JSON document the browser prints."""
    markup = (await SandboxUser(shop.server, ADMIN, "Ada").send("/dashboard")).last.reply_markup or {}
    link = next(b["url"] for row in markup["inline_keyboard"] for b in row if "url" in b)
    token = link.split("token=", 1)[1]
    browser = {"Accept": "text/html,application/xhtml+xml", "Accept-Language": "ru-RU,ru;q=0.9"}
    async with miniapp(shop) as client:
        first = await client.post("/app/login", data={"token": token}, allow_redirects=False, headers=browser)
        again = await client.post("/app/login", data={"token": token}, allow_redirects=False, headers=browser)
        page = await again.text()
    assert first.status == 303
    assert (again.status, again.content_type) == (401, "text/html")
    assert "Ссылка для входа неверна, устарела или уже использована." in page and "/dashboard" in page
    assert 'name="token"' not in page  # nothing left to press


async def test_a_signed_out_browsers_live_stream_ends_at_the_next_change(shop: RunningBot) -> None:
    """The event stream was let in by a ticket, once: signed out (or its session over), the browser
    got every later snapshot for as long as the page stayed open. It now ends at the next change."""
    markup = (await SandboxUser(shop.server, ADMIN, "Ada").send("/dashboard")).last.reply_markup or {}
    link = next(b["url"] for row in markup["inline_keyboard"] for b in row if "url" in b)
    async with miniapp(shop) as client:
        signed_in = await client.post("/app/login", data={"token": link.split("token=", 1)[1]}, allow_redirects=False)
        client.session.cookie_jar.update_cookies({"og_dashboard": signed_in.cookies["og_dashboard"].value})
        me = await (await client.get("/app/api/me")).json()
        ticket = (await (await client.get("/app/api/dashboard/ticket")).json())["ticket"]
        stream = await client.get(f"/app/api/dashboard/events?ticket={ticket}")
        assert (await asyncio.wait_for(next_snapshot(stream), 2.0))["role"] == "admin"
        assert (await client.post("/app/api/logout", headers={me["csrf_header"]: me["csrf"]})).status == 200
        await an_order(shop)
        rest = await asyncio.wait_for(stream.content.read(), 5.0)  # the stream ends
    assert b"event: snapshot" not in rest


async def test_a_hidden_product_in_the_low_stock_list_opens_its_stock(shop: RunningBot) -> None:
    """Hidden from customers while it is restocked, a product still has shelves: the low-stock
    tile lists it, and its row opened "Nothing was found" (the customers' search was asked)."""
    async with shop.runtime.sessions() as session, session.begin():
        await session.execute(update(m.ProductRow).where(m.ProductRow.sku == "22616").values(status="hidden"))
    async with miniapp(shop) as client:
        low = (await get(client, "/app/api/dashboard/lists/low_stock", shop, ADMIN))["items"]
        assert ("22616", "MAN") in {(x["sku"], x["warehouse"]) for x in low}
        product = await get(client, "/app/api/dashboard/products/22616", shop, ADMIN)
    man = next(w for w in product["warehouses"] if w["code"] == "MAN")
    assert product["sku"] == "22616" and man["available"] == 3 and man["reorder_point"] == 5


async def test_a_live_stream_ticket_lets_in_its_first_connect_only(shop: RunningBot) -> None:
    """A ticket rides in the URL (an EventSource cannot send headers), so a copied address, a
    proxy's log or a replay could open the stream again for its whole minute. It opens it once."""
    async with miniapp(shop) as client:
        ticket = (await (await client.get("/app/api/dashboard/ticket", headers=tma(shop, ADMIN))).json())["ticket"]
        first = await client.get(f"/app/api/dashboard/events?ticket={ticket}")
        assert (await asyncio.wait_for(next_snapshot(first), 2.0))["role"] == "admin"
        again = await client.get(f"/app/api/dashboard/events?ticket={ticket}")
        first.close()
        after = await client.get(f"/app/api/dashboard/events?ticket={ticket}")
        fresh = (await (await client.get("/app/api/dashboard/ticket", headers=tma(shop, ADMIN))).json())["ticket"]
        reconnected = await client.get(f"/app/api/dashboard/events?ticket={fresh}")
        assert (await asyncio.wait_for(next_snapshot(reconnected), 2.0))["role"] == "admin"
        reconnected.close()
        assert (again.status, after.status) == (401, 401)
        details = [(await r.json())["detail"] for r in (again, after)]
    assert details == ["The live updates' ticket is invalid or expired: reload the page."] * 2


async def test_the_same_day_last_week_ends_at_the_same_hour_of_the_shop_s_clock_across_a_clock_change(
    tmp_path: Path, clock: FakeClock
) -> None:
    """London left summer time on Sunday 25 October 2026. On Monday the 26th at 10:30 the tile
    "same day last week" counted the Monday before up to 11:30 (a week of hours back from now,
    not 10:30 of that day): an order placed at 11:00 then was counted as if before this hour."""
    clock.current = datetime(2026, 10, 19, 9, 15, tzinfo=UTC)  # 10:15 BST: before 10:30
    async with staff_shop(tmp_path, clock, timezone="Europe/London", webapp_url="https://shop.test") as shop:
        early = await an_order(shop)
        clock.current = datetime(2026, 10, 19, 10, 0, tzinfo=UTC)  # 11:00 BST: after 10:30
        await an_order(shop)
        clock.current = datetime(2026, 10, 26, 10, 30, tzinfo=UTC)  # 10:30 GMT
        async with miniapp(shop) as client:
            board = await get(client, "/app/api/dashboard", shop, ADMIN)
        async with shop.runtime.sessions() as session:
            total = await session.scalar(select(m.OrderRow.total_minor).where(m.OrderRow.code == early))
        assert total is not None and board["last_week"]["orders"] == 1
        assert board["last_week"]["revenue"] == [{"currency": "GBP", "minor": total, "text": f"£{total / 100:.2f}"}]


ON_ORDER = {
    "en": ("Approve", "on order: 42, expected 30 Nov 2026"),
    "ru": ("Утвердить", "заказано: 42, ожидается 30 нояб. 2026\u202fг."),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_low_stock_list_says_what_is_on_order_and_when_it_is_expected_as_lowstock_does(
    shop: RunningBot, language: str
) -> None:
    """/lowstock says what sent purchase orders bring and the day expected; the dashboard's list
    said nothing, so a low product already on its way looked as if nobody had ordered it."""
    manager = await hire(shop, 96, "Mo", "manager", "MAN", language=language)
    approve, said = ON_ORDER[language]
    (po,) = await reorder_scan(shop.runtime.uow(), shop.runtime.clock, staff_chat_id=None)

    async def row(sku: str) -> Any:
        async with miniapp(shop) as client:
            path = "/app/api/dashboard/lists/low_stock"
            low = (await get(client, path, shop, 96, language=language))["items"]
        return next(x for x in low if (x["sku"], x["warehouse"]) == (sku, "MAN"))

    drafted = await row("84077")  # a draft nobody approved is not on order
    assert (drafted["on_order"], drafted["expected_on"], drafted["on_order_text"]) == (0, None, "")
    await manager.press((await manager.send(f"/po {po.id}")).last, approve)
    sent = await row("84077")
    assert (sent["on_order"], sent["expected_on"], sent["on_order_text"]) == (42, "2026-11-30", said)
    assert (await manager.send("/lowstock MAN")).last.text.count(said) == 1  # the chat's words
