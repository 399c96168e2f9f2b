"""The Mini App's “Place order” places only at the total its checkout page showed: a courier rate the shop changed
since the page was read orders nothing and names the change (409, in the reader's language), and one the shop stopped
is refused the same way, so the page reads its options again rather than offering the gone one once more.

Demo data used: 22355 "Charlotte Bag Suki Design" £0.85, 1,001 g (one bag: two started kilograms)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import delete

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.checkout_shipping import raise_dpd
from tests.e2e.conftest import ADMIN, shop_on
from tests.e2e.journeys import count, order_row
from tests.e2e.miniapp import found_ids, miniapp, tma
from tests.fakes import FakeClock

CUSTOMER = 512
SAID = {
    "en": ("Shipping is now {price} (was {was}). Nothing was ordered", "That shipping option is no longer available."),
    "ru": ("Доставка теперь стоит {price} (было {was}). Ничего не заказано", "Этот способ доставки больше недоступен."),
}


@pytest.fixture
async def shop(database_url: str, clock: FakeClock) -> AsyncIterator[RunningBot]:
    async with shop_on(database_url, clock, webapp_url="https://shop.test", admin_ids=[ADMIN]) as bot:
        yield bot


def pounds(minor: int, language: str) -> str:
    return f"£{minor // 100}.{minor % 100:02d}" if language == "en" else f"{minor // 100},{minor % 100:02d}\xa0£"


def rate(options: dict[str, Any], carrier: str) -> dict[str, Any]:
    return next(q for q in options["shipping"] if q["label"].startswith(carrier))


def by_courier(options: dict[str, Any], carrier: str) -> dict[str, Any]:
    """What shop.js sends for “Place order” with ``carrier`` chosen: the goods, the delivery and the total it showed."""
    chosen = rate(options, carrier)
    return {
        "key": "c" * 16,
        "phone": "+44 7911 123456",
        "payment": "cod",
        "address": "221B Baker Street, London NW1 6XE",
        "rate_id": chosen["id"],
        "subtotal": options["subtotal"],
        "shipping": chosen["price"],
        "total": chosen["total"],
    }


async def page_with_a_bag(client: Any, headers: dict[str, str]) -> dict[str, Any]:
    bag = (await found_ids(client, headers, "22355"))["22355"]
    added = await client.post("/app/api/shop/cart", json={"product_id": bag, "quantity": 1}, headers=headers)
    assert added.status == 200
    return dict(await (await client.get("/app/api/shop/checkout", headers=headers)).json())


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_courier_rate_changed_after_the_miniapp_checkout_page_orders_nothing_and_names_it(
    shop: RunningBot, language: str
) -> None:
    headers = tma(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client:
        shown = await page_with_a_bag(client, headers)
        was = rate(shown, "DPD")["price"]["minor"]
        await raise_dpd(shop, 100)

        refused = await client.post("/app/api/shop/checkout", json=by_courier(shown, "DPD"), headers=headers)
        assert refused.status == 409
        said = SAID[language][0].format(price=pounds(was + 100, language), was=pounds(was, language))
        assert (await refused.json())["detail"].startswith(said)
        assert await count(shop, m.OrderRow) == 0

        again = await (await client.get("/app/api/shop/checkout", headers=headers)).json()  # the page read again
        assert rate(again, "DPD")["price"]["minor"] == was + 100
        placed = await client.post("/app/api/shop/checkout", json=by_courier(again, "DPD"), headers=headers)
        assert placed.status == 201
        code = (await placed.json())["code"]
    order = await order_row(shop, code)
    assert (order.subtotal_minor, order.discount_minor, order.shipping_minor) == (85, 0, was + 100)
    assert (order.total_minor, order.carrier) == (85 + was + 100, "DPD")


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_courier_rate_the_shop_stopped_is_refused_so_the_miniapp_reads_its_options_again(
    shop: RunningBot, language: str
) -> None:
    headers = tma(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client:
        shown = await page_with_a_bag(client, headers)
        async with shop.runtime.sessions() as session, session.begin():
            await session.execute(delete(m.CarrierRateRow).where(m.CarrierRateRow.carrier == "DPD"))

        refused = await client.post("/app/api/shop/checkout", json=by_courier(shown, "DPD"), headers=headers)
        assert refused.status == 409  # shop.js reads the page again on a 409, and then says why
        assert (await refused.json())["detail"].startswith(SAID[language][1])
        assert await count(shop, m.OrderRow) == 0

        again = await (await client.get("/app/api/shop/checkout", headers=headers)).json()
        assert not any(q["label"].startswith("DPD") for q in again["shipping"])
        placed = await client.post("/app/api/shop/checkout", json=by_courier(again, "Royal Mail"), headers=headers)
        assert placed.status == 201
        code = (await placed.json())["code"]
    order = await order_row(shop, code)
    shipping = rate(again, "Royal Mail")["price"]["minor"]
    assert (order.carrier, order.shipping_minor, order.total_minor) == ("Royal Mail", shipping, 85 + shipping)


async def test_a_promotion_begun_after_the_miniapp_checkout_page_places_the_order_at_the_better_price(
    shop: RunningBot,
) -> None:
    """The page showed the bag undiscounted; a promotion the shop started before “Place order” lowers the total: the
    order is placed at the lower one (charged less than shown, never more), not refused."""
    headers = tma(shop, CUSTOMER)
    async with miniapp(shop) as client:
        shown = await page_with_a_bag(client, headers)
        made = '/promotion new "Bag week" off=0.05 products=22355 until=2026-12-31'
        assert "Bag week" in (await SandboxUser(shop.server, ADMIN, "Ada").send(made)).last.text
        placed = await client.post("/app/api/shop/checkout", json=by_courier(shown, "DPD"), headers=headers)
        assert placed.status == 201, await placed.text()
        code = (await placed.json())["code"]
    order = await order_row(shop, code)
    shipping = rate(shown, "DPD")["price"]["minor"]
    assert (order.subtotal_minor, order.discount_minor, order.total_minor) == (85, 5, 80 + shipping)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_courier_rate_lowered_after_the_miniapp_checkout_page_places_the_order_at_it_and_says_so(
    shop: RunningBot, language: str
) -> None:
    """As the chat's ✅ Confirm: a lower delivery price is taken (the customer charged less than the page said), and the
    placed order's answer names it for the page to say."""
    headers = tma(shop, CUSTOMER, language=language)
    async with miniapp(shop) as client:
        shown = await page_with_a_bag(client, headers)
        was = rate(shown, "DPD")["price"]["minor"]
        await raise_dpd(shop, -100)

        placed = await client.post("/app/api/shop/checkout", json=by_courier(shown, "DPD"), headers=headers)
        assert placed.status == 201
        answer = await placed.json()
    said = {"en": "Shipping is now {price} (was {was}).", "ru": "Доставка теперь стоит {price} (было {was})."}[language]
    assert answer["note"] == said.format(price=pounds(was - 100, language), was=pounds(was, language))
    assert answer["total"]["minor"] == 85 + was - 100
    order = await order_row(shop, answer["code"])
    assert (order.subtotal_minor, order.shipping_minor, order.total_minor) == (85, was - 100, 85 + was - 100)
