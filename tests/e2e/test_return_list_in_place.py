"""A return's list of items is one message that changes in place, in English and Russian: each tap on an item sent
the list, or "How many?", anew, so a few taps left a stack of identical questions. A tap now edits the list (the same
tap again changes nothing, which Telegram calls "not modified"), a number typed is answered with the list below it
and the question above keeps no buttons, and Continue turns the list into the next question."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from handlers.callbacks import ReturnLineCb
from tests.e2e.returns import LIST_WORDS, three_lines_listed

BIRDS = "84879 Assorted Colour Bird Ornament"
BIRDS_RU = "84879 Декоративная птичка, цвета в ассортименте"  # the demo's name_ru
WORDS = {
    "en": LIST_WORDS["en"] | {"how many": f"How many of {BIRDS}? Send a number from 1 to 3.", "why": "Why?"},
    "ru": LIST_WORDS["ru"] | {"how many": f"Сколько вернуть: {BIRDS_RU}? Пришлите число от 1 до 3.", "why": "Почему?"},
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_taps_on_a_return_list_edit_it_in_place_not_stack_copies(shop: RunningBot, language: str) -> None:
    words = WORDS[language]
    nina, listed = await three_lines_listed(shop, 604, language)
    sent = len(shop.server.chat_messages(604))

    for tap in ("tissues", "tissues chosen", "tissues", "birds", "birds"):
        pressed = await nina.press(listed, words[tap])
        assert pressed.new == [] and pressed.callback_answer is not None
    assert listed.text == words["how many"] and words["tissues chosen"] in listed.button_texts()
    assert len(shop.server.chat_messages(604)) == sent  # five taps, no message more

    typed = await nina.send("2")
    [lines] = typed.new
    assert words["birds chosen"] in lines.button_texts() and words["tissues chosen"] in lines.button_texts()
    assert listed.text == words["how many"] and listed.buttons() == []  # the question answered keeps no buttons

    assert lines.button_texts()[-1] == words["continue"]
    onwards = await nina.press(lines, words["continue"])
    assert onwards.new == [] and onwards.edited == [lines] and lines.text == words["why"]
    stale = await nina.press_data(listed, ReturnLineCb(line_id=0).pack())  # a button of a step gone by: answered
    assert stale.callback_answer is not None and lines.text == words["why"]
