"""A short pick whose rest another bin and warehouse gave, the short bin counting fewer than were
missing: the picker is told the rest could not come off its count, in English and Russian."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from domain.usecases.imports.stock import import_stock
from domain.usecases.stock import stock_drift
from tests.e2e.conftest import hire
from tests.e2e.journeys import jars, order, status, stock

KEPT = {
    "en": "1 × JAR-1 not found in bin A-01-01-1 could not come off its count (it holds fewer, or they are reserved): "
    "count the bin and correct it with /adjust.",
    "ru": "1 × JAR-1, не найденные в ячейке A-01-01-1, не удалось списать с ячейки (в ней числится меньше, или они "
    "зарезервированы): пересчитайте ячейку и исправьте через /adjust.",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_picker_is_told_what_of_a_short_could_not_come_off_the_bins_count(
    shop: RunningBot, language: str
) -> None:
    """A-01-01-1 was recounted to 1 after the round sent the picker for 2 there; none found, B-01-01-1
    gave 1 and MAN the other: A-01-01-1 could lose only 1 of the 2, and the picker was told nothing
    (the packer's /short says it; the short-pick reply went straight to the next step)."""
    await jars(shop, 2, 1)
    await import_stock(shop.runtime.uow(), shop.runtime.clock, "sku,warehouse,bin,quantity\nJAR-1,MAN,A-01-01-1,2\n")
    code = await order(shop, 530, {"JAR-1": 2})
    pia = await hire(shop, 86, "Pia", "picker", "LON", language=language)
    step = await pia.press((await pia.send("/pick")).last, {"en": "Single order", "ru": "Один заказ"}[language])
    assert "A-01-01-1" in step.last.text and "2 × JAR-1" in step.last.text
    recount = "sku,warehouse,bin,quantity\nJAR-1,LON,A-01-01-1,1\n"
    await import_stock(shop.runtime.uow(), shop.runtime.clock, recount)
    await pia.press(step.last, {"en": "Short pick", "ru": "Недостача"}[language])
    reply = await pia.send("0")
    assert KEPT[language] in [msg.text for msg in reply.new]
    assert await status(shop, code) == "picking"
    assert await stock(shop, "JAR-1") == [("LON", 1, 1), ("MAN", 2, 1)]
    assert await stock_drift(shop.runtime.uow()) == []
