"""A night shift's stock through the sandbox: what /stock says a bin holds while a picker's
tote has some of its units, and where a parcel of an order picked in two warehouses leaves from."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from tests.e2e.conftest import hire
from tests.e2e.test_picking import jars, order, pick_everything, status

IN_TOTES = {
    "en": "▫️ A-01-01-1: 3 · 1 on the shelf, 2 picked",
    "ru": "▫️ A-01-01-1: 3 · на полке 1, собрано 2",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_stock_tells_a_bins_units_in_a_pickers_tote_from_those_on_the_shelf(
    shop: RunningBot, language: str
) -> None:
    """/stock said A-01-01-1 held 3 jars while 2 of them were in a picker's tote: the night
    manager counted 1 on the shelf, took the screen's 3 as right and wrote 2 off as lost."""
    await jars(shop, 3, 2)
    code = await order(shop, 360, {"JAR-1": 2})
    pia = await hire(shop, 83, "Pia", "picker", "LON")
    round_one = await pia.press((await pia.send("/pick")).last, "Single order")
    assert "Bin A-01-01-1" in round_one.last.text
    await pick_everything(pia, round_one)
    assert await status(shop, code) == "picked"
    manager = await hire(shop, 84, "Mo", "manager", "LON", language=language)
    view = (await manager.send("/stock JAR-1")).last.text
    assert IN_TOTES[language] in view
    assert "▫️ B-01-01-1: 2\n" in view  # nothing of it in a tote: said as it was
