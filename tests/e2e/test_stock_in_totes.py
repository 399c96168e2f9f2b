"""A night shift's stock through the sandbox: what /stock says a bin holds while a picker's
tote has some of its units, and where a parcel of an order picked in two warehouses leaves from."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from tests.e2e.conftest import hire
from tests.e2e.journeys import pick_everything, split_jar_order, status, two_jars_in_a_tote
from tests.e2e.stock_in_totes import bins_of

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
    await two_jars_in_a_tote(shop, customer_id=360, picker_id=83)
    manager = await hire(shop, 84, "Mo", "manager", "LON", language=language)
    view = (await manager.send("/stock JAR-1")).last.text
    assert IN_TOTES[language] in view
    assert "▫️ B-01-01-1: 2\n" in view  # nothing of it in a tote: said as it was


async def test_a_parcel_of_an_order_picked_in_two_warehouses_leaves_from_the_earliest_picks(
    shop: RunningBot,
) -> None:
    """MAN picked its 2 jars of a split order before LON picked its 2; the first parcel's 2 jars
    came off LON's bin (its reservation came first) while the units still picked were reckoned
    from the earliest picks: MAN's 2 jars in a tote counted as on its shelf, LON's bin below them."""
    split = await split_jar_order(shop, 370)  # 2 from each
    man, lon = await hire(shop, 85, "Mia", "picker", "MAN"), await hire(shop, 86, "Lu", "picker", "LON")
    for picker in (man, lon):  # MAN first: its pick lines are the earliest
        await pick_everything(picker, await picker.press((await picker.send("/pick")).last, "Single order"))
    assert await status(shop, split) == "picked"
    packer = await hire(shop, 87, "Pax", "packer", "LON")
    reply = await packer.send(f"/pack {split}")
    reply = await packer.send("JAR-1 4")
    reply = await packer.press(reply.last, "✅")
    await packer.press(reply.last, "⚖️")
    assert await status(shop, split) == "packed"

    shipped = await packer.send(f"/ship {split} JAR-1=2 DPD TRK-J1")
    assert "partially shipped" in shipped.last.text
    manager = await hire(shop, 88, "Mo", "manager", "LON")
    view = (await manager.send("/stock JAR-1")).last.text
    assert bins_of(view, "MAN") == []  # its 2 jars left in the parcel
    assert bins_of(view, "LON") == ["▫️ A-01-01-1: 2 · 0 on the shelf, 2 picked"]
    assert "🏬 MAN: 0 on hand" in view and "🏬 LON: 2 on hand, 2 reserved, 0 available" in view
