"""A line chosen for a return by a wrong tap can be left out again, in English and Russian: a second tap on a single
item unticks it, and a line of several takes 0 — pressed again it stayed ✅ and sent the same question anew, and the
quantity took 1 and up only, so the only way out was to /cancel the whole return."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.returns import delivered

WORDS = {
    "en": {
        "tissues": "Pack Of 12 London Tissues · up to 1",
        "tissues chosen": "✅ Pack Of 12 London Tissues · 1 of 1",
        "birds": "Assorted Colour Bird… · up to 3",
        "birds chosen": "✅ Assorted Colour Bird… · 2 of 3",
        "again": "How many? Send a number from 1 to 3, or 0 to leave it out.",
        "continue": "Continue ➡️",
    },
    "ru": {
        "tissues": "Pack Of 12 London Tissues · до 1 шт.",
        "tissues chosen": "✅ Pack Of 12 London Tissues · 1 из 1",
        "birds": "Assorted Colour Bird… · до 3 шт.",
        "birds chosen": "✅ Assorted Colour Bird… · 2 из 3",
        "again": "Сколько? Пришлите число от 1 до 3 или 0, чтобы убрать этот товар из списка.",
        "continue": "Далее ➡️",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_line_chosen_for_a_return_by_mistake_can_be_left_out_again(shop: RunningBot, language: str) -> None:
    words = WORDS[language]
    nina = SandboxUser(shop.server, 603, "Nina", language_code=language)
    await nina.send("/start")
    code = await delivered(shop, 603, {"85123A": 1, "22616": 1, "84879": 3})
    lines = (await nina.press((await nina.send(f"/track {code}")).last, "↩️")).last

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
