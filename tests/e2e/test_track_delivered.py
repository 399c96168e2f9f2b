"""/track of a delivered order says when it was delivered, not when it is expected (en/ru)."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.journeys import status
from tests.e2e.parcels import packed_order

WORDS = {
    "en": ("Expected delivery", "✅ Delivered "),
    "ru": ("Ожидаемая доставка", "✅ Доставлен "),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_delivered_order_says_when_it_was_delivered_and_promises_no_date(
    shop: RunningBot, language: str
) -> None:
    expected, delivered = WORDS[language]
    customer = SandboxUser(shop.server, 5301, "Dora", language_code=language)
    code, packer = await packed_order(shop, customer, {"85123A": 1}, language)
    await packer.send(f"/ship {code} DPD TRK-D1")
    assert expected in (await customer.send(f"/track {code}")).last.text  # on its way: still expected
    await packer.send(f"/delivered {code}")
    assert await status(shop, code) == "delivered"
    shown = (await customer.send(f"/track {code}")).last.text
    assert expected not in shown, shown
    assert any(line.startswith(delivered) for line in shown.splitlines()), shown
