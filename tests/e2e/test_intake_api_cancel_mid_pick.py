"""A sales channel cancels through the API an order being picked: cancelled as a manager's /cancelorder cancels it
mid-pick, its picker told at once, in their language, what to put back into which bin; in English and Russian."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.harness import RunningBot
from tests.e2e.conftest import hire
from tests.e2e.intake_api import card_shop, place, web_shop
from tests.e2e.journeys import STEP, status, stock
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
