"""A direction override (U+202E and its kin) typed into an address turned the rest of the staff's
order line around; what customers type keeps its words and loses the invisible controls."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from domain.customers import Customer
from domain.text import BIDI_CONTROLS, typed
from sandbox import SandboxUser
from sandbox.driver import SandboxGroup
from storage import models as m
from tests.e2e.conftest import ADMIN, shop_on, staff_shop
from tests.e2e.journeys import add_to_cart
from tests.e2e.miniapp import miniapp, tma
from tests.fakes import FakeClock

CUSTOMER = 514
SPOOF = "10 High St\u202e, London"


@pytest.fixture
async def shop(database_url: str, clock: FakeClock) -> AsyncIterator[RunningBot]:
    async with shop_on(database_url, clock, webapp_url="https://shop.test", admin_ids=[ADMIN]) as bot:
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


async def test_a_customer_named_with_a_direction_override_is_stored_and_shown_to_staff_without_it(
    shop: RunningBot,
) -> None:
    ann = SandboxUser(shop.server, CUSTOMER, "Ann\u202e", last_name="\u2067Lee\u2069")
    await add_to_cart(ann, "23843", 1)
    async with shop.runtime.sessions() as session:
        row = (await session.scalars(select(m.CustomerRow).where(m.CustomerRow.telegram_id == CUSTOMER))).one()
    assert (row.first_name, row.last_name) == ("Ann", "Lee")
    shown = (await SandboxUser(shop.server, ADMIN, "Ada").send(f"/customer {CUSTOMER}")).last.text
    assert "Ann Lee" in shown and not BIDI_CONTROLS & set(shown)


def test_a_name_stored_with_a_direction_override_before_is_shown_without_it() -> None:
    assert Customer(telegram_id=1, first_name="Mia\u202e", last_name="\u202dLee").display_name == "Mia Lee"


async def test_a_staff_reply_signed_with_a_direction_override_reaches_the_customer_and_the_books_without_it(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with staff_shop(tmp_path, clock) as staff_chat_shop:  # the staff chat, a plain group, is the support chat
        staff = SandboxGroup(staff_chat_shop.server, "Shop staff", chat_id=-100500)
        agent = SandboxUser(staff_chat_shop.server, ADMIN, "Ada\u202e", last_name="Lee")
        carol = SandboxUser(staff_chat_shop.server, 503, "Carol\u202e")
        await carol.send("💬 Contact us")
        await carol.send("Where is my parcel?")
        header, question = staff.server.chat_messages(-100500)[-2:]
        assert "Carol" in header.text and "\u202e" not in header.text
        await staff.send(agent, "It left today", reply_to=question)
        assert carol.messages()[-1].text == "💬 Ada Lee\nIt left today"
        async with staff_chat_shop.runtime.sessions() as session:
            signed = await session.scalars(
                select(m.SupportMessageRow.staff_name).where(m.SupportMessageRow.staff_name.is_not(None))
            )
            assert signed.all() == ["Ada Lee"]
