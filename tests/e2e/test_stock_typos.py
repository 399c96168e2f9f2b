"""Staff /stock by a mistyped name finds what the customer search finds ("tshirt" → the T-shirt)
and says what it looked for instead, the same way, in English and Russian."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.conftest import hire
from tests.e2e.variants import tshirts

SAID = {
    "en": "No results for “tshirt”. Showing results for “{meant}”.",
    "ru": "Ничего не нашлось по запросу «tshirt». Показаны результаты по запросу «{meant}».",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_mistyped_stock_lookup_is_corrected_as_the_customer_search_is(shop: RunningBot, language: str) -> None:
    await tshirts(shop)
    customer = SandboxUser(shop.server, 600 + len(language), "Ann", language_code=language)
    searched = (await customer.send("/search tshirt")).last.text
    said = SAID[language].format(meant="t-shirt")
    assert said in searched.splitlines()
    manager = await hire(shop, 610 + len(language), "Max", "manager", language=language)
    stock = (await manager.send("/stock tshirt")).last.text
    assert stock.splitlines()[0] == said
    assert "TEE-M-NVY" in stock and "Organic cotton T-shirt" in stock
