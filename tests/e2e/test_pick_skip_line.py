"""«⏭ Skip this line» during a round: the line goes behind the others and is asked again at the end (en and ru);
the last line left offers no skip, and its old button is refused, as is a button of an earlier step."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from tests.e2e.conftest import hire
from tests.e2e.journeys import jars, order, status

W = {
    "en": {
        "batch": "Batch of orders",
        "skip": "⏭ Skip this line",
        "skipped": "Line left for later: it comes again at the end of the round.",
        "last": "This is the round's last line: scan the item, or report a short pick.",
        "stale": "This line is picked already: the buttons are on the round's latest step.",
        "finished": "is finished.",
        "line": "Line {n} of 2",
    },
    "ru": {
        "batch": "Пакет заказов",
        "skip": "⏭ Пропустить строку",
        "skipped": "Строка отложена: она вернётся в конце обхода.",
        "last": "Это последняя строка обхода: отсканируйте товар или сообщите о недостаче.",
        "stale": "Эта строка уже собрана: кнопки — у последнего шага обхода.",
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
