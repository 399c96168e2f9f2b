"""A packer short of a picked item while the warehouse still has it free on its shelves, through
the sandbox: the order goes back to picking for the missing units, its customer not asked."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from domain.usecases.imports.stock import import_stock
from domain.usecases.stock import stock_drift
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.journeys import jars, order, pick_everything, scalar, status, stock

BACK_TO_PICKING = {
    "en": (
        "Order {code}: 1 × JAR-1 written off as lost at packing. LON still has it on its shelves, so the order "
        "is back in picking for it: /pick takes it from another bin."
    ),
    "ru": (
        "Заказ {code}: 1 × JAR-1 списано как потерянное при упаковке. На LON этот товар ещё есть на полках, "
        "поэтому заказ снова в сборке: /pick возьмёт его из другой ячейки."
    ),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_packer_short_while_the_shelves_still_have_it_sends_the_order_back_to_picking(
    shop: RunningBot, language: str
) -> None:
    """A jar broke on its way to the bench while bin B-01-01-1 held 2 more: the order was held,
    its customer asked to wait or cancel, and staff could only recount the bin."""
    await jars(shop, 3, 2)
    code = await order(shop, 380, {"JAR-1": 2})
    pia = await hire(shop, 89, "Pia", "picker", "LON")
    await pick_everything(pia, await pia.press((await pia.send("/pick")).last, "Single order"))
    packer = await hire(shop, 90, "Pax", "packer", "LON", language=language)
    await packer.send(f"/pack {code}")
    short = await packer.send(f"/short {code} JAR-1 1")
    assert short.last.text == BACK_TO_PICKING[language].format(code=code)
    assert await status(shop, code) == "picking"
    await shop.runtime.notifier.drain()
    told = [msg.text for msg in shop.server.chat_messages(380)]
    assert not any("short" in text.lower() or "не хватает" in text.lower() for text in told)  # not asked
    assert sum("being picked" in text for text in told) == 1  # nor told twice it is being picked
    assert await scalar(shop, select(m.BackorderRow.id)) is None

    again = await pia.press((await pia.send("/pick")).last, "Single order")
    assert "📦 1 × JAR-1" in again.last.text  # only the lost one
    await pick_everything(pia, again)
    assert await status(shop, code) == "picked"
    reply = await packer.send(f"/pack {code}")
    reply = await packer.send("JAR-1 2")
    reply = await packer.press(reply.last, "✅")
    await packer.press(reply.last, "⚖️")
    await packer.send(f"/ship {code} DPD TRK-L1")
    assert await status(shop, code) == "shipped"
    manager = await hire(shop, 91, "Mo", "manager", "LON")
    view = (await manager.send("/stock JAR-1")).last.text
    assert "🏬 LON: 2 on hand, 0 reserved, 2 available" in view  # 5 less 2 shipped and 1 broken
    assert await stock_drift(shop.runtime.uow()) == []


async def test_units_lost_at_packing_from_two_warehouses_are_held_against_the_warehouse_each_came_from(
    shop: RunningBot,
) -> None:
    """Two jars, one picked in LON and one in MAN, both broke on the way to the bench and neither
    shelf had another: the order was held with the whole shortage put on MAN (picked last). MAN's
    allocation released one (all it had), LON's stayed reserved for an order no longer waiting on
    it, and LON's lost jar stayed counted on its shelf, to be sold again."""
    runtime = shop.runtime
    await jars(shop, 2, 0)
    await import_stock(runtime.uow(), runtime.clock, "sku,warehouse,bin,quantity\nJAR-1,MAN,B-01-01-1,1\n")
    code = await order(shop, 381, {"JAR-1": 2})
    london = await hire(shop, 92, "Lou", "picker", "LON")
    reply = await london.press((await london.send("/pick")).last, "Single order")
    await london.press(reply.last, "Short pick")
    await london.send("1")  # one on the shelf: the other is now allocated from MAN
    manchester = await hire(shop, 93, "Max", "picker", "MAN")
    await pick_everything(manchester, await manchester.press((await manchester.send("/pick")).last, "Single order"))
    assert await status(shop, code) == "picked"
    assert await stock(shop, "JAR-1") == [("LON", 1, 1), ("MAN", 1, 1)]

    packer = await hire(shop, 94, "Pax", "packer", "LON")
    await packer.send(f"/pack {code}")
    held = await packer.send(f"/short {code} JAR-1 0")
    assert held.last.text == f"Order {code} is on hold for the shortage; the customer is asked what to do."
    assert await status(shop, code) == "on_hold"
    assert await stock(shop, "JAR-1") == [("LON", 0, 0), ("MAN", 0, 0)]  # each lost where it was picked
    waiting = await scalar(shop, select(m.BackorderRow.quantity))
    assert waiting == 2
    assert await stock_drift(shop.runtime.uow()) == []


NOT_WRITTEN_OFF = {
    "en": "1 of them could not come off the bin's count (it holds fewer, or they are reserved): count the bin and "
    "correct it with /adjust.",
    "ru": "1 из них не удалось списать с ячейки (в ней числится меньше, или они зарезервированы): пересчитайте "
    "ячейку и исправьте через /adjust.",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_lost_units_their_bin_no_longer_counts_are_said_not_written_off(shop: RunningBot, language: str) -> None:
    """Two jars picked from A-01-01-1 broke; A was counted down to 1 meanwhile and B holds 4: the
    order was held and its customer asked though the shelves had them (the repick refused unless
    the bin held every lost unit). Now one comes off A, the order is picked again, and the packer
    is told the other could not be written off."""
    runtime = shop.runtime
    await jars(shop, 2, 0)
    code = await order(shop, 382, {"JAR-1": 2})
    pia = await hire(shop, 95, "Pia", "picker", "LON")
    await pick_everything(pia, await pia.press((await pia.send("/pick")).last, "Single order"))
    await import_stock(
        runtime.uow(), runtime.clock, "sku,warehouse,bin,quantity\nJAR-1,LON,B-01-01-1,4\nJAR-1,LON,A-01-01-1,1\n"
    )
    packer = await hire(shop, 96, "Pax", "packer", "LON", language=language)
    await packer.send(f"/pack {code}")
    short = await packer.send(f"/short {code} JAR-1 0")
    written_off = BACK_TO_PICKING[language].format(code=code).replace("1 × JAR-1", "2 × JAR-1")
    assert short.last.text == written_off + "\n" + NOT_WRITTEN_OFF[language]
    assert await status(shop, code) == "picking"
    assert await stock(shop, "JAR-1") == [("LON", 4, 2)]
    assert await stock_drift(shop.runtime.uow()) == []
