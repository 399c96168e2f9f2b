"""The web catalog admin's history names who changed a product as the staff directory (``/staff``) and the chat's
``📜 History`` name them, not by the first name the Mini App's Telegram login data carries."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.conftest import ADMIN, hire, staff_shop
from tests.e2e.miniapp import miniapp, tma
from tests.fakes import FakeClock

MANAGER = 802


@pytest.fixture
async def shop(tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    async with staff_shop(tmp_path, clock, webapp_url="https://shop.test") as bot:
        yield bot


async def test_the_web_history_names_the_actor_as_the_staff_directory_does_not_by_the_login_datas_name(
    shop: RunningBot,
) -> None:
    max_ = await hire(shop, MANAGER, "Max", "manager")
    headers = tma(shop, MANAGER, first_name="Maxwell")  # what Telegram's login data says of him
    async with miniapp(shop) as client:
        found = await (await client.get("/app/api/catalog/products?q=23843", headers=headers)).json()
        pid = found["products"][0]["id"]
        change = {"field": "price_GBP", "value": "3.10"}
        saved = await client.post(f"/app/api/catalog/products/{pid}", json=change, headers=headers)
        assert saved.status == 200
        web = (await saved.json())["history"][0]
    assert (web["actor"], web["after"]) == ("Max", "£3.10")
    directory = (await SandboxUser(shop.server, ADMIN, "Ada").send("/staff")).last.text
    assert "Max" in directory and "Maxwell" not in directory
    sheet = await max_.send("/product 23843")
    chat = (await max_.press(sheet.last, "History")).last.text
    assert "· Max\nPrice (GBP): £2.08 → £3.10" in chat
