"""The Mini App's checkout offered a business its invoice whatever its credit limit, refused only as the order was
placed: it now leaves the invoice out for each way the order would come over the limit, saying why in the chat's line.

Demo data used: 85123A £2.95 (five: £14.75, ten: £29.50)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.conftest import ADMIN, shop_on
from tests.e2e.journeys import add_to_cart, no_invoice_over_limit
from tests.e2e.miniapp import miniapp, tma
from tests.fakes import FakeClock

CORP = 761


@pytest.fixture
async def shop(database_url: str, clock: FakeClock) -> AsyncIterator[RunningBot]:
    async with shop_on(database_url, clock, webapp_url="https://shop.test", admin_ids=[ADMIN]) as bot:
        yield bot


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_invoice_over_the_credit_limit_is_left_out_of_the_mini_app_checkout_for_that_way_and_said_why(
    shop: RunningBot, language: str
) -> None:
    corp = SandboxUser(shop.server, CORP, "Corp", language_code=language)
    await corp.send("/start")
    await SandboxUser(shop.server, ADMIN, "Ada").send(f"/customer {CORP} business on 30 20")
    await add_to_cart(corp, "85123A", 5)  # £14.75: under £20.00 at a pickup, over it by a courier's rate
    headers = tma(shop, CORP, language=language)
    async with miniapp(shop) as client:
        options = await (await client.get("/app/api/shop/checkout", headers=headers)).json()
        assert "invoice" in options["payment"] and options["no_invoice"] == ""
        assert options["shipping"] and all(q["total"]["minor"] > 2000 for q in options["shipping"])
        for rate in options["shipping"]:
            assert rate["no_invoice"] == no_invoice_over_limit(language, rate["total"]["text"])

        await add_to_cart(corp, "85123A", 5)  # £29.50: over the limit at a pickup too, so every way
        options = await (await client.get("/app/api/shop/checkout", headers=headers)).json()
        assert "invoice" not in options["payment"] and "cod" in options["payment"]
        assert options["no_invoice"] == no_invoice_over_limit(language, options["total"]["text"])
        assert all(q["no_invoice"] for q in options["shipping"])
        # Placed on invoice all the same (a page read before): refused as before, nothing ordered.
        pickup = options["pickup_points"][0]["id"]
        order = {"key": "n" * 16, "phone": "+44 7911 123456", "payment": "invoice", "pickup_id": pickup}
        refused = await client.post("/app/api/shop/checkout", json=order, headers=headers)
        assert refused.status == 422
        placed = await client.post("/app/api/shop/checkout", json=order | {"payment": "cod"}, headers=headers)
        assert placed.status == 201 and (await placed.json())["payment"] == "cod"


async def test_a_business_without_a_credit_limit_is_offered_its_invoice_in_the_mini_app_by_every_way(
    shop: RunningBot,
) -> None:
    corp = SandboxUser(shop.server, CORP, "Corp")
    await corp.send("/start")
    await SandboxUser(shop.server, ADMIN, "Ada").send(f"/customer {CORP} business on 30")
    await add_to_cart(corp, "85123A", 10)
    async with miniapp(shop) as client:
        options = await (await client.get("/app/api/shop/checkout", headers=tma(shop, CORP))).json()
    assert "invoice" in options["payment"] and options["no_invoice"] == ""
    assert [q["no_invoice"] for q in options["shipping"]] == ["" for _ in options["shipping"]]
