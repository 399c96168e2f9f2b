"""A transaction PostgreSQL gives up (a deadlock's victim, a serialization failure) is run again
from the start: the person sees the normal reply, told once, the work done once. Real errors from
the server: a trigger raises them on the first tries (a sequence counts the tries, as a rollback
does not undo it)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.api import make_api_app
from bot.harness import RunningBot
from domain.apikeys import Scope
from domain.contention import ATTEMPTS
from domain.usecases.api_keys import create_api_key
from handlers.paylinks import invoice_links
from sandbox import SandboxUser
from sandbox.driver import Reply
from storage import models as m
from tests.e2e.conftest import ADMIN, hire, refused_calls, shop_on
from tests.e2e.intake_api import ORDER
from tests.e2e.journeys import (
    add_to_cart,
    count,
    order_code,
    order_of_invoice,
    order_row,
    place_card_order,
    place_cod_order,
    scalar,
    stock,
)
from tests.e2e.miniapp import found_ids, miniapp, next_snapshot, tma
from tests.e2e.miniapp_price_change import order_at
from tests.e2e.variants import tshirts
from tests.fakes import FakeClock

pytestmark = pytest.mark.postgres
STAFF_CHAT = -100500
SORRY = "Sorry, something went wrong on our side. Please try again in a minute."


@asynccontextmanager
async def given_up(
    engine: AsyncEngine, table: str, sqlstate: str, times: int, *, on: str = "INSERT", when: str = ""
) -> AsyncIterator[AsyncEngine]:
    """The first ``times`` transactions writing ``table`` (``on``: INSERT, UPDATE or DELETE) end
    with PostgreSQL's ``sqlstate``, raised by the server itself; ``tries(engine)`` counts every such
    statement (one a try in these tests). ``when``: only rows it holds for (``NEW.column = …``)."""
    each = f"FOR EACH ROW WHEN ({when})" if when else "FOR EACH STATEMENT"
    statements = [
        "CREATE SEQUENCE test_tries",
        f"""CREATE FUNCTION test_give_up() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF nextval('test_tries') <= {times} THEN
                RAISE EXCEPTION 'given up by the test' USING ERRCODE = '{sqlstate}';
            END IF;
            RETURN COALESCE(NEW, OLD);
        END $$""",
        f"CREATE TRIGGER test_give_up BEFORE {on} ON {table} {each} EXECUTE FUNCTION test_give_up()",
    ]
    async with engine.begin() as connection:
        for statement in statements:
            await connection.execute(text(statement))
    try:
        yield engine
    finally:
        async with engine.begin() as connection:
            await connection.execute(text(f"DROP TRIGGER test_give_up ON {table}"))
            await connection.execute(text("DROP FUNCTION test_give_up()"))
            await connection.execute(text("DROP SEQUENCE test_tries"))


async def tries(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(text("SELECT last_value FROM test_tries")) or 0)


@asynccontextmanager
async def pg_shop(pg_database: str, clock: FakeClock, **settings: Any) -> AsyncIterator[RunningBot]:
    async with shop_on(pg_database, clock, staff_chat_id=STAFF_CHAT, admin_ids=[ADMIN], **settings) as bot:
        yield bot
        assert refused_calls(bot) == []


def engine_of(shop: RunningBot) -> AsyncEngine:
    return shop.runtime.sessions.kw["bind"]  # type: ignore[no-any-return]


async def cod_order_given_up(shop: RunningBot, user_id: int, sqlstate: str, times: int) -> tuple[Reply, int]:
    """A customer's cash-on-delivery order of 2 × 21212 whose first ``times`` tries the database
    gives up with ``sqlstate``: the reply to ✅, and how many tries there were."""
    alice = SandboxUser(shop.server, user_id, "Alice")
    await add_to_cart(alice, "21212", 2)
    async with given_up(engine_of(shop), "orders", sqlstate, times) as engine:
        return await place_cod_order(alice), await tries(engine)


async def test_a_checkout_the_database_gives_up_once_is_placed_and_told_once(
    pg_database: str, clock: FakeClock
) -> None:
    async with pg_shop(pg_database, clock) as shop:
        placed, tried = await cod_order_given_up(shop, 701, "40001", times=1)
        assert tried == 2  # the whole transaction again, once
        code = order_code(placed)
        assert SORRY not in [message.text for message in placed.new]
        assert [message.text.split("\n")[0] for message in placed.new] == [f"✅ Thank you! Order {code} is placed."]
        assert await count(shop, m.OrderRow) == 1
        assert [lv[2] for lv in await stock(shop, "21212")] == [2]  # reserved once
        staff = [message for message in shop.server.chat_messages(STAFF_CHAT) if "New order" in message.text]
        assert len(staff) == 1 and code in staff[0].text
        told = [message for message in shop.server.chat_messages(701) if f"Order {code} is placed" in message.text]
        assert len(told) == 1  # the outbox row of the try given up went with it


async def test_a_reorder_import_the_database_takes_as_a_deadlock_victim_imports_on_the_next_try(
    pg_database: str, clock: FakeClock
) -> None:
    async with pg_shop(pg_database, clock) as shop:
        admin = SandboxUser(shop.server, ADMIN, "Ada")
        await admin.send("/start")
        reorder = (
            "sku,warehouse,reorder_point,max_level,supplier,pack_size,min_order_qty,unit_cost,currency\n"
            "21212,LON,1000,1200,HOMEWARE,24,0,0.20,GBP\n"
        )
        async with given_up(engine_of(shop), "supply_terms", "40P01", times=1) as engine:
            reply = await admin.send_document(reorder.encode(), "reorder.csv", caption="/import")
            assert await tries(engine) == 2
        assert reply.last.text == "reorder: 1 created, 0 updated, 0 unchanged."
        assert SORRY not in [message.text for message in reply.new]
        async with shop.runtime.sessions() as session:
            points = await session.scalars(
                select(m.StockRow.reorder_point)
                .join(m.ProductRow, m.ProductRow.id == m.StockRow.product_id)
                .where(m.ProductRow.sku == "21212", m.StockRow.reorder_point > 0)
            )
            assert list(points) == [1000]


async def test_a_checkout_the_database_keeps_giving_up_is_tried_three_times_then_apologised_for(
    pg_database: str, clock: FakeClock
) -> None:
    async with pg_shop(pg_database, clock) as shop:
        placed, tried = await cod_order_given_up(shop, 702, "40P01", times=ATTEMPTS + 5)
        assert tried == ATTEMPTS  # bounded
        # Handled, with the apology, as any error is: the press answered, not left spinning.
        assert placed.callback_answer is not None and placed.callback_answer["text"] == SORRY
        assert await count(shop, m.OrderRow) == 0
        assert [lv[2] for lv in await stock(shop, "21212")] == [2]  # the cart's holds, as they were
        assert not [message for message in shop.server.chat_messages(STAFF_CHAT) if "New order" in message.text]


async def test_a_miniapp_checkout_the_database_gives_up_once_is_placed(pg_database: str, clock: FakeClock) -> None:
    async with shop_on(pg_database, clock, webapp_url="https://shop.test") as shop:
        headers = tma(shop, 703)
        async with miniapp(shop) as client:
            heart = (await found_ids(client, headers, "85123A"))["85123A"]
            await client.post("/app/api/shop/cart", json={"product_id": heart, "quantity": 2}, headers=headers)
            shown = await (await client.get("/app/api/shop/checkout", headers=headers)).json()
            async with given_up(engine_of(shop), "orders", "40P01", times=1) as engine:
                placed = await client.post("/app/api/shop/checkout", json=order_at(shown), headers=headers)
                assert await tries(engine) == 2
            assert placed.status == 201, await placed.text()
            code = (await placed.json())["code"]
        assert (await order_row(shop, code)).subtotal_minor == 590
        assert await count(shop, m.OrderRow) == 1


async def test_an_api_order_the_database_gives_up_once_is_placed_once(pg_database: str, clock: FakeClock) -> None:
    async with pg_shop(pg_database, clock) as shop:
        runtime = shop.runtime
        token, _ = await create_api_key(runtime.uow(), runtime.clock, name="web shop", scopes=frozenset({Scope.ORDERS}))
        app = make_api_app(runtime.sessions, runtime.settings, runtime.clock)
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "web-1001"}
        async with TestClient(TestServer(app)) as client:
            async with given_up(engine_of(shop), "orders", "40001", times=1) as engine:
                placed = await client.post("/api/v1/orders", json=ORDER, headers=headers)
                assert await tries(engine) == 2
            assert placed.status == 201, await placed.text()
        assert await count(shop, m.OrderRow) == 1
        assert [lv[2] for lv in await stock(shop, "85123A")] == [2]


async def test_miniapp_cart_and_back_in_stock_writes_the_database_gives_up_once_are_done_once(
    pg_database: str, clock: FakeClock
) -> None:
    async with shop_on(pg_database, clock, webapp_url="https://shop.test") as shop:
        headers = tma(shop, 704)
        await tshirts(shop)
        async with miniapp(shop) as client:
            found = await found_ids(client, headers, "85123A", "TEE-XL-NVY")
            heart, sold_out = found["85123A"], found["TEE-XL-NVY"]
            async with given_up(engine_of(shop), "cart_lines", "40P01", times=1) as engine:
                added = await client.post(
                    "/app/api/shop/cart", json={"product_id": heart, "quantity": 2}, headers=headers
                )
                assert await tries(engine) == 2
            assert added.status == 200, await added.text()
            assert [(line["sku"], line["quantity"]) for line in (await added.json())["lines"]] == [("85123A", 2)]
            async with given_up(engine_of(shop), "stock_subscriptions", "40001", times=1) as engine:
                asked = await client.post("/app/api/shop/notify", json={"product_id": sold_out}, headers=headers)
                assert await tries(engine) == 2
            assert asked.status == 200, await asked.text()
        assert await count(shop, m.CartLineRow) == 1
        assert sum(lv[2] for lv in await stock(shop, "85123A")) == 2  # held once
        assert await count(shop, m.StockSubscriptionRow) == 1


async def test_a_catalog_admin_edit_the_database_gives_up_once_is_saved_and_audited_once(
    pg_database: str, clock: FakeClock
) -> None:
    async with shop_on(pg_database, clock, webapp_url="https://shop.test", admin_ids=[ADMIN]) as shop:
        headers = tma(shop, ADMIN, first_name="Ada")
        async with miniapp(shop) as client:
            found = await (await client.get("/app/api/catalog/products?q=23843", headers=headers)).json()
            pid = found["products"][0]["id"]
            async with given_up(engine_of(shop), "product_changes", "40P01", times=1) as engine:
                saved = await client.post(
                    f"/app/api/catalog/products/{pid}", json={"field": "price_GBP", "value": "3.10"}, headers=headers
                )
                assert await tries(engine) == 2
            assert saved.status == 200, await saved.text()
            body = await saved.json()
        assert next(f for f in body["fields"] if f["field"] == "price_GBP")["value"] == "3.10"
        history = [(c["before"], c["after"]) for c in body["history"]]
        assert history == [("£2.08", "£3.10"), ("", "23843")]  # audited once, after its creation by the demo file


async def test_an_api_stock_receipt_the_database_gives_up_once_counts_the_goods_once(
    pg_database: str, clock: FakeClock
) -> None:
    async with pg_shop(pg_database, clock) as shop:
        runtime = shop.runtime
        token, _ = await create_api_key(runtime.uow(), runtime.clock, name="till", scopes=frozenset({Scope.RECEIPTS}))
        app = make_api_app(runtime.sessions, runtime.settings, runtime.clock)
        before = await stock(shop, "85123A")
        async with TestClient(TestServer(app)) as client:
            async with given_up(engine_of(shop), "inventory_movements", "40001", times=1) as engine:
                received = await client.post(
                    "/api/v1/stock/receipts",
                    json={"sku": "85123A", "warehouse": "LON", "quantity": 5},
                    headers={"Authorization": f"Bearer {token}"},
                )
                assert await tries(engine) == 2
            assert received.status == 201, await received.text()
        on_hand = [lv[1] for lv in await stock(shop, "85123A")]
        assert sum(on_hand) == sum(lv[1] for lv in before) + 5  # counted once


PAYMENT_LINK = "NEW.template = 'payment_link'"  # the message carrying a payment link, and nothing before it


async def test_an_api_orders_payment_link_the_database_gives_up_once_is_made_once_and_sent_once(
    pg_database: str, clock: FakeClock
) -> None:
    """The order was committed and the link made (a call to Telegram) when the message carrying it
    was given up: the API answered 500 with the order placed and no link. The message is written
    again on its own: the answer carries the one link made, and the customer's chat has it once."""
    async with pg_shop(pg_database, clock, payment_provider_token="sandbox:provider") as shop:
        runtime = shop.runtime
        wendy = SandboxUser(shop.server, 705, "Wendy")
        await wendy.send("/start")
        token, _ = await create_api_key(runtime.uow(), runtime.clock, name="web shop", scopes=frozenset({Scope.ORDERS}))
        links = invoice_links(runtime.bot, runtime.i18n, "sandbox:provider")
        app = make_api_app(runtime.sessions, runtime.settings, runtime.clock, links)
        body = {**ORDER, "customer": {"name": "Wendy Web", "telegram_id": 705}, "payment": "link"}
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "web-1002"}
        async with TestClient(TestServer(app)) as client:
            async with given_up(engine_of(shop), "outbox", "40P01", times=1, when=PAYMENT_LINK) as engine:
                placed = await client.post("/api/v1/orders", json=body, headers=headers)
                assert await tries(engine) == 2
            assert placed.status == 201, await placed.text()
            answer = await placed.json()
        await runtime.notifier.drain()
        assert len(shop.server.invoice_links) == 1  # made once
        told = [x for x in wendy.messages() if x.text.startswith(f"💳 Order {answer['code']}: ")]
        assert len(told) == 1 and [b["url"] for b in told[0].buttons() if "url" in b] == [answer["payment_link"]]
        assert await count(shop, m.OrderRow) == 1


