"""The storefront's "My orders" and order screen: a customer's own orders only, newest first, a page at a
time; an order as /track shows it (lines, delivery, payment, parcels with their tracking pages, timeline);
and a business buyer's PO number corrected there until a parcel leaves.

Demo data used: 23843 at £2.08, 23166 at £1.25, 85123A at £2.95; DPD tracks at https://track.dpd.co.uk."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import select, update

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import staff_shop
from tests.e2e.journeys import business_customer, order_code, place_invoice_order, scalar
from tests.e2e.miniapp import miniapp, tma, web_order
from tests.e2e.parcels import packed_order
from tests.fakes import FakeClock

ANN, BOB = 501, 502
URL = "https://shop.test"
Client = TestClient[web.Request, web.Application]


@pytest.fixture
async def shop(tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    async with staff_shop(tmp_path, clock, webapp_url=URL, orders_page_size=2) as bot:
        yield bot


async def get(client: Client, path: str, headers: dict[str, str]) -> tuple[int, Any]:
    response = await client.get(path, headers=headers)
    return response.status, await response.json()


async def test_my_orders_lists_only_the_customers_own_orders_newest_first_a_page_at_a_time(
    shop: RunningBot, clock: FakeClock
) -> None:
    async with miniapp(shop) as client:
        codes = []
        for key, sku in zip("abc", ("23843", "23166", "23843"), strict=True):
            codes.append(await web_order(shop, client, ANN, sku, key))
            clock.advance(minutes=5)
        bobs = await web_order(shop, client, BOB, "23166", "d")
        ann = tma(shop, ANN)
        status, first = await get(client, "/app/api/shop/orders", ann)
        assert status == 200 and (first["page"], first["pages"]) == (0, 2)
        assert [o["code"] for o in first["orders"]] == [codes[2], codes[1]]  # newest first, 2 a page
        assert first["orders"][0]["total"]["text"] == "£2.08" and first["orders"][1]["total"]["minor"] == 125
        assert first["orders"][0]["status_text"] == "confirmed, being prepared"
        status, second = await get(client, "/app/api/shop/orders?page=1", ann)
        assert status == 200 and [o["code"] for o in second["orders"]] == [codes[0]]
        assert (await client.get("/app/api/shop/orders?page=2", headers=ann)).status == 404
        assert (await client.get("/app/api/shop/orders?page=-1", headers=ann)).status == 422
        status, bob = await get(client, "/app/api/shop/orders", tma(shop, BOB))
        assert [o["code"] for o in bob["orders"]] == [bobs]
        status, nobody = await get(client, "/app/api/shop/orders", tma(shop, 599))
        assert status == 200 and nobody["orders"] == [] and nobody["pages"] == 1
        assert (await client.get("/app/api/shop/orders")).status == 401  # no initData


async def test_another_customers_order_is_not_found_and_its_po_number_cannot_be_changed(shop: RunningBot) -> None:
    async with miniapp(shop) as client:
        code = await web_order(shop, client, ANN, "23843", "a")
        bob = tma(shop, BOB)
        assert (await client.get(f"/app/api/shop/orders/{code}", headers=tma(shop, ANN))).status == 200
        for forged in (code, code.lower(), "ZZZZ9999", "1", "%3Cscript%3E", "A" * 40):
            status, said = await get(client, f"/app/api/shop/orders/{forged}", bob)
            assert status == 404 and said["detail"] == "Nothing was found.", forged
            assert code not in str(said)
        changed = await client.post(f"/app/api/shop/orders/{code}/po", json={"po_number": "PO-1"}, headers=bob)
        assert changed.status == 404
        assert (await client.get(f"/app/api/shop/orders/{code}")).status == 401
    assert await scalar(shop, select(m.OrderRow.reference).where(m.OrderRow.code == code)) == ""


WORDS = {
    "en": {"status": "shipped", "cod": "cash on delivery", "courier": "🚚 Courier delivery", "placed": "placed",
           "shipped": "shipped "},
    "ru": {"status": "отправлен", "cod": "наличными при получении", "courier": "🚚 Доставка курьером",
           "placed": "оформлен", "shipped": "отправлена "},
}  # fmt: skip


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_order_screen_shows_what_track_shows_with_each_parcels_tracking_page(
    shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    customer = SandboxUser(shop.server, ANN, "Ann", language_code=language)
    code, packer = await packed_order(shop, customer, {"85123A": 2}, language)
    await packer.send(f"/ship {code} DPD TRK-A1")
    async with miniapp(shop) as client:
        status, order = await get(client, f"/app/api/shop/orders/{code}", tma(shop, ANN, language=language))
    assert status == 200, order
    assert order["status_text"] == words["status"]
    assert [(x["sku"], x["quantity"], x["total"]["minor"]) for x in order["lines"]] == [("85123A", 2, 590)]
    assert order["total"]["minor"] == 590 + (order["shipping"] or {"minor": 0})["minor"]
    assert order["delivery"]["method"] == words["courier"] and "Baker Street" in order["delivery"]["where"]
    assert order["payment"] == words["cod"]
    [parcel] = order["parcels"]
    assert (parcel["carrier"], parcel["tracking"]) == ("DPD", "TRK-A1")
    assert parcel["link"] == "https://track.dpd.co.uk/parcels/TRK-A1"
    assert parcel["state"].startswith(words["shipped"])
    assert parcel["lines"] == [f"{order['lines'][0]['name']} × 2"]  # by name, as /track: it read "85123A × 2"
    timeline = [entry["text"] for entry in order["timeline"]]
    assert timeline[0] == words["placed"] and timeline[-1] == words["status"]
    assert not order["po_editable"] and order["po_number"] == ""


PO = {
    "en": {
        "done": "Order {code}: PO number {po}. Invoices and packing slips printed from now on carry it.",
        "shipped": "Order {code} has shipped, so its PO number can no longer be changed here: ask us and we "
        "correct it.",
        "long": "A purchase order number is at most 64 characters; this one has 65. Nothing was changed.",
    },
    "ru": {
        "done": "Заказ {code}: номер PO {po}. Он будет в счетах и упаковочных листах, напечатанных с этого момента.",
        "shipped": "Заказ {code} уже отправлен, поэтому номер PO здесь больше не изменить: напишите нам, и мы "
        "исправим его.",
        "long": "Номер заказа на закупку — не больше 64 символов, а в этом 65. Ничего не изменено.",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_business_buyer_corrects_the_po_number_from_the_order_screen_until_a_parcel_leaves(
    shop: RunningBot, language: str
) -> None:
    words = PO[language]
    buyer = await business_customer(shop, ANN, "Café Lyon", language)
    code = order_code(await place_invoice_order(buyer, "85123A", 2))
    headers = tma(shop, ANN, language=language)
    path = f"/app/api/shop/orders/{code}"
    async with miniapp(shop) as client:
        status, order = await get(client, path, headers)
        assert status == 200 and order["po_editable"] and order["po_number"] == ""
        too_long = await client.post(f"{path}/po", json={"po_number": "X" * 65}, headers=headers)
        assert too_long.status == 422 and (await too_long.json())["detail"] == words["long"]
        done = await client.post(f"{path}/po", json={"po_number": " PO-5512 "}, headers=headers)
        assert done.status == 200
        changed = await done.json()
        assert changed["said"] == words["done"].format(code=code, po="PO-5512") and changed["po_number"] == "PO-5512"
        assert "✏️" in changed["timeline"][-1]["text"]
        async with shop.runtime.sessions() as session, session.begin():  # a parcel leaves the warehouse
            await session.execute(update(m.OrderRow).where(m.OrderRow.code == code).values(status="partially_shipped"))
        status, order = await get(client, path, headers)
        assert not order["po_editable"] and order["po_number"] == "PO-5512"  # shown, no longer offered
        late = await client.post(f"{path}/po", json={"po_number": "PO-9999"}, headers=headers)
        assert late.status == 422 and (await late.json())["detail"] == words["shipped"].format(code=code)
    assert await scalar(shop, select(m.OrderRow.reference).where(m.OrderRow.code == code)) == "PO-5512"
    actor = await scalar(shop, select(m.OrderHistoryRow.actor).where(m.OrderHistoryRow.reason.like("po number%")))
    assert actor.startswith("customer:")


DELIVERED = {"en": ("Expected delivery", "Delivered "), "ru": ("Ожидаемая доставка", "Доставлен ")}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_delivered_order_s_screen_says_when_it_was_delivered_as_track_does(
    shop: RunningBot, language: str
) -> None:
    expected, delivered = DELIVERED[language]
    customer = SandboxUser(shop.server, ANN, "Ann", language_code=language)
    code, packer = await packed_order(shop, customer, {"85123A": 1}, language)
    await packer.send(f"/ship {code} DPD TRK-D1")
    path, headers = f"/app/api/shop/orders/{code}", tma(shop, ANN, language=language)
    async with miniapp(shop) as client:
        _, shipped = await get(client, path, headers)
        assert shipped["delivery"]["when"].startswith(expected)  # on its way: still expected
        await packer.send(f"/delivered {code}")
        _, order = await get(client, path, headers)
    assert order["status"] == "delivered"
    assert order["delivery"]["when"].startswith(delivered), order["delivery"]
