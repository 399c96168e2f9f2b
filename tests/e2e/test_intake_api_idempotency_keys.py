"""Whose Idempotency-Keys collide: one channel's orders and stock receipts share one set of keys
(a key reused across them is refused and counts nothing); another channel's keys are its own."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.api import make_api_app
from bot.harness import RunningBot
from domain.apikeys import Scope
from domain.usecases.api_keys import create_api_key
from storage import models as m
from tests.e2e.conftest import stock_row

ORDER: dict[str, Any] = {
    "customer": {"name": "Tilly Till", "phone": "+44 7700 900456"},
    "lines": [{"sku": "85123A", "quantity": 1}],
    "currency": "GBP",
    "payment": "paid",
    "pickup_point": "MAN",
}
RECEIPT = {"sku": "85123A", "warehouse": "LON", "quantity": 5, "reason": "delivery 17"}


async def _key(shop: RunningBot, name: str) -> dict[str, str]:
    token, _ = await create_api_key(
        shop.runtime.uow(), shop.runtime.clock, name=name, scopes=frozenset(Scope), carriers=frozenset({"DPD"})
    )
    return {"Authorization": f"Bearer {token}", "Idempotency-Key": "17"}


async def _orders(shop: RunningBot) -> int:
    async with shop.runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(m.OrderRow)) or 0)


async def test_a_key_an_order_used_is_refused_for_a_receipt_of_the_same_channel_and_counts_nothing(
    shop: RunningBot,
) -> None:
    till = await _key(shop, "till")
    (on_hand,) = await stock_row(shop, "85123A", "LON", m.StockRow.on_hand)
    app = make_api_app(shop.runtime.sessions, shop.runtime.settings, shop.runtime.clock)
    async with TestClient(TestServer(app)) as client:
        assert (await client.post("/api/v1/orders", json=ORDER, headers=till)).status == 201
        refused = await client.post("/api/v1/stock/receipts", json=RECEIPT, headers=till)
        assert refused.status == 409
        problem = await refused.json()
        assert problem["field"] == "Idempotency-Key"
        assert "orders and stock receipts share" in problem["detail"]
        # …and the other way round: an order never reuses a receipt's key.
        receipt_key = {**till, "Idempotency-Key": "r-18"}
        assert (await client.post("/api/v1/stock/receipts", json=RECEIPT, headers=receipt_key)).status == 201
        assert (await client.post("/api/v1/orders", json=ORDER, headers=receipt_key)).status == 409
    (after,) = await stock_row(shop, "85123A", "LON", m.StockRow.on_hand)
    assert after == on_hand + 5 and await _orders(shop) == 1  # one receipt and one order, nothing more


async def test_two_channels_may_use_the_same_key_each_for_its_own_request(shop: RunningBot) -> None:
    web, till = await _key(shop, "web shop"), await _key(shop, "till")
    (on_hand,) = await stock_row(shop, "85123A", "LON", m.StockRow.on_hand)
    app = make_api_app(shop.runtime.sessions, shop.runtime.settings, shop.runtime.clock)
    async with TestClient(TestServer(app)) as client:
        assert (await client.post("/api/v1/orders", json=ORDER, headers=web)).status == 201
        assert (await client.post("/api/v1/stock/receipts", json=RECEIPT, headers=till)).status == 201
    (after,) = await stock_row(shop, "85123A", "LON", m.StockRow.on_hand)
    assert after == on_hand + 5 and await _orders(shop) == 1
