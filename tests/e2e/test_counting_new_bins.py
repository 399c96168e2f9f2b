"""/count of a bin its warehouse lacks: asked first, as goods received or moved are (✅ Create bin, 🔎 Count a bin
near its code, ✖️ Cancel; ``new`` typed last counts it as a new one at once), in English and Russian."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from tests.e2e.bins import bins_of, button_data
from tests.e2e.conftest import hire
from tests.e2e.journeys import stock

SAID = {
    "en": {
        "asked": "Bin {bin} does not exist in LON. Create it and count it?",
        "near": "Bins there with a similar code: ",
        "create": "✅ Create bin {bin}",
        "count": "🔎 Count {bin}",
        "cancel": "✖️ Cancel",
        "cancelled": "✖️ No count was begun.",
        "stale": "This question is out of date: no count was begun. Send the command again.",
        "counting": "Counting bin {bin} in LON.",
        "nothing": "The books list nothing here: send whatever you find.",
        "listed": "The books list these items here",
        "done": "✅ Done counting",
        "confirm": "✅ Confirm",
        "recorded": "Bin {bin} counted: 1 difference recorded as a stock adjustment.",
        "usage": "Usage: /count BIN [WAREHOUSE] [new] — count a bin and record what differs from the books.",
    },
    "ru": {
        "asked": "Ячейки {bin} на складе LON нет. Создать её и пересчитать?",
        "near": "Ячейки там с похожим кодом: ",
        "create": "✅ Создать ячейку {bin}",
        "count": "🔎 Пересчитать {bin}",
        "cancel": "✖️ Отмена",
        "cancelled": "✖️ Пересчёт не начат.",
        "stale": "Этот вопрос устарел: пересчёт не начат. Отправьте команду ещё раз.",
        "counting": "Пересчёт ячейки {bin} на складе LON.",
        "nothing": "По учёту здесь ничего нет",
        "listed": "По учёту здесь лежат",
        "done": "✅ Пересчёт закончен",
        "confirm": "✅ Подтвердить",
        "recorded": "Ячейка {bin} пересчитана: 1 расхождение записано как корректировка остатков.",
        "usage": "Использование: /count ЯЧЕЙКА [СКЛАД] [new] — пересчитать ячейку и записать расхождения с учётом.",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_count_of_a_mistyped_bin_is_asked_about_and_counts_the_bin_near_it_once(
    shop: RunningBot, language: str
) -> None:
    """B-06-06-7 typed, B-06-06-3 meant: nothing is opened until the answer; 🔎 Count B-06-06-3 counts that bin
    (its items listed), no bin is made, and the question's buttons then go stale."""
    said = SAID[language]
    mia = await hire(shop, 130, "Mia", "manager", "LON", language=language)
    before = await bins_of(shop, "LON")
    asked = (await mia.send("/count b-06-06-7")).last
    question, near = asked.text.split("\n")
    assert question == said["asked"].format(bin="B-06-06-7")
    assert near.startswith(said["near"]) and "B-06-06-3" in near
    texts = asked.button_texts()
    assert texts[0] == said["create"].format(bin="B-06-06-7") and texts[-1] == said["cancel"]
    assert said["count"].format(bin="B-06-06-3") in texts
    create = button_data(asked, "B-06-06-7")
    opened = await mia.press(asked, said["count"].format(bin="B-06-06-3"))
    assert opened.last.text.startswith(said["counting"].format(bin="B-06-06-3")), opened.last.text
    assert said["listed"] in opened.last.text and "85123A" in opened.last.text
    assert said["done"] in opened.last.button_texts()
    stale = await mia.press_data(asked, create)
    assert stale.callback_answer == {"text": said["stale"], "show_alert": True}
    said_count = await mia.send("85123A 1")  # the count opened by the answer takes scans
    assert "B-06-06-3" in said_count.last.text
    assert await bins_of(shop, "LON") == before and "B-06-06-7" not in before
    assert all(c.ok for c in shop.server.calls)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_new_bin_counted_is_made_on_the_answer_or_with_new_and_cancel_begins_nothing(
    shop: RunningBot, language: str
) -> None:
    said = SAID[language]
    mia = await hire(shop, 131, "Mia", "manager", "LON", language=language)
    (_, hearts, _), *_ = await stock(shop, "85123A")
    assert (await mia.send("/count")).last.text == said["usage"]
    cancelled = (await mia.send("/count Z-99-99-9")).last
    assert cancelled.text == said["asked"].format(bin="Z-99-99-9")  # no bin near it
    assert cancelled.button_texts() == [said["create"].format(bin="Z-99-99-9"), said["cancel"]]
    assert (await mia.press(cancelled, said["cancel"])).last.text == said["cancelled"]
    assert (await mia.send("85123A 1")).last.text != said["counting"]  # no count is open

    asked = (await mia.send("/count Z-99-99-9")).last
    opened = await mia.press(asked, said["create"].format(bin="Z-99-99-9"))
    assert opened.last.text.startswith(said["counting"].format(bin="Z-99-99-9")) and said["nothing"] in opened.last.text
    summary = await mia.press((await mia.send("85123A 2")).last, said["done"])
    recorded = await mia.press(summary.last, said["confirm"])
    assert recorded.last.text == said["recorded"].format(bin="Z-99-99-9")
    assert (await bins_of(shop, "LON"))["Z-99-99-9"] == 2
    assert (await stock(shop, "85123A"))[0][1] == hearts + 2

    for typed, code in (("/count Q-01-01-1 new", "Q-01-01-1"), ("/count q-01-01-2 LON NEW", "Q-01-01-2")):
        at_once = (await mia.send(typed)).last  # counted as a new bin without asking
        assert at_once.text.startswith(said["counting"].format(bin=code)), at_once.text
    assert (await mia.send("/count Z-99-99-9")).last.text.startswith(said["counting"].format(bin="Z-99-99-9"))
    assert all(c.ok for c in shop.server.calls)
