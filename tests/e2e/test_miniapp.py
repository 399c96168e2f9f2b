"""The Mini App's API: every request authenticated by initData, the chat's cart and checkout
behind it, each page in its reader's language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from bot.webapp import make_webapp
from bot.webapp.events import ChangeFeed
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN, staff_shop
from tests.e2e.journeys import add_to_cart
from tests.e2e.miniapp import URL, init_data, miniapp, tma
from tests.fakes import FakeClock

pytestmark = pytest.mark.miniapp  # the shop fixture serves the Mini App
CUSTOMER = 501


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
