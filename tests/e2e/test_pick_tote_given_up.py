"""What a tote holds when its order's missing part is given up during a round: the bin rows and the
stock counters move once, at the short, and never again at the answer (a cancelled whole order's tote is
empty by then: what was picked keeps the order alive)."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.journeys import bins, jars, order, scalar, status, stock
from tests.e2e.short_picks import WORDS


async def _reserved_for(shop: RunningBot, code: str) -> int:
    order_id = select(m.OrderRow.id).where(m.OrderRow.code == code).scalar_subquery()
    total = await scalar(shop, select(func.sum(m.ReservationRow.quantity)).where(m.ReservationRow.order_id == order_id))
    return int(total or 0)


async def _gives_up(shop: RunningBot, customer_id: int) -> None:
    buyer = SandboxUser(shop.server, customer_id, f"C{customer_id}")
    cancel = WORDS["en"]["cancel"]
    asked = next(m for m in reversed(shop.server.chat_messages(customer_id)) if cancel in m.button_texts())
    await buyer.press(asked, cancel)


async def test_a_jar_in_the_tote_of_an_order_whose_missing_part_is_given_up_is_counted_once_and_packed(
    shop: RunningBot,
) -> None:
    """3 jars counted in A-01-01-1, 1 there: Pia scans it and finds no more. The 2 missing come off the bin
    and the counters at the short; the customer gives them up and the jar in her tote stays counted and
    reserved once, for packing — not put back, not released a second time, not sold again."""
    await jars(shop, 3, 0)
    code = await order(shop, 590, {"JAR-1": 3})
    assert (await bins(shop, "JAR-1"), await stock(shop, "JAR-1")) == ([("LON", "A-01-01-1", 3)], [("LON", 3, 3)])
    pia = await hire(shop, 98, "Pia", "picker", "LON")
    await pia.press((await pia.send("/pick")).last, "Single order")
    await pia.press((await pia.send("JAR-1")).last, "Short pick")
    await pia.send("0")
    assert await status(shop, code) == "on_hold"
    # the short: 2 not there come off the bin and on hand, their reservation goes; the tote's jar stays
    assert (await bins(shop, "JAR-1"), await stock(shop, "JAR-1")) == ([("LON", "A-01-01-1", 1)], [("LON", 1, 1)])
    assert await _reserved_for(shop, code) == 1

    await _gives_up(shop, 590)
    assert await status(shop, code) == "picked"  # the jar in the tote goes to packing
    assert (await bins(shop, "JAR-1"), await stock(shop, "JAR-1")) == ([("LON", "A-01-01-1", 1)], [("LON", 1, 1)])
    assert await _reserved_for(shop, code) == 1
    packer = await hire(shop, 100, "Pax", "packer", "LON")
    await packer.send(f"/pack {code}")
    reply = await packer.press((await packer.send("JAR-1")).last, "✅")
    await packer.press(reply.last, "⚖️")
    await packer.send(f"/ship {code} DPD TRK590")
    assert await status(shop, code) == "shipped"
    # the tote's jar leaves once: off the bin, on hand and its reservation, when the parcel does
    assert (await bins(shop, "JAR-1"), await stock(shop, "JAR-1")) == ([("LON", "A-01-01-1", 0)], [("LON", 0, 0)])
    assert await _reserved_for(shop, code) == 0


async def test_an_order_cancelled_whole_during_a_round_leaves_bin_and_counters_as_the_short_left_them(
    shop: RunningBot,
) -> None:
    """2 jars counted in A-01-01-1, 1 there: an order of 1 short with none found (1 comes off the bin) and given
    up whole during the round («put back on the shelves»): its tote is empty, the cancel moves no counter again,
    and the jar on the shelf is sold and picked from that bin, not held for the cancelled order's tote."""
    await jars(shop, 2, 0)
    code = await order(shop, 592, {"JAR-1": 1})
    pia = await hire(shop, 99, "Pia", "picker", "LON")
    step = await pia.press((await pia.send("/pick")).last, "Single order")
    await pia.press(step.last, "Short pick")
    await pia.send("0")
    assert await status(shop, code) == "on_hold"
    assert (await bins(shop, "JAR-1"), await stock(shop, "JAR-1")) == ([("LON", "A-01-01-1", 1)], [("LON", 1, 0)])
    await _gives_up(shop, 592)
    assert await status(shop, code) == "cancelled"
    assert (await bins(shop, "JAR-1"), await stock(shop, "JAR-1")) == ([("LON", "A-01-01-1", 1)], [("LON", 1, 0)])
    assert await _reserved_for(shop, code) == 0

    again = await order(shop, 593, {"JAR-1": 1})
    step = await pia.press((await pia.send("/pick")).last, "Single order")
    assert "Bin A-01-01-1" in step.last.text and "1 × JAR-1" in step.last.text
    await pia.send("JAR-1")
    assert await status(shop, again) == "picked"
    assert await stock(shop, "JAR-1") == [("LON", 1, 1)]
