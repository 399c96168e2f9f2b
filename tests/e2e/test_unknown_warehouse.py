"""A warehouse code the shop does not have, typed into a stock command through the sandbox: the
refusal names the codes it has, in the reader's language, and nothing changes."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.conftest import ADMIN, hire
from tests.e2e.journeys import stock

UNKNOWN = {
    "en": "There is no warehouse {code}. The warehouses are: LON, MAN.",
    "ru": "Склада {code} нет. Склады: LON, MAN.",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_mistyped_warehouse_is_refused_with_the_codes_the_shop_has(shop: RunningBot, language: str) -> None:
    """'/adjust 85123A LDN -1 damaged' at the end of a night's count said 'Nothing was found.',
    as if the product were unknown: the manager retyped the SKU, not the warehouse."""
    manager = await hire(shop, 95, "Mo", "manager", "LON", language=language)
    before = await stock(shop, "85123A")
    for command, code in (
        ("/adjust 85123A LDN -1 damaged", "LDN"),
        ("/receive 85123A 5 ldn", "LDN"),
        ("/transfer 85123A 1 LON MNA", "MNA"),
        ("/reorder 85123A LDN 10", "LDN"),
        ("/pick ldn", "LDN"),
    ):
        assert (await manager.send(command)).last.text == UNKNOWN[language].format(code=code), command
    assert await stock(shop, "85123A") == before
    admin = SandboxUser(shop.server, ADMIN, "Ada", language_code=language)
    assert (await admin.send("/invite picker LDN")).last.text == UNKNOWN[language].format(code="LDN")
