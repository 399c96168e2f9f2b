"""/product edits of a 5,000-character name or description are refused and change nothing; HTML
typed as a name or category reads as typed on the sheet (escaped), its path too; in English and Russian."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from tests.e2e.catalog_management import _product
from tests.e2e.conftest import hire

SAID = {
    "en": ("✏️ Name", "✏️ Description", "✏️ Category", "A name has 1 to 256 characters.", "That is too long: at most"),
    "ru": ("✏️ Название", "✏️ Описание", "✏️ Категория", "Название — от 1 до 256 символов.", "Слишком длинно: не больше"),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_5000_character_name_or_description_is_refused_and_html_reads_as_typed(
    shop: RunningBot, language: str
) -> None:
    name, description, category, too_long_name, too_long = SAID[language]
    manager = await hire(shop, 92, "Mia", "manager", language=language)
    before = await _product(shop, "85123A")
    sheet = await manager.send("/product 85123A")
    await manager.press(sheet.last, name)
    assert (await manager.send("x" * 5000)).last.text == too_long_name
    await manager.press((await manager.send("/product 85123A")).last, description)
    assert (await manager.send("y" * 5000)).last.text.startswith(too_long)
    after = await _product(shop, "85123A")
    assert (after.name, after.description) == (before.name, before.description)

    await manager.press((await manager.send("/product 85123A")).last, name)
    saved = (await manager.send("<b>Heart</b> & co")).last
    named = {"en": "<b>Heart</b> & co", "ru": "Название: <b>Heart</b> & co"}[language]  # ru: headed by its name_ru
    assert any(line.startswith(named) for line in saved.text.splitlines()), saved.text
    assert saved.html is not None and "&lt;b&gt;Heart&lt;/b&gt; &amp; co" in saved.html
    await manager.press(saved, category)
    moved = (await manager.send("Gifts &lt; <i > Lighting")).last  # Lighting, a top category, goes inside
    assert "Gifts &lt; <i › Lighting" in moved.text and "Gifts &lt; <i" in moved.text.split("✅")[1]
    assert moved.html is not None and "Gifts &amp;lt; &lt;i › Lighting" in moved.html
    assert len(moved.html) < 4096
