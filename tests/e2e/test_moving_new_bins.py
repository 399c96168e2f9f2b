"""Stock moved (/move, /transfer) into a bin its warehouse does not have: asked first, as goods received are."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from domain.usecases.imports.lists import import_warehouses
from domain.usecases.imports.stock import import_stock
from tests.e2e.bins import bins_of, button_data
from tests.e2e.conftest import hire
from tests.e2e.journeys import jars_in, stock

SAID = {
    "asked": {
        "en": "Bin {bin} does not exist in {warehouse}. Create it and move the goods there?",
        "ru": "Ячейки {bin} на складе {warehouse} нет. Создать её и переместить товар туда?",
    },
    "near": {"en": "Bins there with a similar code: {bins}.", "ru": "Ячейки там с похожим кодом: {bins}."},
    "create": {"en": "✅ Create bin {bin}", "ru": "✅ Создать ячейку {bin}"},
    "into": {"en": "📦 Into {bin}", "ru": "📦 В ячейку {bin}"},
    "cancel": {"en": "✖️ Cancel", "ru": "✖️ Отмена"},
    "cancelled": {"en": "✖️ Nothing was moved.", "ru": "✖️ Ничего не перемещено."},
    "stale": {"en": "out of date: nothing was moved", "ru": "ничего не перемещено"},
    "moved": {
        "en": "Moved {n} × JAR-1 in LON: {source} → {target}.",
        "ru": "Перемещено {n} × JAR-1 на LON: {source} → {target}.",
    },
    "transferred": {
        "en": "Transferred {n} × JAR-1: LON {source} → MAN {target}.",
        "ru": "Передано {n} × JAR-1: LON {source} → MAN {target}.",
    },
}


async def _jars(shop: RunningBot) -> None:
    """JAR-1: 5 in LON's A-01-01-1, 2 in its B-01-01-1; 1 in MAN's C-01-01-1."""
    await jars_in(shop, ("LON", "A-01-01-1", 5), ("LON", "B-01-01-1", 2), ("MAN", "C-01-01-1", 1), cost="2.00")


async def _everywhere(shop: RunningBot) -> tuple[dict[str, int], dict[str, int], list[tuple[str, int, int]]]:
    """The stock rows a move or transfer writes: both warehouses' bins and JAR-1's counters."""
    return await bins_of(shop, "LON"), await bins_of(shop, "MAN"), await stock(shop, "JAR-1")


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_move_into_a_bin_the_warehouse_lacks_is_asked_about_and_moved_once_when_the_bin_is_made(
    shop: RunningBot, language: str
) -> None:
    await _jars(shop)
    manager = await hire(shop, 50, "Mia", "manager", language=language)
    before = await _everywhere(shop)
    asked = (await manager.send("/move JAR-1 2 A-01-01-1 z-99-99-9")).last
    assert asked.text == SAID["asked"][language].format(bin="Z-99-99-9", warehouse="LON")  # no bin near it
    assert [b["text"] for b in asked.buttons()] == [
        SAID["create"][language].format(bin="Z-99-99-9"),
        SAID["cancel"][language],
    ]
    assert await _everywhere(shop) == before  # nothing moved, no bin made yet
    create = button_data(asked, "Z-99-99-9")
    made = await manager.press(asked, "Z-99-99-9")
    assert made.last.text == SAID["moved"][language].format(n=2, source="A-01-01-1", target="Z-99-99-9")
    assert not asked.buttons()
    again = await manager.press_data(asked, create)  # a second tap before the answer's edit showed
    assert again.callback_answer is not None and SAID["stale"][language] in again.callback_answer["text"]
    lon, was = await bins_of(shop, "LON"), before[0]
    assert (lon["A-01-01-1"], lon["Z-99-99-9"]) == (was["A-01-01-1"] - 2, 2) and await stock(shop, "JAR-1") == before[2]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_mistyped_target_bin_names_the_bins_near_it_but_the_source_and_cancel_moves_nothing(
    shop: RunningBot, language: str
) -> None:
    await _jars(shop)
    manager = await hire(shop, 50, "Mia", "manager", language=language)
    before = await _everywhere(shop)
    asked = (await manager.send("/move JAR-1 2 A-01-01-1 B-01-01-7")).last  # B-01-01-1 meant
    question, near = asked.text.split("\n")
    assert question == SAID["asked"][language].format(bin="B-01-01-7", warehouse="LON")
    assert near.startswith(SAID["near"][language].format(bins="B-01-01-1")[:-1])
    assert "A-01-01-1" not in near  # two characters off too, but the units are taken from there
    assert SAID["into"][language].format(bin="B-01-01-1") in [b["text"] for b in asked.buttons()]
    cancelled = await manager.press(asked, SAID["cancel"][language])
    assert cancelled.last.text == SAID["cancelled"][language]
    assert await _everywhere(shop) == before


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_transfer_into_a_mistyped_bin_goes_into_the_bin_meant_and_new_makes_one_without_asking(
    shop: RunningBot, language: str
) -> None:
    await _jars(shop)
    manager = await hire(shop, 50, "Mia", "manager", language=language)
    before = await _everywhere(shop)
    asked = (await manager.send("/transfer JAR-1 2 LON:A-01-01-1 MAN:C-01-01-8")).last
    assert asked.text.split("\n")[0] == SAID["asked"][language].format(bin="C-01-01-8", warehouse="MAN")
    assert await _everywhere(shop) == before
    create = button_data(asked, "C-01-01-8")
    taken = await manager.press(asked, SAID["into"][language].format(bin="C-01-01-1"))
    assert taken.last.text == SAID["transferred"][language].format(n=2, source="A-01-01-1", target="C-01-01-1")
    stale = await manager.press_data(asked, create)
    assert stale.callback_answer is not None and SAID["stale"][language] in stale.callback_answer["text"]
    man, lon = await bins_of(shop, "MAN"), await bins_of(shop, "LON")
    assert man["C-01-01-1"] == 3 and "C-01-01-8" not in man
    assert lon["A-01-01-1"] == before[0]["A-01-01-1"] - 2

    made = await manager.send("/transfer JAR-1 1 LON:B-01-01-1 MAN:C-01-01-8 new")
    assert made.last.text == SAID["transferred"][language].format(n=1, source="B-01-01-1", target="C-01-01-8")
    moved = await manager.send("/move JAR-1 1 A-01-01-1 Q-01-01-1 LON NEW")
    assert moved.last.text == SAID["moved"][language].format(n=1, source="A-01-01-1", target="Q-01-01-1")
    again = await manager.send("/move JAR-1 1 A-01-01-1 Q-01-01-1")  # it exists now: no question
    assert again.last.text == SAID["moved"][language].format(n=1, source="A-01-01-1", target="Q-01-01-1")
    assert (await bins_of(shop, "MAN"))["C-01-01-8"] == 1 and (await bins_of(shop, "LON"))["Q-01-01-1"] == 2
    assert [on_hand for _, on_hand, _ in await stock(shop, "JAR-1")] == [4, 4]  # LON 7 - 3, MAN 1 + 3
    shorthand = await manager.send("/move JAR-1 1 A-01-01-1 R-01-01-1 new")  # no warehouse is coded NEW: the flag
    assert shorthand.last.text == SAID["moved"][language].format(n=1, source="A-01-01-1", target="R-01-01-1")
    assert (await bins_of(shop, "LON"))["R-01-01-1"] == 1


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_every_usage_line_of_a_command_that_makes_a_bin_says_new(shop: RunningBot, language: str) -> None:
    manager = await hire(shop, 50, "Mia", "manager", language=language)
    bin_ = {"en": "BIN", "ru": "ЯЧЕЙКА"}[language]
    for command, usage in {
        "/receive": f"[{bin_} [new]]",
        "/move": "[new]",
        "/transfer": ":BIN] [new]," if language == "en" else ":ЯЧЕЙКА] [new],",
        "/po": f"[{bin_} [new]]",
    }.items():
        assert usage in (await manager.send(f"{command} x y z w v u")).last.text, command


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_move_whose_units_left_while_it_was_asked_about_is_refused_on_the_answer_and_makes_no_bin(
    shop: RunningBot, language: str
) -> None:
    """The answer redoes the move as it stands then: the units another move took meanwhile are not moved twice."""
    await _jars(shop)
    manager = await hire(shop, 50, "Mia", "manager", language=language)
    asked = (await manager.send("/move JAR-1 2 B-01-01-1 Z-99-99-9")).last
    await manager.send("/move JAR-1 2 B-01-01-1 A-01-01-1")  # B-01-01-1's two jars go elsewhere first
    before = await _everywhere(shop)
    refused = await manager.press(asked, "Z-99-99-9")
    said = {"en": "Bin B-01-01-1 holds only 0 of JAR-1.", "ru": "В ячейке B-01-01-1 только 0 шт. JAR-1."}
    shown = refused.callback_answer["text"] if refused.callback_answer else refused.last.text
    assert shown == said[language]
    assert await _everywhere(shop) == before and "Z-99-99-9" not in before[0]
    again = await manager.press(asked, "Z-99-99-9")  # the question was answered: it is not asked again
    assert again.callback_answer is not None and SAID["stale"][language] in again.callback_answer["text"]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_warehouse_coded_new_named_last_is_the_warehouse_and_only_a_word_after_it_makes_the_bin(
    shop: RunningBot, language: str
) -> None:
    """``/move SKU QTY FROM TO NEW`` took the warehouse NEW for the ``new`` flag: the move went to another
    warehouse's bins, or was refused asking which warehouse. A last NEW is the warehouse when one is coded so; the
    flag then comes after it."""
    await _jars(shop)
    runtime = shop.runtime
    await import_warehouses(runtime.uow(), "code,name\nNEW,Newport\n")
    await import_stock(
        runtime.uow(), runtime.clock, "sku,warehouse,bin,quantity\nJAR-1,NEW,A-01-01-1,4\nJAR-1,NEW,D-01-01-1,1\n"
    )
    manager = await hire(shop, 50, "Mia", "manager", language=language)
    lon = await bins_of(shop, "LON")
    moved_in = {
        "en": "Moved {n} × JAR-1 in NEW: {source} → {target}.",
        "ru": "Перемещено {n} × JAR-1 на NEW: {source} → {target}.",
    }

    moved = await manager.send("/move JAR-1 2 A-01-01-1 D-01-01-1 NEW")
    assert moved.last.text == moved_in[language].format(n=2, source="A-01-01-1", target="D-01-01-1")
    asked = (await manager.send("/move JAR-1 1 A-01-01-1 E-01-01-1 NEW")).last  # a bin NEW lacks, no flag: asked
    assert asked.text.split("\n")[0] == SAID["asked"][language].format(bin="E-01-01-1", warehouse="NEW")
    made = await manager.send("/move JAR-1 1 A-01-01-1 E-01-01-1 NEW new")
    assert made.last.text == moved_in[language].format(n=1, source="A-01-01-1", target="E-01-01-1")
    assert await bins_of(shop, "NEW") == {"A-01-01-1": 1, "D-01-01-1": 3, "E-01-01-1": 1}
    assert await bins_of(shop, "LON") == lon
