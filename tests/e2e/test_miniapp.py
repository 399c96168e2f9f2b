"""The Mini App's API: every request authenticated by initData (or a dashboard sign-in), the
chat's cart and checkout behind it, and the staff dashboard role-filtered and live."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.harness import RunningBot
from bot.webapp import make_webapp, set_menu_button
from bot.webapp.events import ChangeFeed
from sandbox import SandboxUser
from sandbox.driver import Reply
from storage import models as m
from tests.e2e.conftest import ADMIN, hire, staff_shop
from tests.e2e.journeys import add_to_cart, name_in_russian, place_cod_order
from tests.e2e.miniapp import found_ids, init_data, miniapp, next_snapshot, tma
from tests.fakes import FakeClock

CUSTOMER = 501
URL = "https://shop.test"


@pytest.fixture
async def shop(tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    async with staff_shop(tmp_path, clock, webapp_url=URL) as bot:
        yield bot


def api_routes(shop: RunningBot) -> list[tuple[str, str]]:
    app = make_webapp(shop.runtime, ChangeFeed())
    return [
        (route.method, route.resource.canonical)
        for route in app.router.routes()
        if route.resource is not None and route.resource.canonical.startswith("/api/")
    ]


async def test_every_api_endpoint_refuses_a_request_without_initdata(shop: RunningBot) -> None:
    routes = api_routes(shop)
    assert len(routes) >= 10
    async with miniapp(shop) as client:
        for method, path in routes:
            concrete = "/app" + re.sub(r"\{[^}]+\}", "1", path)
            response = await client.request(method, concrete, json={})
            assert response.status == 401, (method, path)
            assert response.content_type == "application/problem+json"
            assert "Content-Security-Policy" in response.headers


@pytest.mark.parametrize("launch", ["tampered", "expired", "from the future", "another bot's"])
async def test_every_api_endpoint_refuses_forged_or_expired_initdata_and_registers_no_one(
    shop: RunningBot, launch: str
) -> None:
    good = init_data(shop, CUSTOMER)
    raw = {
        "tampered": good.replace("Ann", "Eve"),
        "expired": init_data(shop, CUSTOMER, age_s=shop.runtime.settings.webapp_auth_max_age_seconds + 1),
        "from the future": init_data(shop, CUSTOMER, age_s=-120),
        "another bot's": good.replace(good.rsplit("hash=", 1)[1], "0" * 64),
    }[launch]
    async with miniapp(shop) as client:
        for method, path in api_routes(shop):
            concrete = "/app" + re.sub(r"\{[^}]+\}", "1", path)
            response = await client.request(method, concrete, json={}, headers={"Authorization": f"tma {raw}"})
            assert response.status == 401, (method, path)
            assert response.content_type == "application/problem+json"
    async with shop.runtime.sessions() as session:
        assert (
            await session.scalars(select(m.CustomerRow.id).where(m.CustomerRow.telegram_id == CUSTOMER))
        ).all() == []


async def test_tampered_expired_and_other_bots_initdata_are_refused_401(shop: RunningBot) -> None:
    good = init_data(shop, CUSTOMER)
    tampered = good.replace("Ann", "Eve")
    expired = init_data(shop, CUSTOMER, age_s=2 * 86400)
    other = good.replace(good.rsplit("hash=", 1)[1], "0" * 64)
    async with miniapp(shop) as client:
        assert (await client.get("/app/api/me", headers={"Authorization": f"tma {good}"})).status == 200
        for raw, why in ((tampered, "not signed"), (expired, "expired"), (other, "not signed")):
            response = await client.get("/app/api/shop/cart", headers={"Authorization": f"tma {raw}"})
            assert response.status == 401
            assert why in (await response.json())["detail"]
    async with shop.runtime.sessions() as session:
        found = (await session.scalars(select(m.CustomerRow.id).where(m.CustomerRow.telegram_id == CUSTOMER))).all()
    assert len(found) == 1  # only the valid request registered anyone


async def test_storefront_cart_is_the_chat_cart_and_cod_checkout_places_the_chat_order(shop: RunningBot) -> None:
    ann = SandboxUser(shop.server, CUSTOMER, "Ann")
    await ann.send("/start")
    headers = tma(shop, CUSTOMER)
    async with miniapp(shop) as client:
        categories = await (await client.get("/app/api/shop/categories", headers=headers)).json()
        assert categories and all(c["count"] > 0 for c in categories)
        party = next(c for c in categories if c["name"] == "Party")
        grid = await (await client.get(f"/app/api/shop/products?category={party['id']}", headers=headers)).json()
        birdie = next(p for p in grid["products"] if p["sku"] == "23843")
        assert birdie["price"]["text"] == "£2.08" and birdie["photo"] == f"/app/photo/{birdie['id']}"
        photo = await client.get(birdie["photo"])
        assert photo.status == 200 and photo.content_type == "image/png"
        added = await client.post(
            "/app/api/shop/cart", json={"product_id": birdie["id"], "quantity": 3}, headers=headers
        )
        assert added.status == 200
        assert (await ann.send("/cart")).last.text.count("Paper Craft") == 1  # the chat shows the Mini App's cart
        await add_to_cart(ann, "23166", 1)  # and the Mini App shows the chat's
        cart = await (await client.get("/app/api/shop/cart", headers=headers)).json()
        assert {(x["sku"], x["quantity"]) for x in cart["lines"]} == {("23843", 3), ("23166", 1)}
        assert cart["subtotal"]["minor"] == 3 * 208 + 125
        options = await (await client.get("/app/api/shop/checkout", headers=headers)).json()
        assert options["payment"] == ["cod"]
        pickup = options["pickup_points"][0]["id"]
        order = {"key": "k" * 16, "phone": "+44 7911 123456", "payment": "cod", "pickup_id": pickup}
        placed = await client.post("/app/api/shop/checkout", json=order, headers=headers)
        assert placed.status == 201
        code = (await placed.json())["code"]
        again = await client.post("/app/api/shop/checkout", json=order, headers=headers)  # a double tap
        assert (await again.json())["code"] == code
    async with shop.runtime.sessions() as session:
        row = await session.scalar(select(m.OrderRow).where(m.OrderRow.code == code))
        assert row is not None and row.payment_method == "cod" and row.total_minor == 3 * 208 + 125
        assert await session.scalar(select(m.OrderRow.id).where(m.OrderRow.code != code)) is None
    await shop.runtime.notifier.drain()
    confirmation = [x for x in ann.messages() if code in x.text]
    assert confirmation and "placed" in confirmation[-1].text  # the chat's own "order placed" message
    assert "empty" in (await ann.send("/cart")).last.text  # the chat's cart was the one checked out


async def test_bad_quantities_and_bodies_are_refused_and_change_nothing(shop: RunningBot) -> None:
    headers = tma(shop, CUSTOMER)
    async with miniapp(shop) as client:
        grid = await (await client.get("/app/api/shop/products?q=London Tissues", headers=headers)).json()
        product = grid["products"][0]["id"]
        for body in (
            {"product_id": product, "quantity": "1"},
            {"product_id": product, "quantity": -1},
            {"quantity": 1},
        ):
            response = await client.post("/app/api/shop/cart", json=body, headers=headers)
            assert response.status == 422
        too_many = await client.post("/app/api/shop/cart", json={"product_id": product, "quantity": 4}, headers=headers)
        assert too_many.status == 409 and "available" in (await too_many.json())["detail"]
        not_json = await client.post("/app/api/shop/cart", data="x", headers={**headers, "Content-Type": "text/plain"})
        assert not_json.status == 415
        hostile = await client.get("/app/api/shop/products", params={"q": "<b>" + "x" * 5000}, headers=headers)
        assert hostile.status == 422, await hostile.text()
        assert "<b>" not in (await hostile.json())["detail"]  # not echoed back
        cart = await (await client.get("/app/api/shop/cart", headers=headers)).json()
        assert cart["lines"] == []


async def test_russian_reader_gets_russian_words_and_errors(shop: RunningBot) -> None:
    headers = tma(shop, CUSTOMER, language="ru")
    async with miniapp(shop) as client:
        me = await (await client.get("/app/api/me", headers=headers)).json()
        assert me["language"] == "ru" and me["strings"]["cart"] == "Корзина"
        missing = await client.get("/app/api/shop/products/999999", headers=headers)
        assert missing.status == 404 and "Ничего" in (await missing.json())["detail"]


HEART_RU, HEART_EN = "Подсвечник «Белое сердце»", "White Hanging Heart T-Light Holder"


@pytest.mark.parametrize(("language", "name", "searched"), [("ru", HEART_RU, "T-Light"), ("en", HEART_EN, "сердце")])
async def test_the_storefront_names_products_in_the_customers_language_from_the_list_to_the_placed_order(
    shop: RunningBot, language: str, name: str, searched: str
) -> None:
    """A Russian customer reads the Russian name (and description) on the list, the product's
    page, the cart and the placed order; an English one the shop's; a search by a name in the
    other language still finds it."""
    await name_in_russian(shop, "85123A", HEART_RU, "Русское описание")
    headers = tma(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client:
        found = await (await client.get("/app/api/shop/products", params={"q": searched}, headers=headers)).json()
        listed = next(p for p in found["products"] if p["sku"] == "85123A")
        lighting = next(
            c
            for c in await (await client.get("/app/api/shop/categories", headers=headers)).json()
            if c["name"] == "Lighting"
        )
        shelf = await (await client.get(f"/app/api/shop/products?category={lighting['id']}", headers=headers)).json()
        assert listed["name"] == name and next(p["name"] for p in shelf["products"] if p["sku"] == "85123A") == name
        page = await (await client.get(f"/app/api/shop/products/{listed['id']}", headers=headers)).json()
        assert page["name"] == name and (page["description"] == "Русское описание") is (language == "ru")
        added = await client.post(
            "/app/api/shop/cart", json={"product_id": listed["id"], "quantity": 2}, headers=headers
        )
        assert [line["name"] for line in (await added.json())["lines"]] == [name]
        cart = await (await client.get("/app/api/shop/cart", headers=headers)).json()
        assert [line["name"] for line in cart["lines"]] == [name]
        pickup = (await (await client.get("/app/api/shop/checkout", headers=headers)).json())["pickup_points"][0]["id"]
        order = {"key": "k" * 16, "phone": "+44 7911 123456", "payment": "cod", "pickup_id": pickup}
        placed = await client.post("/app/api/shop/checkout", json=order, headers=headers)
        assert placed.status == 201
        assert [line["name"] for line in (await placed.json())["lines"]] == [name]
    async with shop.runtime.sessions() as session:  # the line keeps the shop's name as sold, whoever bought
        assert await session.scalar(select(m.OrderLineRow.name)) == HEART_EN


GLIDERS_RU = "Планеры Второй мировой, ассорти"


@pytest.mark.parametrize(
    ("language", "gone", "discontinued"),
    [
        (
            "ru",
            f"{GLIDERS_RU}: сейчас доступно только 0.",
            f"Товар «{HEART_RU}» снят с продажи и больше не заказывается.",
        ),
        ("en", "World War 2 Gliders Asstd Designs: only 0 available now.", f"{HEART_EN} is discontinued"),
    ],
)
async def test_the_storefronts_refusals_name_the_product_in_the_customers_language(
    shop: RunningBot, clock: FakeClock, language: str, gone: str, discontinued: str
) -> None:
    await name_in_russian(shop, "85123A", HEART_RU)
    await name_in_russian(shop, "84077", GLIDERS_RU)
    headers = tma(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client:
        ids = await found_ids(client, headers, "85123A", "84077")
        await client.post("/app/api/shop/cart", json={"product_id": ids["84077"], "quantity": 2}, headers=headers)
        pickup = (await (await client.get("/app/api/shop/checkout", headers=headers)).json())["pickup_points"][0]["id"]
        clock.advance(minutes=31)
        await add_to_cart(SandboxUser(shop.server, 502, "Bob"), "84077", 3)  # the expired hold went to Bob
        order = {"key": "k" * 16, "phone": "+44 7911 123456", "payment": "cod", "pickup_id": pickup}
        refused = await client.post("/app/api/shop/checkout", json=order, headers=headers)
        assert refused.status == 409 and gone in (await refused.json())["detail"]
        async with shop.runtime.sessions() as session, session.begin():
            await session.execute(
                update(m.ProductRow).where(m.ProductRow.sku == "85123A").values(status="discontinued")
            )
        added = await client.post(
            "/app/api/shop/cart", json={"product_id": ids["85123A"], "quantity": 1}, headers=headers
        )
        assert added.status == 422 and discontinued in (await added.json())["detail"]


@pytest.mark.parametrize(("language", "tee"), [("en", "Organic cotton T-shirt"), ("ru", "Футболка")])
async def test_the_storefronts_cart_and_placed_order_say_which_variant_each_line_is(
    shop: RunningBot, language: str, tee: str
) -> None:
    """Two sizes of one T-shirt are two lines the customer can tell apart, as in the chat's cart."""
    from tests.e2e.variants import tshirts

    await tshirts(shop)
    for sku in ("TEE-M-NVY", "TEE-L-NVY"):
        await name_in_russian(shop, sku, "Футболка")
    headers = tma(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client:
        for product in (await found_ids(client, headers, "TEE-M-NVY", "TEE-L-NVY")).values():
            added = await client.post(
                "/app/api/shop/cart", json={"product_id": product, "quantity": 1}, headers=headers
            )
        lines = (await added.json())["lines"]
        assert [(x["sku"], x["name"]) for x in lines] == [
            ("TEE-M-NVY", f"{tee} (M / Navy)"),
            ("TEE-L-NVY", f"{tee} (L / Navy)"),
        ]
        cart = await (await client.get("/app/api/shop/cart", headers=headers)).json()
        assert [x["name"] for x in cart["lines"]] == [f"{tee} (M / Navy)", f"{tee} (L / Navy)"]
        pickup = (await (await client.get("/app/api/shop/checkout", headers=headers)).json())["pickup_points"][0]["id"]
        order = {"key": "k" * 16, "phone": "+44 7911 123456", "payment": "cod", "pickup_id": pickup}
        placed = await (await client.post("/app/api/shop/checkout", json=order, headers=headers)).json()
        assert sorted(x["name"] for x in placed["lines"]) == [f"{tee} (L / Navy)", f"{tee} (M / Navy)"]


@pytest.mark.parametrize(
    ("language", "said"),
    [("en", "Discontinued: this product can no longer be ordered."), ("ru", "Снят с продажи")],
)
async def test_a_discontinued_variant_in_stock_is_said_so_and_offers_no_add_in_the_storefront(
    shop: RunningBot, language: str, said: str
) -> None:
    """As the chat's card: it said "In stock" and offered "Add to cart", which was then refused."""
    from tests.e2e.variants import tshirts

    await tshirts(shop)
    async with shop.runtime.sessions() as session, session.begin():
        await session.execute(update(m.ProductRow).where(m.ProductRow.sku == "TEE-L-NVY").values(status="discontinued"))
    headers = tma(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client:
        ids = await found_ids(client, headers, "TEE-L-NVY", "TEE-M-NVY")
        gone = await (await client.get(f"/app/api/shop/products/{ids['TEE-L-NVY']}", headers=headers)).json()
        assert gone["available"] == 10 and gone["can_add"] is False and said in gone["stock_text"]
        sold = await (await client.get(f"/app/api/shop/products/{ids['TEE-M-NVY']}", headers=headers)).json()
        assert sold["can_add"] is True and said not in sold["stock_text"]
        found = await (await client.get("/app/api/shop/products", params={"q": "TEE-L-NVY"}, headers=headers)).json()
        assert found["products"][0]["can_add"] is False and said in found["products"][0]["stock_text"]


@pytest.mark.parametrize(
    ("language", "terms", "said"),
    [
        ("en", "on", "Out of stock, but you can order it now: it ships when the next delivery arrives."),
        ("ru", "on", "Нет в наличии, но можно заказать сейчас"),
        ("en", "preorder 2026-12-20", "Preorder: released on 20 Dec 2026."),
        ("ru", "preorder 2026-12-20", "Предзаказ: выходит 20 дек. 2026\u202fг."),
    ],
)
async def test_a_sold_out_variant_on_backorder_or_preorder_can_be_ordered_in_the_storefront_as_in_chat(
    shop: RunningBot, language: str, terms: str, said: str
) -> None:
    """The chat's card offers to order it; the storefront said "Out of stock" and offered nothing to add."""
    from tests.e2e.variants import tshirts

    await tshirts(shop)
    manager = await hire(shop, 90, "Mia", "manager")
    await manager.send(f"/backorder TEE-XL-NVY {terms}")
    headers = tma(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client:
        xl = (await found_ids(client, headers, "TEE-XL-NVY"))["TEE-XL-NVY"]
        page = await (await client.get(f"/app/api/shop/products/{xl}", headers=headers)).json()
        assert said in page["stock_text"] and (page["can_add"], page["can_notify"]) == (True, False)
        added = await client.post("/app/api/shop/cart", json={"product_id": xl, "quantity": 2}, headers=headers)
        assert added.status == 200 and [(x["sku"], x["quantity"]) for x in (await added.json())["lines"]] == [
            ("TEE-XL-NVY", 2)
        ]


@pytest.mark.parametrize(
    ("language", "hidden", "discontinued"),
    [
        (
            "en",
            "T-shirt (M / Navy) is no longer sold",
            "T-shirt (L / Navy) is discontinued and can no longer be ordered",
        ),
        ("ru", "Товар «Футболка (M / Navy)» больше не продаётся", "Товар «Футболка (L / Navy)» снят с продажи"),
    ],
)
async def test_the_storefronts_cart_says_which_lines_were_left_out_and_why(
    shop: RunningBot, language: str, hidden: str, discontinued: str
) -> None:
    """A variant hidden or discontinued since it was added left the cart without a word (the
    chat's cart names it); a discontinued one was not even in the cart's answer."""
    from tests.e2e.variants import tshirts

    await tshirts(shop)
    for sku in ("TEE-M-NVY", "TEE-L-NVY"):
        await name_in_russian(shop, sku, "Футболка")
    headers = tma(shop, CUSTOMER, language="ru")
    async with miniapp(shop) as client:
        for product in (await found_ids(client, headers, "TEE-M-NVY", "TEE-L-NVY", "TEE-S-NVY")).values():
            await client.post("/app/api/shop/cart", json={"product_id": product, "quantity": 1}, headers=headers)
        for sku, status in (("TEE-M-NVY", "hidden"), ("TEE-L-NVY", "discontinued")):
            async with shop.runtime.sessions() as session, session.begin():
                await session.execute(update(m.ProductRow).where(m.ProductRow.sku == sku).values(status=status))
        headers = tma(shop, CUSTOMER, language=language)
        cart = await (await client.get("/app/api/shop/cart", headers=headers)).json()
    assert [x["sku"] for x in cart["lines"]] == ["TEE-S-NVY"]
    assert len(cart["left_out"]) == 2
    assert hidden in cart["left_out"][0] and discontinued in cart["left_out"][1]


@pytest.mark.parametrize(
    ("language", "notice"),
    [
        ("en", "That option is no longer sold; the card shows what is."),
        ("ru", "Этот вариант больше не продаётся; карточка показывает, что есть сейчас."),
    ],
)
async def test_a_variant_hidden_since_its_button_was_shown_opens_what_is_sold_and_says_so(
    shop: RunningBot, language: str, notice: str
) -> None:
    """As the chat's card does; the storefront answered 404 "Nothing was found" and kept the stale page."""
    from tests.e2e.variants import tshirts

    await tshirts(shop)
    headers = tma(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client:
        ids = await found_ids(client, headers, "TEE-L-NVY")
        async with shop.runtime.sessions() as session, session.begin():
            await session.execute(update(m.ProductRow).where(m.ProductRow.sku == "TEE-L-NVY").values(status="hidden"))
        response = await client.get(f"/app/api/shop/products/{ids['TEE-L-NVY']}", headers=headers)
        assert response.status == 200
        page = await response.json()
        assert page["sku"] == "TEE" and page["notice"] == notice
        assert ids["TEE-L-NVY"] not in [c["product_id"] for row in page["options"] for c in row["choices"]]
        unchanged = await (await client.get(f"/app/api/shop/products/{page['id']}", headers=headers)).json()
        assert "notice" not in unchanged


@pytest.mark.parametrize(
    ("language", "held", "expired"),
    [
        ("en", "Items are held for you until 25 Nov 2026", "Some holds have expired; availability is checked again"),
        ("ru", "Товары зарезервированы для вас до 25 нояб. 2026", "Резерв истёк у товаров с ⏳"),
    ],
)
async def test_the_storefronts_cart_says_until_when_it_is_held_and_when_a_hold_expired(
    shop: RunningBot, clock: FakeClock, language: str, held: str, expired: str
) -> None:
    """As the chat's cart does: the storefront's said nothing, so an expired hold looked reserved."""
    headers = tma(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client:
        product = (await found_ids(client, headers, "85123A"))["85123A"]
        added = await client.post("/app/api/shop/cart", json={"product_id": product, "quantity": 2}, headers=headers)
        cart = await added.json()
        assert held in cart["hold_note"] and [x["expired"] for x in cart["lines"]] == [False]
        clock.advance(minutes=31)
        cart = await (await client.get("/app/api/shop/cart", headers=headers)).json()
        assert expired in cart["hold_note"] and [x["expired"] for x in cart["lines"]] == [True]


async def test_the_customer_holding_the_last_units_is_not_offered_a_back_in_stock_request(shop: RunningBot) -> None:
    """As the chat's card, which shows the cart's quantity instead: the storefront offered to tell
    them when the product they held the last 3 of came back."""
    from tests.e2e.variants import tshirts

    await tshirts(shop)
    headers = tma(shop, CUSTOMER)
    async with miniapp(shop) as client:
        medium = (await found_ids(client, headers, "TEE-M-NVY"))["TEE-M-NVY"]
        await client.post("/app/api/shop/cart", json={"product_id": medium, "quantity": 3}, headers=headers)
        page = await (await client.get(f"/app/api/shop/products/{medium}", headers=headers)).json()
    assert (page["in_cart"], page["can_add"], page["can_notify"]) == (3, False, False)


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


async def test_storefront_card_checkout_opens_a_telegram_invoice_paid_once(tmp_path: Path, clock: FakeClock) -> None:
    async with staff_shop(tmp_path, clock, webapp_url=URL, payment_provider_token="sandbox:provider") as shop:
        ann = SandboxUser(shop.server, CUSTOMER, "Ann")
        await ann.send("/start")
        await add_to_cart(ann, "23166", 2)
        headers = tma(shop, CUSTOMER)
        async with miniapp(shop) as client:
            options = await (await client.get("/app/api/shop/checkout", headers=headers)).json()
            assert options["payment"] == ["card", "cod"]
            pickup = options["pickup_points"][0]["id"]
            order = {"key": "c" * 16, "phone": "+44 7911 123456", "payment": "card", "pickup_id": pickup}
            placed = await (await client.post("/app/api/shop/checkout", json=order, headers=headers)).json()
            assert placed["status"] == "awaiting_payment" and placed["invoice_link"].startswith("https://t.me/$")
            invoice = ann.open_invoice_link(placed["invoice_link"])  # what WebApp.openInvoice shows
            assert invoice.invoice is not None and invoice.invoice["total_amount"] == placed["total"]["minor"]
            assert (await ann.pre_checkout(invoice)).pre_checkout_answer == {"ok": True, "error_message": None}
            paid = await ann.pay(invoice)
            assert paid.last.text.startswith(f"💳 Payment received for order {placed['code']}.")
            again = await client.post("/app/api/shop/checkout", json=order, headers=headers)  # a double tap, paid
            assert (await again.json())["code"] == placed["code"] and "invoice_link" not in await again.json()
        async with shop.runtime.sessions() as session:
            row = await session.scalar(select(m.OrderRow).where(m.OrderRow.code == placed["code"]))
            kinds = (await session.scalars(select(m.PaymentRow.kind))).all()
        assert row is not None and (row.status, row.payment_method) == ("allocated", "card") and kinds == ["payment"]


async def test_a_business_customer_checks_out_on_invoice_in_the_storefront_and_a_retail_one_cannot(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with staff_shop(tmp_path, clock, webapp_url=URL) as shop:
        admin = SandboxUser(shop.server, ADMIN, "Ada")
        corp = SandboxUser(shop.server, CUSTOMER, "Corp", username="corp")
        ann = SandboxUser(shop.server, CUSTOMER + 1, "Ann")
        for user in (corp, ann):
            await user.send("/start")
            await add_to_cart(user, "23166", 2)
        await admin.send("/customer @corp business on 30 200")
        async with miniapp(shop) as client:
            offered = await (await client.get("/app/api/shop/checkout", headers=tma(shop, CUSTOMER))).json()
            retail = await (await client.get("/app/api/shop/checkout", headers=tma(shop, CUSTOMER + 1))).json()
            assert offered["payment"] == ["cod", "invoice"] and retail["payment"] == ["cod"]
            pickup = offered["pickup_points"][0]["id"]
            order = {"key": "i" * 16, "phone": "+44 7911 123456", "payment": "invoice", "pickup_id": pickup}
            refused = await client.post("/app/api/shop/checkout", json=order, headers=tma(shop, CUSTOMER + 1))
            assert refused.status == 422 and "not available for your account" in (await refused.json())["detail"]
            placed = await client.post("/app/api/shop/checkout", json=order, headers=tma(shop, CUSTOMER))
            assert placed.status == 201
            code = (await placed.json())["code"]
        async with shop.runtime.sessions() as session:
            rows = (await session.scalars(select(m.OrderRow))).all()
        assert [(r.code, r.payment_method, r.status) for r in rows] == [(code, "invoice", "allocated")]
    assert rows[0].invoice_due is not None  # on the account's 30 days, as a chat checkout would be


async def test_a_preorder_whose_limit_is_taken_is_not_offered_on_the_chat_card_nor_in_the_storefront(
    shop: RunningBot,
) -> None:
    """Both offered "🗓 Preorder" once the limit's last unit was preordered, and the cart then
    refused it ("only 0 more can be preordered now")."""
    from domain.catalog import Product
    from domain.money import Money

    uow = shop.runtime.uow()
    async with uow:
        await uow.products.upsert(Product("MOON-2", "Moon Lamp", "Night Sky", {"GBP": Money(2500, "GBP")}))
        await uow.commit()
    await (await hire(shop, 90, "Mia", "manager")).send("/backorder MOON-2 preorder 2026-12-20 1")
    bob = SandboxUser(shop.server, 93, "Bob")
    await add_to_cart(bob, "MOON-2", 1)
    await place_cod_order(bob, pickup=True)  # the one unit the preorder takes
    card = (await SandboxUser(shop.server, CUSTOMER, "Ann").send("/start p_MOON-2")).last
    assert "🗓 Preorder" not in card.button_texts() and "Out of stock" in card.text
    headers = tma(shop, CUSTOMER)
    async with miniapp(shop) as client:
        found = (await (await client.get("/app/api/shop/products", params={"q": "MOON-2"}, headers=headers)).json())[
            "products"
        ][0]
        page = await (await client.get(f"/app/api/shop/products/{found['id']}", headers=headers)).json()
    for shown in (found, page):
        assert (shown["can_add"], shown["waits"], shown["stock_text"]) == (False, None, "Out of stock")


async def test_a_checkout_too_large_or_malformed_is_refused_in_the_readers_language_and_places_nothing(
    shop: RunningBot,
) -> None:
    """A pasted address of 20,000 characters was refused "The request is too large." in English
    to a Russian reader; the form now also stops typing at the limits the order takes."""
    ivan = SandboxUser(shop.server, CUSTOMER, "Иван", language_code="ru")
    await add_to_cart(ivan, "23843", 1)
    headers = tma(shop, CUSTOMER, language="ru")
    async with miniapp(shop) as client:
        options = await (await client.get("/app/api/shop/checkout", headers=headers)).json()
        assert options["limits"] == {"phone": 32, "address": 500, "po_number": 64}
        order = {"key": "k" * 16, "phone": "+79161234567", "address": "Москва " * 3000, "rate_id": 1, "payment": "cod"}
        refusals = [
            await client.post("/app/api/shop/checkout", json=order, headers=headers),
            await client.post(
                "/app/api/shop/checkout", data="{", headers={**headers, "Content-Type": "application/json"}
            ),
            await client.post("/app/api/shop/checkout", data="phone=1", headers=headers),
            await client.post(
                "/app/api/shop/checkout", json={**order, "address": "Москва", "key": "k"}, headers=headers
            ),
        ]
        said = [(r.status, (await r.json())["detail"]) for r in refusals]
    assert [status for status, _ in said] == [413, 400, 415, 422]
    assert all(re.search("[а-яё]", detail) and not re.search("[a-z]{4}", detail) for _, detail in said), said
    async with shop.runtime.sessions() as session:
        assert (await session.scalars(select(m.OrderRow.id))).all() == []


@pytest.mark.parametrize("page", ["/app/shop", "/app/dashboard", "/app/catalog"])
@pytest.mark.parametrize(("accept", "lang", "title"), [("ru-RU,ru;q=0.9", "ru", "Магазин"), ("en-GB", "en", "Shop")])
async def test_each_page_says_its_language_before_its_script_runs(
    shop: RunningBot, page: str, accept: str, lang: str, title: str
) -> None:
    """The pages had no lang: a screen reader read the Russian words with an English voice
    until the script set it, and for good when the app could not start (launch data refused)."""
    async with miniapp(shop) as client:
        html = await (await client.get(page, headers={"Accept-Language": accept})).text()
    assert f'<html lang="{lang}">' in html
    if page == "/app/shop":
        assert f"<title>{title}</title>" in html
