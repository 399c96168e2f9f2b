"""The dashboard's returns tile in a real browser (Chromium): the open returns' top reasons under their count, in the
reader's language."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from tests.e2e.browser import browser_page
from tests.e2e.conftest import ADMIN
from tests.e2e.dashboard_return_reasons import SAID, four_open_returns_and_a_rejected_one
from tests.e2e.miniapp import init_data, miniapp

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_returns_tile_lists_the_top_reasons_under_the_open_count(shop: RunningBot, language: str) -> None:
    from playwright.async_api import expect

    await four_open_returns_and_a_rejected_one(shop)
    async with (
        miniapp(shop) as client,
        browser_page(f"dashboard-return-reasons-{language}", init_data(shop, ADMIN, language=language)) as page,
    ):
        await page.goto(str(client.make_url("/app/dashboard")))
        tile = page.locator('[data-tile="open_returns"]')
        await expect(tile.locator('[data-figure="open_returns"]')).to_have_text("4")
        await expect(tile.locator('[data-figure="return_reasons"] li')).to_have_text(SAID[language])
