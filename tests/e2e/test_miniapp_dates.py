"""The Mini App's days read as its shop's country writes the reader's language, as the chat's do."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.harness import RunningBot
from domain.usecases.reorder_scan import reorder_scan
from sandbox import SandboxUser
from tests.e2e.conftest import hire, staff_shop
from tests.e2e.miniapp import found_ids, miniapp, tma
from tests.e2e.parcels import packed_order
from tests.fakes import FakeClock

CUSTOMER = 501
SHOPS = ("Europe/London", "America/New_York")
READERS = [("Europe/London", "en"), ("Europe/London", "ru"), ("America/New_York", "en")]


@asynccontextmanager
async def shop_in(tmp_path: Path, clock: FakeClock, timezone: str) -> AsyncIterator[RunningBot]:
    async with staff_shop(tmp_path, clock, webapp_url="https://shop.test", timezone=timezone) as bot:
        yield bot


async def api(shop: RunningBot, path: str, who: int, language: str) -> Any:
    async with miniapp(shop) as client:
        response = await client.get(path, headers=tma(shop, who, language=language))
        assert response.status == 200, await response.text()
        return await response.json()


@pytest.mark.parametrize(
    ("timezone", "language", "released", "waiting"),
    [
        ("Europe/London", "en", "Preorder: released on 20 Dec 2026.", "2 on preorder, expected by 20 Dec 2026"),
        (
            "Europe/London",
            "ru",
            "Предзаказ: выходит 20 дек. 2026\u202fг.",
            "2 по предзаказу, ожидается к 20 дек. 2026\u202fг.",
        ),
        ("America/New_York", "en", "Preorder: released on Dec 20, 2026.", "2 on preorder, expected by Dec 20, 2026"),
    ],
)
async def test_a_preorders_release_day_on_the_storefronts_card_and_cart_reads_as_the_shops_country_writes_it(
    tmp_path: Path, clock: FakeClock, timezone: str, language: str, released: str, waiting: str
) -> None:
    """A London shop's storefront said "released on Dec 20, 2026", the US's way, while its chat said 20 Dec 2026."""
    from tests.e2e.variants import tshirts

    async with shop_in(tmp_path, clock, timezone) as shop:
        await tshirts(shop)
        manager = await hire(shop, 90, "Mia", "manager")
        await manager.send("/backorder TEE-XL-NVY preorder 2026-12-20")
        headers = tma(shop, CUSTOMER, language=language)
        async with miniapp(shop) as client:
            xl = (await found_ids(client, headers, "TEE-XL-NVY"))["TEE-XL-NVY"]
            page = await (await client.get(f"/app/api/shop/products/{xl}", headers=headers)).json()
            added = await client.post("/app/api/shop/cart", json={"product_id": xl, "quantity": 2}, headers=headers)
            (line,) = (await added.json())["lines"]
    assert released in page["stock_text"]
    assert line["waiting"] == waiting


ON_ORDER = {
    ("Europe/London", "en"): ("Approve", "on order: 42, expected 30 Nov 2026"),
    ("Europe/London", "ru"): ("Утвердить", "заказано: 42, ожидается 30 нояб. 2026\u202fг."),
    ("America/New_York", "en"): ("Approve", "on order: 42, expected Nov 30, 2026"),
}


@pytest.mark.parametrize(("timezone", "language"), READERS)
async def test_the_dashboards_low_stock_expected_day_reads_as_the_shops_country_writes_it_as_lowstock_does(
    tmp_path: Path, clock: FakeClock, timezone: str, language: str
) -> None:
    """The dashboard's low stock list said "expected Nov 30, 2026" in a London shop while /lowstock said 30 Nov."""
    approve, said = ON_ORDER[timezone, language]
    async with shop_in(tmp_path, clock, timezone) as shop:
        manager = await hire(shop, 96, "Mo", "manager", "MAN", language=language)
        (po,) = await reorder_scan(shop.runtime.uow(), shop.runtime.clock, staff_chat_id=None)
        await manager.press((await manager.send(f"/po {po.id}")).last, approve)
        low = (await api(shop, "/app/api/dashboard/lists/low_stock", 96, language))["items"]
        row = next(x for x in low if (x["sku"], x["warehouse"]) == ("84077", "MAN"))
        assert row["on_order_text"] == said
        assert (await manager.send("/lowstock MAN")).last.text.count(said) == 1  # the chat's words


@pytest.mark.parametrize(("timezone", "language"), READERS)
async def test_an_orders_delivery_day_on_the_dashboards_late_list_and_its_screen_reads_as_the_shops_country_writes_it(
    tmp_path: Path, clock: FakeClock, timezone: str, language: str
) -> None:
    """The dashboard's late list showed the day an order was due as stored ("2026-11-27") and the order screen
    said "Expected delivery: Nov 27, 2026" in a London shop: the US's way."""
    day = DELIVERY_DAY[timezone, language]
    async with shop_in(tmp_path, clock, timezone) as shop:
        customer = SandboxUser(shop.server, CUSTOMER, "Ann", language_code=language)
        code, packer = await packed_order(shop, customer, {"85123A": 1}, language)
        clock.advance(days=10)  # the order had to leave days ago
        await hire(shop, 96, "Mo", "manager", language=language)
        late = (await api(shop, "/app/api/dashboard/lists/late", 96, language))["items"]
        await packer.send(f"/ship {code} DPD TRK-D1")
        order = await api(shop, f"/app/api/shop/orders/{code}", CUSTOMER, language)
    assert [(x["code"], x["due"]) for x in late] == [(code, day)]
    assert order["delivery"]["when"] == EXPECTED_DELIVERY[language].format(day=day)


DELIVERY_DAY = {
    ("Europe/London", "en"): "27 Nov 2026",
    ("Europe/London", "ru"): "27 нояб. 2026\u202fг.",
    ("America/New_York", "en"): "Nov 27, 2026",
}
EXPECTED_DELIVERY = {"en": "Expected delivery: {day} (DPD).", "ru": "Ожидаемая доставка: {day} (DPD)."}
