"""CASH_ON_DELIVERY=false: the storefront offers no cash and refuses it, and the intake API refuses a cash order."""

from __future__ import annotations

from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.api import make_api_app
from domain.apikeys import Scope
from domain.usecases.api_keys import create_api_key
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import staff_shop
from tests.e2e.intake_api import ORDER
from tests.e2e.journeys import add_to_cart
from tests.e2e.miniapp import miniapp, tma
from tests.fakes import FakeClock

URL = "https://shop.test"
CUSTOMER = 620


async def test_a_shop_without_cash_on_delivery_takes_no_cash_order_in_the_storefront_nor_through_the_api(
    tmp_path: Path, clock: FakeClock
) -> None:
    settings = {"webapp_url": URL, "payment_provider_token": "sandbox:provider", "cash_on_delivery": False}
    async with staff_shop(tmp_path, clock, **settings) as shop:
        alice = SandboxUser(shop.server, CUSTOMER, "Alice")
        await alice.send("/start")
        await add_to_cart(alice, "23166", 2)
        async with miniapp(shop) as client:
            offered = await (await client.get("/app/api/shop/checkout", headers=tma(shop, CUSTOMER))).json()
            assert offered["payment"] == ["card"]
            pickup = offered["pickup_points"][0]["id"]
            order = {"key": "c" * 16, "phone": "+44 7911 123456", "payment": "cod", "pickup_id": pickup}
            refused = await client.post("/app/api/shop/checkout", json=order, headers=tma(shop, CUSTOMER))
            assert refused.status == 422 and "not available for your account" in (await refused.json())["detail"]
        runtime = shop.runtime
        token, _ = await create_api_key(runtime.uow(), runtime.clock, name="web shop", scopes=frozenset({Scope.ORDERS}))
        async with TestClient(TestServer(make_api_app(runtime.sessions, runtime.settings, runtime.clock))) as api:
            headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "web-cod"}
            cash = await api.post("/api/v1/orders", json={**ORDER, "payment": "cod"}, headers=headers)
            problem = await cash.json()
            assert cash.status == 422 and problem["field"] == "payment"
            assert "takes no cash on delivery" in problem["detail"]
            paid = await api.post("/api/v1/orders", json=ORDER, headers={**headers, "Idempotency-Key": "web-paid"})
            assert paid.status == 201
        async with runtime.sessions() as session:
            orders = (await session.execute(select(m.OrderRow.channel, m.OrderRow.payment_method))).all()
            in_cart = await session.scalar(select(func.count()).select_from(m.CartLineRow))
    assert [tuple(row) for row in orders] == [("api", "card")] and in_cart == 1  # Alice's cart is as it was
