"""«⏭ Skip this line» during a round: the line goes behind the others and is asked again at the end (en and ru);
the last line left offers no skip, and its old button is refused, as is a button of an earlier step; a second tap on
a skipped line's buttons says it was left for later, and a skip pressed on a message too old to edit still shows the
next line."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from sandbox.driver import Reply
from tests.e2e.conftest import hire
from tests.e2e.journeys import jars, order, status

W = {
    "en": {
        "batch": "Batch of orders",
        "skip": "⏭ Skip this line",
        "skipped": "Line left for later: it comes again at the end of the round.",
        "last": "This is the round's last line: scan the item, or report a short pick.",
        "stale": "This line is picked already: the buttons are on the round's latest step.",
        "again": "This line is left for later already: it comes again at the end of the round.",
        "finished": "is finished.",
        "line": "Line {n} of 2",
    },
    "ru": {
        "batch": "Пакет заказов",
        "skip": "⏭ Пропустить строку",
        "skipped": "Строка отложена: она вернётся в конце обхода.",
        "last": "Это последняя строка обхода: отсканируйте товар или сообщите о недостаче.",
        "stale": "Эта строка уже собрана: кнопки — у последнего шага обхода.",
        "again": "Эта строка уже отложена: она вернётся в конце обхода.",
        "finished": "завершён.",
        "line": "Строка {n} из 2",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_skipped_line_comes_again_at_the_end_of_the_round(shop: RunningBot, language: str) -> None:
    w = W[language]
    await jars(shop, 2, 0)
    jar = await order(shop, 600, {"JAR-1": 2})
    other = await order(shop, 601, {"85123A": 1})
    pia = await hire(shop, 120, "Pia", "picker", "LON", language=language)
    first = await pia.press((await pia.send("/pick")).last, w["batch"])
    assert "2 × JAR-1" in first.last.text and w["line"].format(n=1) in first.last.text, first.last.text
    half = await pia.send("JAR-1")  # one jar in the tote, then the ladder is needed elsewhere
    assert "1 × JAR-1" in half.last.text and w["skip"] in half.last.button_texts()

    skipped = await pia.press(half.last, w["skip"])
    assert skipped.callback_answer is not None and skipped.callback_answer["text"] == w["skipped"]
    assert "1 × 85123A" in skipped.last.text, skipped.last.text
    assert w["skip"] in skipped.last.button_texts()  # the jar is still to come: this is not the last line…
    back = await pia.send("85123A")
    assert "1 × JAR-1" in back.last.text and w["line"].format(n=2) in back.last.text, back.last.text
    assert w["skip"] not in back.last.button_texts()  # …this is: nothing to come back from
    stale = await pia.press(skipped.last, "⚠️")  # the 85123A step's short pick, picked since
    assert stale.callback_answer is not None and stale.callback_answer["text"] == w["stale"]
    last = await pia.press(half.last, w["skip"])  # the jar's old skip button, on the last line left
    assert last.callback_answer is not None and last.callback_answer["text"] == w["last"]

    done = await pia.send("JAR-1")
    assert w["finished"] in done.last.text, done.last.text
    assert (await status(shop, jar), await status(shop, other)) == ("picked", "picked")


async def _round_at_the_jars(
    shop: RunningBot, customer_id: int, picker_id: int, language: str
) -> tuple[SandboxUser, Reply]:
    """A batch round of two orders (2 jars, then 85123A), its picker at the jars' line: the picker and that step."""
    await jars(shop, 2, 0)
    await order(shop, customer_id, {"JAR-1": 2})
    await order(shop, customer_id + 1, {"85123A": 1})
    pia = await hire(shop, picker_id, "Pia", "picker", "LON", language=language)
    return pia, await pia.press((await pia.send("/pick")).last, W[language]["batch"])


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_second_tap_on_a_skipped_lines_buttons_says_it_was_left_for_later(
    shop: RunningBot, language: str
) -> None:
    w = W[language]
    pia, first = await _round_at_the_jars(shop, 610, 121, language)
    skipped = await pia.press(first.last, w["skip"])
    assert "1 × 85123A" in skipped.last.text, skipped.last.text
    shown = len(shop.server.chat_messages(121))
    for tapped in (w["skip"], "⚠️"):  # the jar's step again: its skip, then its short pick
        again = await pia.press(first.last, tapped)
        assert again.callback_answer is not None and again.callback_answer["text"] == w["again"], again.callback_answer
    assert len(shop.server.chat_messages(121)) == shown  # nothing asked, nothing moved: 85123A is still the step
    back = await pia.send("85123A")
    assert "2 × JAR-1" in back.last.text and w["line"].format(n=2) in back.last.text, back.last.text


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_skip_pressed_on_a_message_too_old_to_edit_shows_the_next_line(shop: RunningBot, language: str) -> None:
    w = W[language]
    pia, first = await _round_at_the_jars(shop, 620, 122, language)
    skipped = await pia.press(first.last, w["skip"], too_old=True)
    assert skipped.callback_answer is not None and skipped.callback_answer["text"] == w["skipped"]
    step = shop.server.chat_messages(122)[-1]
    assert step.message_id != first.last.message_id and "1 × 85123A" in step.text, step.text
    assert w["line"].format(n=1) in step.text and "⚠️" in " ".join(step.button_texts())
