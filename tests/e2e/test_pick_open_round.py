"""/pick naming another warehouse while the picker's round is open says the round is still open and
where, with a button to go on with it, as pressing another zone does (en and ru)."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from tests.e2e.conftest import hire
from tests.e2e.journeys import split_jar_order, status

SINGLE = {"en": "Single order", "ru": "Один заказ"}
STILL_OPEN = {
    "en": (
        "⏸ You still have a round open in MAN. A picker carries one round at a time: finish this one (a bin holding"
        " too few is a “Short pick”) before starting another.",
        "Go on with round",
    ),
    "ru": (
        "⏸ У вас ещё открыт обход на складе MAN. Сборщик ведёт один обход за раз: завершите этот (если в ячейке не"
        " хватает товара — «Недостача»), прежде чем начинать другой.",
        "Продолжить обход",
    ),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_pick_naming_another_warehouse_with_a_round_open_says_where_the_round_is(
    shop: RunningBot, language: str
) -> None:
    """Max, a manager with a round open in MAN, typed «/pick LON» and was shown MAN's line as if the
    bot had not heard LON. He is told his round is open in MAN, with a button to go on with it, and no
    LON round is made for him."""
    code = await split_jar_order(shop, 560)  # 2 jars from MAN, 2 from LON
    max_ = await hire(shop, 95, "Max", "manager", language=language)
    step = await max_.press((await max_.send("/pick MAN")).last, SINGLE[language])
    assert "· MAN" in step.last.text and "2 × JAR-1" in step.last.text

    asked = await max_.send("/pick LON")
    said, go_on = STILL_OPEN[language]
    assert asked.last.text.startswith(said), asked.last.text
    assert [b["text"] for b in asked.last.buttons()] == [f"▶️ {go_on} {step.last.text.split()[1]}"]
    resumed = await max_.press(asked.last, go_on)
    assert resumed.callback_answer is not None
    assert resumed.last.text == step.last.text  # MAN's line, as it was
    assert (await max_.send("/pick man")).last.text == step.last.text  # its own warehouse named: the line

    done = await max_.send("JAR-1 2")
    assert "JAR-1" not in done.last.text.split("\n")[-1]
    assert await status(shop, code) == "picking"  # LON's half waits for LON's picker
    lu = await hire(shop, 96, "Lu", "picker", "LON", language=language)
    assert "2 × JAR-1" in (await lu.press((await lu.send("/pick")).last, SINGLE[language])).last.text
