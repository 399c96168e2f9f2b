"""A direction override (U+202E and its kin) typed into an address turned the rest of the staff's
order line around; what customers type keeps its words and loses the invisible controls."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from domain.text import typed
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN, shop_on
from tests.e2e.journeys import add_to_cart
from tests.e2e.miniapp import miniapp, tma
from tests.fakes import FakeClock

CUSTOMER = 514
SPOOF = "10 High St\u202e, London"


@pytest.fixture
async def shop(database_url: str, clock: FakeClock) -> AsyncIterator[RunningBot]:
    async with shop_on(database_url, clock, webapp_url="https://shop.example.com", admin_ids=[ADMIN]) as bot:
        yield bot


async def test_an_address_typed_with_a_direction_override_is_stored_and_shown_without_it(shop: RunningBot) -> None:
    ann = SandboxUser(shop.server, CUSTOMER, "Ann")
    await add_to_cart(ann, "23843", 1)
    headers = tma(shop, CUSTOMER)
    async with miniapp(shop) as client:
        options = await (await client.get("/app/api/shop/checkout", headers=headers)).json()
        rate = options["shipping"][0]["id"]
        order = {"key": "k" * 16, "phone": "+44 7911 123456", "address": SPOOF, "rate_id": rate, "payment": "cod"}
        placed = await client.post("/app/api/shop/checkout", json=order, headers=headers)
        assert placed.status == 201, await placed.text()
        code = (await placed.json())["code"]
    async with shop.runtime.sessions() as session:
        assert await session.scalar(select(m.OrderRow.address).where(m.OrderRow.code == code)) == "10 High St, London"
    shown = (await SandboxUser(shop.server, ADMIN, "Ada").send(f"/order {code}")).last.text
    assert "10 High St, London" in shown and "\u202e" not in shown


@pytest.mark.parametrize(
    "control", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
)
def test_typed_text_loses_every_direction_control_and_keeps_right_to_left_words(control: str) -> None:
    assert typed(f"{control}Москва{control} شارع 1", 100) == "Москва شارع 1"