async def test_a_paylink_the_database_gives_up_once_is_sent_once_and_the_staff_member_told(
    pg_database: str, clock: FakeClock
) -> None:
    """In chat the link's request to Telegram had gone out, so the update could not run again:
    support read the apology and the customer got nothing. Now both read the link, once (en, ru)."""
    async with pg_shop(pg_database, clock, payment_provider_token="sandbox:provider") as shop:
        for customer_id, staff_id, language, sent in [
            (706, 716, "en", "💳 Payment link for order {code}"),
            (707, 717, "ru", "💳 Ссылка для оплаты заказа {code}"),
        ]:
            carl = SandboxUser(shop.server, customer_id, "Carl", language_code=language)
            code = order_of_invoice(await place_card_order(carl, "85123A", 1))
            sue = await hire(shop, staff_id, "Sue", "support", language=language)
            async with given_up(engine_of(shop), "outbox", "40001", times=1, when=PAYMENT_LINK) as engine:
                reply = await sue.send(f"/paylink {code}")
                assert await tries(engine) == 2
            assert reply.last.text.startswith(sent.format(code=code)), reply.last.text
            await shop.runtime.notifier.drain()
            told = [
                x
                for x in carl.messages()
                if x.text.startswith(f"💳 {'Заказ' if language == 'ru' else 'Order'} {code}: ")
            ]
            assert len(told) == 1 and told[0].buttons()[0]["url"] in reply.last.text


