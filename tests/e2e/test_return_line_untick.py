"""A line chosen for a return by a wrong tap can be left out again, in English and Russian: a second tap on a single
item unticks it, and a line of several takes 0 — pressed again it stayed ✅ and sent the same question anew, and the
quantity took 1 and up only, so the only way out was to /cancel the whole return."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from tests.e2e.returns import LIST_WORDS, three_lines_listed

BIRDS = "84879 Assorted Colour Bird Ornament"
BIRDS_RU = "84879 Декоративная птичка, цвета в ассортименте"  # the demo's name_ru
WORDS = {
    "en": LIST_WORDS["en"] | {"again": f"How many of {BIRDS}? Send a number from 1 to 3, or 0 to leave it out."},
    "ru": LIST_WORDS["ru"]
    | {"again": f"Сколько вернуть: {BIRDS_RU}? Пришлите число от 1 до 3 или 0, чтобы убрать этот товар из списка."},
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_line_chosen_for_a_return_by_mistake_can_be_left_out_again(shop: RunningBot, language: str) -> None:
    words = WORDS[language]
    nina, lines = await three_lines_listed(shop, 603, language)

    lines = (await nina.press(lines, words["tissues"])).last
    assert words["tissues chosen"] in lines.button_texts()
    lines = (await nina.press(lines, words["tissues chosen"])).last
    assert words["tissues"] in lines.button_texts() and words["continue"] not in lines.button_texts()

    await nina.press(lines, words["birds"])
    lines = (await nina.send("2")).last
    assert words["birds chosen"] in lines.button_texts()
    assert (await nina.press(lines, words["birds chosen"])).last.text == words["again"]
    lines = (await nina.send("0")).last
    assert words["birds"] in lines.button_texts() and words["continue"] not in lines.button_texts()
    assert not any(text.startswith("✅") for text in lines.button_texts())
