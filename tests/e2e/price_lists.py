"""Set-ups and readers of test_price_lists that other test modules use too."""

from __future__ import annotations

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.conftest import hire


async def wholesale_list(shop: RunningBot) -> SandboxUser:
    """A manager's wholesale list: 85123A at £2.50; Popcorn Holders −5 % from 10, −12 % from
    50, from 10 units in packs of 5. Returns the manager."""
    manager = await hire(shop, 61, "Max", "manager")
    saved = await manager.send("/pricelist add wholesale GBP 85123A 2.50")
    assert "Price rule saved" in saved.last.text and "85123A" in saved.last.text and "£2.50" in saved.last.text
    await manager.send("/pricelist add wholesale GBP 22197 5% from 10")
    await manager.send("/pricelist add wholesale GBP 22197 -12% from 50")
    terms = await manager.send("/pricelist terms wholesale product:22197 min 10 pack 5")
    assert "minimum 10 · pack 5" in terms.last.text
    board = await manager.send("/pricelist wholesale")
    assert board.last.text.count("#") == 4, board.last.text
    return manager
