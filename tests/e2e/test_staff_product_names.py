"""Staff screens name a product in the reader's language where the catalog has a name in it."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from tests.e2e.conftest import hire
from tests.e2e.journeys import name_in_russian

NAMED = {"en": "Popcorn Holder", "ru": "Держатель для попкорна"}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_backorder_and_product_headings_name_the_product_in_the_reader_s_language(
    shop: RunningBot, language: str
) -> None:
    await name_in_russian(shop, "22197", "Держатель для попкорна")
    manager = await hire(shop, 97, "Mo", "manager", language=language)
    terms = (await manager.send("/backorder 22197")).last.text
    assert NAMED[language] in terms.split("\n")[0], terms
    sheet = next(m.text for m in (await manager.send("/product 22197")).new if m.text and "22197" in m.text)
    assert NAMED[language] in sheet.split("\n")[0], sheet