async def test_a_first_miniapp_visit_the_database_gives_up_once_registers_the_customer_once(
    pg_database: str, clock: FakeClock
) -> None:
    """The Mini App registers a customer on first sight, before the request's own use case: given
    up, that write answered 500 with nothing shown. It is written again; the cart opens."""
    async with pg_shop(pg_database, clock, webapp_url="https://shop.test") as shop:
        async with miniapp(shop) as client:
            async with given_up(engine_of(shop), "customers", "40P01", times=1) as engine:
                opened = await client.get("/app/api/shop/cart", headers=tma(shop, 708))
                assert await tries(engine) == 2
            assert opened.status == 200, await opened.text()
            assert (await opened.json())["lines"] == []
        assert await scalar(shop, select(func.count()).where(m.CustomerRow.telegram_id == 708)) == 1


async def test_dashboard_sign_in_live_ticket_and_sign_out_the_database_gives_up_once_each_still_work(
    pg_database: str, clock: FakeClock
) -> None:
    """Signing in (the link spent, the session written), the live stream's ticket (written, then
    spent) and signing out each answered 500 when the database gave them up: the staff member
    was left on the sign-in page with the link spent in nothing. Each is written again."""
    async with pg_shop(pg_database, clock, webapp_url="https://shop.test") as shop:
        markup = (await SandboxUser(shop.server, ADMIN, "Ada").send("/dashboard")).last.reply_markup or {}
        link = next(b["url"] for row in markup["inline_keyboard"] for b in row if "url" in b)
        engine = engine_of(shop)
        async with miniapp(shop) as client:
            async with given_up(engine, "web_sessions", "40001", times=1):
                signed_in = await client.post(
                    "/app/login", data={"token": link.split("token=", 1)[1]}, allow_redirects=False
                )
                assert await tries(engine) == 2
            assert signed_in.status == 303, await signed_in.text()
            client.session.cookie_jar.update_cookies({"og_dashboard": signed_in.cookies["og_dashboard"].value})
            me = await (await client.get("/app/api/me")).json()
            assert (await client.get("/app/api/dashboard")).status == 200  # the session works
            async with given_up(engine, "web_logins", "40P01", times=1):
                issued = await client.get("/app/api/dashboard/ticket")
                assert await tries(engine) == 2
            assert issued.status == 200, await issued.text()
            async with given_up(engine, "web_logins", "40001", times=1, on="UPDATE"):
                stream = await client.get(f"/app/api/dashboard/events?ticket={(await issued.json())['ticket']}")
                assert await tries(engine) == 2
            assert stream.status == 200, await stream.text()
            assert (await asyncio.wait_for(next_snapshot(stream), 2.0))["role"] == "admin"
            stream.close()
            async with given_up(engine, "web_sessions", "40P01", times=1, on="DELETE"):
                signed_out = await client.post("/app/api/logout", headers={me["csrf_header"]: me["csrf"]})
                assert await tries(engine) == 2
            assert signed_out.status == 200, await signed_out.text()
        assert await count(shop, m.WebSessionRow) == 0
