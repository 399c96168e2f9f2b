"""/product ✏️ Options and ✏️ Options (ru) with a name or value over 64 characters are refused saying so
(the limit and how long it was), nothing changed; not told to write Name=value as it was (en/ru)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.journeys import scalar
from tests.e2e.variants import translated_tees

SAID = {
    "en": ("✏️ Options", "✏️ Options (ru)", "up to 64 characters", "has 5000"),
    "ru": ("✏️ Опции", "✏️ Опции (ru)", "не длиннее 64 символов", "в нём 5000"),
}


async def _options(shop: RunningBot, sku: str) -> tuple[str, str]:
    row = await scalar(shop, select(m.ProductRow).where(m.ProductRow.sku == sku))
    return row.option1, row.option2


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_option_word_over_64_characters_is_refused_saying_the_limit(shop: RunningBot, language: str) -> None:
    options, options_ru, limit, length = SAID[language]
    await translated_tees(shop)
    manager = await hire(shop, 92, "Mia", "manager", language=language)
    before = await _options(shop, "TEE-M-NVY")
    for button, typed in ((options, "Size=M; Colour=" + "x" * 5000), (options_ru, "Размер=M; Цвет=" + "я" * 5000)):
        await manager.press((await manager.send("/product TEE-M-NVY")).last, button)
        told = (await manager.send(typed)).last.text
        assert limit in told and length in told, told
        assert len(told) < 400, told  # the word is quoted cut short, not 5,000 characters back
    assert await _options(shop, "TEE-M-NVY") == before
    sheet = (await manager.send("/product TEE-M-NVY")).last.text
    assert "Options (ru): —" in sheet or "Опции (ru): —" in sheet, sheet
