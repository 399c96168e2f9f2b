"""A sales channel cancels through the API an order being picked: cancelled as a manager's /cancelorder cancels it
mid-pick, its picker told at once, in their language, what to put back into which bin; in English and Russian."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.conftest import hire
from tests.e2e.intake_api import ALICE, card_shop, place, web_shop
from tests.e2e.journeys import STEP, payments, status, stock
from tests.fakes import FakeClock

PUT_BACK = {
    "en": ("Order {code} was cancelled while you picked it", "1 × 85123A → bin {bin}"),
    "ru": ("Заказ {code} отменили, пока вы его собирали", "1 × 85123A → ячейка {bin}"),
}
SINGLE = {"en": "Single order", "ru": "Один заказ"}


@pytest.fixture(params=["en", "ru"])
async def shop(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    async with card_shop(tmp_path, clock, request.param) as bot:
        yield bot


async def test_a_channels_cancel_mid_pick_cancels_it_and_tells_the_picker_what_to_put_back(shop: RunningBot) -> None:
    """The web shop's order of two 85123A is being picked, one in Pia's tote, when the web shop cancels it: the
    API answers 200 with it cancelled, its stock held no more, and Pia is told to put the one back into its bin."""
    language = shop.runtime.settings.default_locale
    before = await stock(shop, "85123A")
    async with web_shop(shop) as client:
        code = (await place(client, "mid-pick-1"))["code"]
        pia = await hire(shop, 700, "Pia", "picker", "LON", language=language)
        step = await pia.press((await pia.send("/pick")).last, SINGLE[language])
        shown = STEP.search(step.last.text)
        assert shown is not None and shown.group(2) == "85123A" and code in step.last.text
        bin_code = step.last.text.split("\n📦")[0].rsplit(" ", 1)[-1]
        await pia.send("85123A")
        assert await status(shop, code) == "picking"

        answer = await client.post(f"/api/v1/orders/{code}/cancel")
        body = await answer.json()
        assert answer.status == 200, body
        assert body["status"] == "cancelled"
    assert await status(shop, code) == "cancelled"
    assert await stock(shop, "85123A") == before  # nothing held for it; the bins' counts never moved
    await shop.runtime.notifier.drain()
    lead, item = PUT_BACK[language]
    told = [m.text for m in shop.server.chat_messages(700) if lead.format(code=code) in m.text]
    assert len(told) == 1 and item.format(bin=bin_code) in told[0], told


OWED = {"en": "Order {code} is cancelled. We owe you the", "ru": "Заказ {code} отменён. Мы должны вам"}
SHORT = {"en": "Short pick", "ru": "Недостача"}
SHELF = {"en": "Put back from tote 1, on the hold shelf:", "ru": "Верните из контейнера 1 на полке отложенных:"}


async def test_a_channels_cancel_of_an_order_held_after_a_short_pick_cancels_it_as_one_being_picked(
    shop: RunningBot,
) -> None:
    """The web shop's paid order of two 85123A for Alice: Pia takes one, finds no more, and the order is held, one
    waiting. The web shop cancels it: 200, cancelled, nothing waiting nor held for it, what was paid owed back (Alice
    told in her language), and Pia told to put the one in her tote on the hold shelf back into its bin."""
    language = shop.runtime.settings.default_locale
    alice = SandboxUser(shop.server, 1001, "Alice", language_code=language)
    await alice.send("/start")
    async with web_shop(shop) as client:
        code = (await place(client, "held-1", customer=ALICE))["code"]  # Alice, telegram id 1001
        pia = await hire(shop, 701, "Pia", "picker", "LON", language=language)
        step = await pia.press((await pia.send("/pick")).last, SINGLE[language])
        bin_code = step.last.text.split("\n📦")[0].rsplit(" ", 1)[-1]
        await pia.send("85123A")
        await pia.press((await pia.send("/pick")).last, SHORT[language])
        await pia.send("0")
        assert await status(shop, code) == "on_hold"
        held = await (await client.get(f"/api/v1/orders/{code}")).json()
        assert held["waiting"] == [{"sku": "85123A", "quantity": 1}]  # the missing part, awaiting Alice's answer
        answer = await client.post(f"/api/v1/orders/{code}/cancel")
        body = await answer.json()
        assert answer.status == 200, body
        assert body["status"] == "cancelled" and body["waiting"] == []
    assert [held for _, _, held in await stock(shop, "85123A")] == [0]
    assert await payments(shop, code) == [("payment", 960), ("refund_owed", 960)]  # all of it, shipping too
    await shop.runtime.notifier.drain()
    lead, item = PUT_BACK[language]
    told = [m.text for m in shop.server.chat_messages(701) if lead.format(code=code) in m.text]
    assert len(told) == 1 and SHELF[language] in told[0] and item.format(bin=bin_code) in told[0], told
    assert any(OWED[language].format(code=code) in m.text for m in alice.messages()), alice.messages()[-1].text
