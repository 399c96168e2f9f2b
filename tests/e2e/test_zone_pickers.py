"""Two pickers in zones of one warehouse at once: a zone another picker has taken says so and
names the zones that still have something to pick (en and ru)."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from tests.e2e.conftest import hire
from tests.e2e.journeys import order, pick_everything, status

ZONE = {"en": "My zone", "ru": "Моя зона"}
TAKEN = {
    "en": "There is nothing to pick in zone A of LON right now. Zones with something to pick: B.",
    "ru": "Сейчас в зоне A склада LON нечего собирать. Есть что собирать в зонах: B.",
}
EMPTY = {
    "en": "There is nothing to pick in zone A of LON right now.",
    "ru": "Сейчас в зоне A склада LON нечего собирать.",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_zone_taken_by_another_picker_names_the_zones_still_to_pick(shop: RunningBot, language: str) -> None:
    """Al took zone A; Bea, choosing zone A too, read «There is nothing to pick in LON right now»
    while zone B of the same order waited for a picker."""
    code = await order(shop, 550, {"22197": 1, "85123A": 1})  # A-03-03-3 and B-06-06-3
    al = await hire(shop, 89, "Al", "picker", "LON", language=language)
    zones = await al.press((await al.send("/pick")).last, ZONE[language])
    await al.press(zones.last, "A")
    bea = await hire(shop, 90, "Bea", "picker", "LON", language=language)
    zones = await bea.press((await bea.send("/pick")).last, ZONE[language])
    refused = await bea.press(zones.last, "A")
    assert refused.callback_answer is not None and refused.callback_answer["text"] == TAKEN[language]
    await pick_everything(bea, await bea.press(zones.last, "B"))
    assert await status(shop, code) == "picking"  # Al's zone A still to do

    again = await bea.press((await bea.press((await bea.send("/pick")).last, ZONE[language])).last, "A")
    assert again.callback_answer is not None and again.callback_answer["text"] == EMPTY[language]


STILL_OPEN = {
    "en": (
        "⏸ You still have a round open in LON. A picker carries one round at a time: finish this one (a bin holding"
        " too few is a “Short pick”) before starting another.",
        "zone A · LON",
        "Go on with round",
    ),
    "ru": (
        "⏸ У вас ещё открыт обход на складе LON. Сборщик ведёт один обход за раз: завершите этот (если в ячейке не"
        " хватает товара — «Недостача»), прежде чем начинать другой.",
        "зона A · LON",
        "Продолжить обход",
    ),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_another_zone_asked_with_a_round_open_says_the_round_is_still_open(
    shop: RunningBot, language: str
) -> None:
    """Al, with his zone A round open, pressed zone B and read zone A's next line, headed «zone A»,
    as if the bot had not heard him. A picker carries one round (one cart) at a time: he is told his
    round is still open, with a button to go on with it, and no zone B round is made."""
    code = await order(shop, 551, {"22197": 1, "85123A": 1})  # A-03-03-3 and B-06-06-3
    al = await hire(shop, 91, "Al", "picker", "LON", language=language)
    zones = await al.press((await al.send("/pick")).last, ZONE[language])
    step_a = await al.press(zones.last, "A")
    asked_b = await al.press(zones.last, "B")
    said, heading, go_on = STILL_OPEN[language]
    assert asked_b.last.text.startswith(said), asked_b.last.text
    assert heading in asked_b.last.text
    assert [b["text"] for b in asked_b.last.buttons()] == [f"▶️ {go_on} {step_a.last.text.split()[1]}"]
    resumed = await al.press(asked_b.last, go_on)
    assert resumed.last.text == step_a.last.text  # zone A's line, as it was
    await pick_everything(al, resumed)
    assert await status(shop, code) == "picking"  # zone B was never taken: it waits for a picker
    bea = await hire(shop, 92, "Bea", "picker", "LON", language=language)
    zones = await bea.press((await bea.send("/pick")).last, ZONE[language])
    assert "B-06-06-3" in (await bea.press(zones.last, "B")).last.text
