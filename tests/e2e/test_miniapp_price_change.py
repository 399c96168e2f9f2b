"""The Mini App's checkout: a price changed between the checkout page and “Place order” is not
charged unseen; the app is told the new goods' total (409, in the reader's language), nothing is
ordered, and the page read again offers it at the new total.

Demo data used: 85123A "White Hanging Heart T-Light Holder" £2.95, 806 in LON."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.harness import RunningBot
from domain.money import Money
from storage import models as m
from tests.e2e.conftest import shop_on
from tests.e2e.journeys import count, order_row, reprice
from tests.e2e.miniapp import found_ids, miniapp, tma
from tests.e2e.miniapp_price_change import order_at
from tests.fakes import FakeClock

CUSTOMER = 511


@pytest.fixture
async def shop(database_url: str, clock: FakeClock) -> AsyncIterator[RunningBot]:
    async with shop_on(database_url, clock, webapp_url="https://shop.test") as bot:
        yield bot


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (
            "en",
            "Prices or your cart changed since the review: the goods now come to £7.00. Nothing was ordered: "
            "check the order again and confirm.",
        ),
        ("ru", "Цены или корзина изменились после проверки заказа"),
    ],
)
async def test_a_price_raised_after_the_miniapp_checkout_page_is_refused_and_nothing_is_ordered(
    shop: RunningBot, language: str, said: str
) -> None:
    headers = tma(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client:
        heart = (await found_ids(client, headers, "85123A"))["85123A"]
        added = await client.post("/app/api/shop/cart", json={"product_id": heart, "quantity": 2}, headers=headers)
        assert added.status == 200
        shown = await (await client.get("/app/api/shop/checkout", headers=headers)).json()
        assert shown["subtotal"]["minor"] == 590
        await reprice(shop, "85123A", Money(350, "GBP"))

        refused = await client.post("/app/api/shop/checkout", json=order_at(shown), headers=headers)
        assert refused.status == 409
        assert said in (await refused.json())["detail"]
        assert await count(shop, m.OrderRow) == 0

        again = await (await client.get("/app/api/shop/checkout", headers=headers)).json()  # the page read again
        assert again["subtotal"]["minor"] == 700
        placed = await client.post("/app/api/shop/checkout", json=order_at(again), headers=headers)
        assert placed.status == 201
        code = (await placed.json())["code"]
    order = await order_row(shop, code)
    assert (order.subtotal_minor, order.currency) == (700, "GBP")


async def test_a_miniapp_checkout_total_that_is_not_money_is_refused_and_places_nothing(shop: RunningBot) -> None:
    headers = tma(shop, CUSTOMER)
    async with miniapp(shop) as client:
        heart = (await found_ids(client, headers, "85123A"))["85123A"]
        await client.post("/app/api/shop/cart", json={"product_id": heart, "quantity": 1}, headers=headers)
        shown = await (await client.get("/app/api/shop/checkout", headers=headers)).json()
        for bad in ({"minor": "295", "currency": "GBP"}, {"minor": 295, "currency": "XX1"}, 2.95, True):
            refused = await client.post(
                "/app/api/shop/checkout", json={**order_at(shown), "subtotal": bad}, headers=headers
            )
            assert refused.status == 422, bad
            assert (await refused.json())["detail"] == "The app sent something it cannot read: reopen the app."
    assert await count(shop, m.OrderRow) == 0
