"""A customer's open unpaid orders (cash on delivery, pay at pickup, a card not yet paid) are
capped by MAX_UNPAID_ORDERS, in the checkout use case: chat and the Mini App alike refuse one
more, saying why and what to do, and reserve nothing; a paid, delivered or cancelled order
makes room; a business customer with terms and staff ordering for a customer are not capped."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.config import Settings
from bot.harness import RunningBot
from domain.orders import OrderStatus
from domain.usecases.orders import transition_order
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import staff_shop
from tests.e2e.journeys import add_to_cart, count, order_code, place_cod_order, stock
from tests.e2e.miniapp import found_ids, miniapp, tma
from tests.fakes import FakeClock

URL = "https://shop.test"
CAP = 2


@pytest.fixture
async def shop(tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    async with staff_shop(tmp_path, clock, webapp_url=URL, max_unpaid_orders=CAP) as bot:
        yield bot


def test_a_shop_caps_unpaid_orders_at_five_unless_told_otherwise() -> None:
    assert Settings(bot_token="1:x").max_unpaid_orders == 5


async def reserved(shop: RunningBot, sku: str) -> int:
    return sum(r for _, _, r in await stock(shop, sku))


@pytest.mark.parametrize(
    ("language", "refusal"),
    [
        ("en", "You have 2 orders not yet paid"),
        ("ru", "У вас 2 неоплаченных заказа"),
    ],
)
async def test_a_customer_with_as_many_unpaid_orders_as_allowed_cannot_place_another_in_chat(
    shop: RunningBot, language: str, refusal: str
) -> None:
    alice = SandboxUser(shop.server, 1001, "Alice", language_code=language)
    await alice.send("/start")
    codes = []
    for _ in range(CAP):
        await add_to_cart(alice, "85123A")
        codes.append(order_code(await place_cod_order(alice)))
    await add_to_cart(alice, "85123A")
    held = await reserved(shop, "85123A")
    refused = await place_cod_order(alice)
    alert = refused.callback_answer or {}
    assert alert["show_alert"] and refusal in alert["text"] and "(/orders)" in alert["text"], refused
    assert await count(shop, m.OrderRow) == CAP
    assert await reserved(shop, "85123A") == held  # the cart's hold, nothing more
    # Cancelling one makes room: the cart was kept, and is ordered now.
    await transition_order(
        shop.runtime.uow(), shop.runtime.clock, code=codes[0], target=OrderStatus.CANCELLED, actor="customer"
    )
    placed = await place_cod_order(alice)
    assert order_code(placed) not in codes
    assert await count(shop, m.OrderRow) == CAP + 1


async def test_the_mini_app_refuses_an_unpaid_order_beyond_the_cap_with_a_problem(shop: RunningBot) -> None:
    headers = tma(shop, 501)
    async with miniapp(shop) as client:
        product_id = (await found_ids(client, headers, "85123A"))["85123A"]

        async def checkout(key: str) -> tuple[int, dict[str, object]]:
            await client.post("/app/api/shop/cart", json={"product_id": product_id, "quantity": 1}, headers=headers)
            options = await (await client.get("/app/api/shop/checkout", headers=headers)).json()
            pickup = options["pickup_points"][0]["id"]
            order = {"key": key * 16, "phone": "+44 7911 123456", "payment": "cod", "pickup_id": pickup}
            answer = await client.post("/app/api/shop/checkout", json=order, headers=headers)
            return answer.status, dict(await answer.json())

        assert [(await checkout(k))[0] for k in "ab"] == [201, 201]
        held = await reserved(shop, "85123A")
        status, problem = await checkout("c")
    assert status == 422, problem
    assert "You have 2 orders not yet paid" in str(problem["detail"]), problem
    assert await count(shop, m.OrderRow) == CAP
    assert await reserved(shop, "85123A") == held + 1  # the cart's hold on the third unit, no order's


API_COD = {
    "customer": {"name": "Alice", "telegram_id": 1001},
    "lines": [{"sku": "85123A", "quantity": 1}],
    "currency": "GBP",
    "payment": "cod",
    "address": "10 Downing Street, London SW1A 2AA",
}


async def test_api_orders_not_paid_count_and_are_capped_as_the_customers_chat_orders_are(
    api: tuple[TestClient[Any, Any], dict[str, str]], shop: RunningBot
) -> None:
    """Orders sent by a channel were never checked: a web shop's script could reserve the shop
    empty through the API by cash on delivery, one customer at a time."""
    client, auth = api
    alice = SandboxUser(shop.server, 1001, "Alice")
    await alice.send("/start")
    await add_to_cart(alice, "85123A")
    order_code(await place_cod_order(alice))  # one in chat …
    first = await client.post("/api/v1/orders", json=API_COD, headers={**auth, "Idempotency-Key": "cod-1"})
    assert first.status == 201, await first.json()  # … and one by the API: the cap of 2 reached
    held = await reserved(shop, "85123A")
    over = await client.post("/api/v1/orders", json=API_COD, headers={**auth, "Idempotency-Key": "cod-2"})
    problem = await over.json()
    assert (over.status, problem["title"], problem["field"]) == (422, "Too many unpaid orders", "payment"), problem
    assert "has 2 orders not yet paid" in problem["detail"] and "/orders" not in problem["detail"], problem
    assert await count(shop, m.OrderRow) == CAP
    assert await reserved(shop, "85123A") == held
    # Paid at the channel, it holds nothing unpaid: placed.
    paid = {**API_COD, "payment": "paid"}
    placed = await client.post("/api/v1/orders", json=paid, headers={**auth, "Idempotency-Key": "paid-1"})
    assert placed.status == 201, await placed.json()
    # The API's unpaid order counts in chat as well.
    await add_to_cart(alice, "85123A")
    refused = await place_cod_order(alice)
    assert "You have 2 orders not yet paid" in (refused.callback_answer or {}).get("text", ""), refused
    assert await count(shop, m.OrderRow) == CAP + 1


async def test_a_business_ordering_by_api_is_bounded_by_its_credit_limit_not_the_unpaid_cap(
    api: tuple[TestClient[Any, Any], dict[str, str]], shop: RunningBot
) -> None:
    """As in chat: a business's invoices answer to its credit limit, and it is not capped."""
    client, auth = api
    business = {"name": "Café Ltd", "email": "buyer@cafe.example", "business": True, "payment_terms_days": 30}
    for i, payment in enumerate(("cod", "cod", "cod", "invoice", "invoice")):
        body = {**API_COD, "customer": business, "payment": payment}
        placed = await client.post("/api/v1/orders", json=body, headers={**auth, "Idempotency-Key": f"b-{i}"})
        assert placed.status == 201, await placed.json()
    assert await count(shop, m.OrderRow) == 5
