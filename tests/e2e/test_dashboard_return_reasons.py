"""The dashboard's returns tile says why the open returns came back: its top reasons with how many, in the reader's
words, a rejected one left out as the open count leaves it out.

Demo data used: a delivered order of 85123A × 1, 22616 × 1 and 84879 × 3."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from tests.e2e.conftest import ADMIN
from tests.e2e.dashboard_return_reasons import SAID, four_open_returns_and_a_rejected_one
from tests.e2e.miniapp import miniapp, tma


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_dashboard_feed_gives_the_open_returns_top_reasons_with_counts_in_the_readers_words(
    shop: RunningBot, language: str
) -> None:
    await four_open_returns_and_a_rejected_one(shop)
    async with miniapp(shop) as client:
        board = await (await client.get("/app/api/dashboard", headers=tma(shop, ADMIN, language=language))).json()
    assert board["open_returns"] == 4
    reasons = board["return_reasons"]
    assert [(r["reason"], r["count"]) for r in reasons] == [("damaged", 2), ("changed_mind", 1), ("other", 1)]
    assert [f"{r['label']}: {r['count']}" for r in reasons] == SAID[language]
