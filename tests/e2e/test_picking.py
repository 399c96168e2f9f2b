"""Picking through the sandbox: each of the four methods, scans by text and by photo, a
wrong item, short picks (found elsewhere, or the order goes on hold with an alert)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from domain.usecases.imports.lists import import_warehouses
from domain.usecases.imports.stock import import_stock
from handlers.output.barcodes import barcode_png
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN, hire
from tests.e2e.journeys import (
    STEP,
    jars,
    order,
    pick_everything,
    split_jar_order,
    status,
    stock,
    two_jars_in_a_tote,
)


async def test_a_single_order_is_picked_in_walking_order_by_text_and_photo(shop: RunningBot) -> None:
    code = await order(shop, 100, {"85123A": 2, "22197": 1})
    picker = await hire(shop, 60, "Pia", "picker", "LON")
    menu = await picker.send("/pick")
    first = await picker.press(menu.last, "Single order")
    assert "Bin A-03-03-3" in first.last.text and "1 × 22197" in first.last.text  # zone A before zone B
    assert f"Tote 1 — order {code}" in first.last.text and "Line 1 of 2" in first.last.text
    assert await status(shop, code) == "picking"

    wrong = await picker.send("85123A")
    assert wrong.last.text == ("Wrong item: “85123A”. Expected 22197 — Popcorn Holder, from bin A-03-03-3.")
    second = await picker.send("2002219700007")  # the barcode works as well as the SKU
    assert "Bin B-06-06-3" in second.last.text and "2 × 85123A" in second.last.text
    photo = await picker.send_photo(barcode_png("2008512350000", ean=True))
    assert "1 × 85123A" in photo.last.text  # one scanned, one to go
    done = await picker.send("85123A")
    assert "is finished" in done.last.text and f"{code} — tote 1 — picked, being packed" in done.last.text
    assert await status(shop, code) == "picked"
    customer_chat = [msg.text for msg in shop.server.chat_messages(100)]
    assert any("being picked" in text for text in customer_chat)

    blurry = await picker.send("/pick")
    assert blurry.last.text == "Picking in LON. How do you want to pick?"  # no open round left


async def test_a_batch_round_shares_a_cart_and_gives_each_order_its_tote(shop: RunningBot) -> None:
    codes = [await order(shop, 110 + i, {"85123A": 1, "23166": 1}) for i in range(3)]
    picker = await hire(shop, 61, "Bo", "picker", "LON")
    reply = await picker.press((await picker.send("/pick")).last, "Batch of orders")
    assert "Line 1 of 6" in reply.last.text
    tote = re.search(r"Tote (\d) — order (\S+)", reply.last.text)
    assert tote is not None and codes.index(tote.group(2)) == int(tote.group(1)) - 1
    await pick_everything(picker, reply)
    assert [await status(shop, c) for c in codes] == ["picked"] * 3


async def test_zone_pickers_complete_an_order_together(shop: RunningBot) -> None:
    code = await order(shop, 120, {"22197": 1, "85123A": 1})  # A-03-03-3 and B-06-06-3
    zone_a = await hire(shop, 62, "Al", "picker", "LON")
    zone_b = await hire(shop, 63, "Bea", "picker", "LON")
    zones = await zone_a.press((await zone_a.send("/pick")).last, "My zone")
    reply = await zone_a.press(zones.last, "A")
    assert "zone A" in reply.last.text and "Line 1 of 1" in reply.last.text
    await pick_everything(zone_a, reply)
    assert await status(shop, code) == "picking"  # zone B still to do
    zones = await zone_b.press((await zone_b.send("/pick")).last, "My zone")
    await pick_everything(zone_b, await zone_b.press(zones.last, "B"))
    assert await status(shop, code) == "picked"


async def test_a_wave_takes_all_zones_of_the_released_orders(shop: RunningBot) -> None:
    codes = [await order(shop, 130, {"22197": 1}), await order(shop, 131, {"85123A": 1, "23166": 2})]
    picker = await hire(shop, 64, "Wes", "picker", "LON")
    reply = await picker.press((await picker.send("/pick")).last, "Wave")
    assert "wave 1" in reply.last.text and "Line 1 of 3" in reply.last.text
    await pick_everything(picker, reply)
    assert [await status(shop, c) for c in codes] == ["picked", "picked"]


async def test_a_short_pick_is_taken_from_another_bin(shop: RunningBot) -> None:
    code = await order(shop, 140, {"21212": 3})
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    await admin.send("/receive 21212 5 LON A-07-01-1 new")  # a second bin; the main one is B-02-08-2
    picker = await hire(shop, 65, "Sy", "picker", "LON")
    reply = await picker.press((await picker.send("/pick")).last, "Single order")
    assert "B-02-08-2" in reply.last.text or "A-07-01-1" in reply.last.text
    asked = await picker.press(reply.last, "Short pick")
    assert asked.last.text == "How many did you find in the bin? Send a number (0 if none)."
    assert (await picker.send("lots")).last.text == "Send how many you found in the bin as a number: 0 if none."
    reply = await picker.send("1")
    assert "2 × 21212" in reply.last.text  # the other two, from the other bin
    await pick_everything(picker, reply)
    assert await status(shop, code) == "picked"


async def test_a_short_pick_with_no_stock_left_holds_the_order_and_alerts_staff(shop: RunningBot) -> None:
    code = await order(shop, 150, {"21212": 2, "85123A": 1})
    picker = await hire(shop, 66, "Nat", "picker", "LON")
    reply = await picker.press((await picker.send("/pick")).last, "Single order")
    while "21212" not in reply.last.text:
        step = STEP.search(reply.last.text)
        assert step
        reply = await picker.send(step.group(2))
    reply = await picker.press(reply.last, "Short pick")
    reply = await picker.send("0")
    assert f"Order {code} is on hold for the shortage; managers were told." in [msg.text for msg in reply.new]
    assert await status(shop, code) == "on_hold"
    alerts = [msg.text for msg in shop.server.chat_messages(-100500)]
    assert any("Short pick in LON" in text and code in text for text in alerts)


async def test_picking_is_refused_to_customers_and_other_roles(shop: RunningBot) -> None:
    customer = SandboxUser(shop.server, 160, "Cat")
    assert (await customer.send("/pick")).last.text == "This command is for shop staff only."
    packer = await hire(shop, 67, "Pat", "packer", "LON")
    assert (await packer.send("/pick")).last.text == "Your role (packer) does not allow this."
    picker = await hire(shop, 68, "Ida", "picker", "LON")
    idle = await picker.press((await picker.send("/pick")).last, "Single order")
    assert idle.callback_answer is not None
    assert idle.callback_answer["text"] == "There is nothing to pick in LON right now."


async def test_the_queue_puts_flagged_orders_first_and_order_shows_routing_and_picking(shop: RunningBot) -> None:
    plain = await order(shop, 170, {"85123A": 1})
    gift = await order(shop, 171, {"22197": 2})
    async with shop.runtime.sessions() as session, session.begin():
        row = await session.scalar(select(m.OrderRow).where(m.OrderRow.code == gift))
        assert row is not None
        row.flags = "GIFT"
    manager = await hire(shop, 69, "Meg", "manager", "LON")
    queue = await manager.send("/queue")
    lines = queue.last.text.splitlines()
    assert lines[0] == "Orders to fulfil in LON · 2 orders"
    assert lines[1].startswith(f"1. ⭐ {gift}") and "2 units" in lines[1] and lines[1].endswith(" — gift")
    assert lines[2].startswith(f"2. {plain}")

    detail = await manager.send(f"/order {plain.lower()}")
    assert f"Order {plain}" in detail.last.text and "Routing" in detail.last.text
    assert "LON" in detail.last.text and "85123A × 1" in detail.last.text
    assert "— placed — C170" in detail.last.text  # the customer by name, not an internal id
    assert (await manager.send("/order NOPE1234")).last.text == "Nothing was found."
    assert (await SandboxUser(shop.server, 172, "Cy").send(f"/order {plain}")).last.text == (
        "This command is for shop staff only."
    )


async def test_a_short_pick_with_no_other_bin_is_allocated_from_another_warehouse(shop: RunningBot) -> None:
    code = await order(shop, 180, {"22178": 2})  # in LON (A-01-01-1) and MAN (S-02-03-2)
    london = await hire(shop, 74, "Lou", "picker", "LON")
    reply = await london.press((await london.send("/pick")).last, "Single order")
    assert "A-01-01-1" in reply.last.text
    await london.press(reply.last, "Short pick")
    done = await london.send("0")
    assert "is finished" in done.last.text and f"{code} — tote 1 — being picked" in done.last.text
    alerts = [msg.text for msg in shop.server.chat_messages(-100500)]
    assert any("bin A-01-01-1 had fewer 22178" in t and "now allocated from MAN" in t for t in alerts)

    manchester = await hire(shop, 75, "Max", "picker", "MAN")
    reply = await manchester.press((await manchester.send("/pick")).last, "Single order")
    assert "S-02-03-2" in reply.last.text and "2 × 22178" in reply.last.text
    await pick_everything(manchester, reply)
    assert await status(shop, code) == "picked"


async def test_admins_and_managers_pick_in_any_warehouse_by_code_or_button(shop: RunningBot) -> None:
    """The demo shop has two warehouses (LON, MAN): an admin without a warehouse chooses one
    with a button or names it after /pick; a picker stays in their own."""
    london_order = await order(shop, 190, {"85123A": 1})  # only LON has it
    manchester_order = await order(shop, 191, {"84077": 1})  # only MAN has it
    admin = SandboxUser(shop.server, ADMIN, "Ada")

    asked = await admin.send("/pick")
    assert asked.last.text == "Which warehouse are you picking in?"
    methods = await admin.press(asked.last, "MAN")
    assert methods.last.text == "Picking in MAN. How do you want to pick?"
    reply = await admin.press(methods.last, "Single order")
    assert f"order {manchester_order}" in reply.last.text and "S-" in reply.last.text
    await pick_everything(admin, reply)
    assert await status(shop, manchester_order) == "picked"

    by_code = await admin.send("/pick lon")
    assert by_code.last.text == "Picking in LON. How do you want to pick?"
    reply = await admin.press(by_code.last, "My zone")
    reply = await admin.press(reply.last, "B")
    assert f"order {london_order}" in reply.last.text
    await pick_everything(admin, reply)
    assert await status(shop, london_order) == "picked"
    assert (await admin.send("/pick NOPE")).last.text == "There is no warehouse NOPE. The warehouses are: LON, MAN."

    manager = await hire(shop, 76, "Mo", "manager")
    assert (await manager.send("/pick MAN")).last.text == "Picking in MAN. How do you want to pick?"
    await hire(shop, 78, "Мила", "manager")
    russian = SandboxUser(shop.server, 78, "Мила", language_code="ru")  # the same person, Telegram in Russian
    asked = await russian.send("/pick")
    assert asked.last.text == "На каком складе вы собираете?"
    assert (await russian.press(asked.last, "LON")).last.text == "Сборка на складе LON. Как будете собирать?"
    picker = await hire(shop, 77, "Pat", "picker", "LON")
    assert (await picker.send("/pick MAN")).last.text == (
        "You pick in LON; picking in another warehouse needs a manager."
    )
    assert (await picker.send("/pick")).last.text == "Picking in LON. How do you want to pick?"


async def test_an_admin_who_opens_a_picker_invitation_keeps_the_role_and_takes_the_warehouse(
    shop: RunningBot,
) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    await hire(shop, ADMIN, "Ada", "picker", "MAN")
    assert (await admin.send("/pick")).last.text == "Picking in MAN. How do you want to pick?"
    assert "Staff commands (admin)" in (await admin.send("/help")).last.text


async def test_a_round_is_sent_to_the_bin_still_holding_the_goods_not_one_another_tote_emptied(
    shop: RunningBot,
) -> None:
    """A bin's count comes down when the parcel leaves: an order picked from A-01-01-1 and
    waiting to be packed left its 2 jars counted there, and the next picker was sent to the empty
    bin (a short pick, and the staff chat told to recount a bin that was right) while B-01-01-1
    held the only jars on the shelves."""
    await jars(shop, 2, 2)
    first, second = await order(shop, 300, {"JAR-1": 2}), await order(shop, 301, {"JAR-1": 2})
    pia, bo = await hire(shop, 60, "Pia", "picker", "LON"), await hire(shop, 61, "Bo", "picker", "LON")
    round_one = await pia.press((await pia.send("/pick")).last, "Single order")
    assert "Bin A-01-01-1" in round_one.last.text and first in round_one.last.text
    await pick_everything(pia, round_one)
    assert await status(shop, first) == "picked"  # the jars in Pia's tote; A-01-01-1 still counts them

    round_two = await bo.press((await bo.send("/pick")).last, "Single order")
    assert "Bin B-01-01-1" in round_two.last.text and "2 × JAR-1" in round_two.last.text
    assert "Line 1 of 1" in round_two.last.text and second in round_two.last.text
    await pick_everything(bo, round_two)
    assert await status(shop, second) == "picked"
    assert not any("had fewer" in m.text for m in shop.server.chat_messages(-100500))


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_units_in_a_pickers_tote_or_on_an_open_line_are_not_moved_out_of_their_bin(
    shop: RunningBot, language: str
) -> None:
    """/move took the units of a bin that were in a picker's tote (the bin counts them until the
    parcel leaves): the new bin counted jars that were never there, the shipment then took its
    jars from the bin that still had them, and the next picker was sent to an empty shelf."""
    await jars(shop, 3, 2)
    first, second = await order(shop, 310, {"JAR-1": 2}), await order(shop, 311, {"JAR-1": 2})
    pia, bo = await hire(shop, 70, "Pia", "picker", "LON"), await hire(shop, 71, "Bo", "picker", "LON")
    round_one = await pia.press((await pia.send("/pick")).last, "Single order")
    assert "Bin A-01-01-1" in round_one.last.text and first in round_one.last.text  # the fullest
    await pick_everything(pia, round_one)
    assert await status(shop, first) == "picked"
    open_line = await bo.press((await bo.send("/pick")).last, "Single order")
    assert "Bin B-01-01-1" in open_line.last.text and second in open_line.last.text
    manager = await hire(shop, 72, "Mo", "manager", "LON", language=language)
    before = await stock(shop, "JAR-1")

    refused = {
        "/move JAR-1 2 A-01-01-1 C-01-01-1": {
            "en": "Bin A-01-01-1 holds 3 of JAR-1, but 2 of them are picked or being picked for orders not yet"
            " shipped: 1 can be moved.",
            "ru": "В ячейке A-01-01-1 3 шт. JAR-1, но 2 из них собраны или собираются для ещё не отправленных"
            " заказов: переместить можно 1.",
        },
        "/move JAR-1 1 B-01-01-1 C-01-01-1": {
            "en": "Bin B-01-01-1 holds 2 of JAR-1, but 2 of them are picked or being picked for orders not yet"
            " shipped: 0 can be moved.",
            "ru": "В ячейке B-01-01-1 2 шт. JAR-1, но 2 из них собраны или собираются для ещё не отправленных"
            " заказов: переместить можно 0.",
        },
    }
    for command, said in refused.items():
        assert (await manager.send(command)).last.text == said[language], command
    assert await stock(shop, "JAR-1") == before
    view = (await manager.send("/stock JAR-1")).last.text
    assert "C-01-01-1" not in view
    moved = await manager.send("/move JAR-1 1 A-01-01-1 C-01-01-1 new")  # the one jar no round wants
    assert moved.last.text.startswith({"en": "Moved 1 × JAR-1 in LON", "ru": "Перемещено 1 × JAR-1 на LON"}[language])
    await pick_everything(bo, open_line)
    assert await status(shop, second) == "picked"


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_shelf_short_in_both_its_bins_holds_the_order_instead_of_sending_the_picker_back_and_forth(
    shop: RunningBot, language: str
) -> None:
    """Both bins of a product counted 2 and held none: "0 found" at A-01-01-1 sent the picker to
    B-01-01-1, "0 found" there sent them back to A-01-01-1, and so on for ever (a new line each
    time, the order never held, the staff chat told to recount again and again)."""
    await jars(shop, 2, 2)
    code = await order(shop, 320, {"JAR-1": 2})
    picker = await hire(shop, 73, "Pia", "picker", "LON", language=language)
    single, short = {"en": ("Single order", "Short pick"), "ru": ("Один заказ", "Недостача")}[language]
    first = await picker.press((await picker.send("/pick")).last, single)
    assert "A-01-01-1" in first.last.text
    await picker.press(first.last, short)
    second = await picker.send("0")
    assert "B-01-01-1" in second.last.text and "2 × JAR-1" in second.last.text
    await picker.press(second.last, short)
    held = await picker.send("0")
    told = {
        "en": f"Order {code} is on hold for the shortage; managers were told.",
        "ru": f"Заказ {code} приостановлен из-за недостачи; менеджеры уведомлены.",
    }[language]
    assert told in [m.text for m in held.new]
    assert "A-01-01-1" not in held.last.text  # the round is over, not back at the first bin
    assert await status(shop, code) == "on_hold"
    assert await stock(shop, "JAR-1") == [("LON", 0, 0)]  # both bins' counts came down by the 2 not there


async def test_a_short_pick_is_not_sent_to_a_bin_whose_units_are_in_another_orders_tote(shop: RunningBot) -> None:
    """A-01-01-1's 2 jars were in the first order's tote (counted there until it ships): a short
    pick at B-01-01-1 added a line at A-01-01-1, and the picker walked to an empty shelf."""
    await jars(shop, 2, 2)
    first, second = await order(shop, 330, {"JAR-1": 2}), await order(shop, 331, {"JAR-1": 2})
    pia, bo = await hire(shop, 76, "Pia", "picker", "LON"), await hire(shop, 77, "Bo", "picker", "LON")
    await pick_everything(pia, await pia.press((await pia.send("/pick")).last, "Single order"))
    assert await status(shop, first) == "picked"
    round_two = await bo.press((await bo.send("/pick")).last, "Single order")
    assert "B-01-01-1" in round_two.last.text
    await bo.press(round_two.last, "Short pick")
    held = await bo.send("0")
    assert f"Order {second} is on hold for the shortage; managers were told." in [m.text for m in held.new]
    assert "A-01-01-1" not in held.last.text and await status(shop, second) == "on_hold"


async def test_a_short_pick_is_allocated_from_two_other_warehouses_when_neither_has_it_all(shop: RunningBot) -> None:
    """LON's bin had none of its 2 jars; MAN and the overflow unit had one each: the order was
    held and its customer asked to wait, as if the shop had none. It is routed as checkout routes
    an order: one warehouse with it all, else the fewest."""
    runtime = shop.runtime
    await import_warehouses(runtime.uow(), "code,name\nOVF,Overflow unit\n")
    await jars(shop, 2, 0)
    more = "sku,warehouse,bin,quantity\nJAR-1,MAN,B-01-01-1,1\nJAR-1,OVF,C-01-01-1,1\n"
    await import_stock(runtime.uow(), runtime.clock, more)
    code = await order(shop, 340, {"JAR-1": 2})
    london = await hire(shop, 78, "Lou", "picker", "LON")
    reply = await london.press((await london.send("/pick")).last, "Single order")
    assert "A-01-01-1" in reply.last.text and "2 × JAR-1" in reply.last.text
    await london.press(reply.last, "Short pick")
    done = await london.send("0")
    assert "is finished" in done.last.text and await status(shop, code) == "picking"
    alerts = [msg.text for msg in shop.server.chat_messages(-100500)]
    assert any("bin A-01-01-1 had fewer JAR-1" in t and "now allocated from MAN, OVF" in t for t in alerts)
    assert await stock(shop, "JAR-1") == [("LON", 0, 0), ("MAN", 1, 1), ("OVF", 1, 1)]  # LON's bin had none
    for warehouse, user_id in (("MAN", 79), ("OVF", 80)):
        picker = await hire(shop, user_id, f"P{warehouse}", "picker", warehouse)
        reply = await picker.press((await picker.send("/pick")).last, "Single order")
        assert "1 × JAR-1" in reply.last.text and code in reply.last.text
        await pick_everything(picker, reply)
    assert await status(shop, code) == "picked"


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_count_correction_takes_units_off_the_shelves_not_those_in_a_pickers_tote(
    shop: RunningBot, language: str
) -> None:
    """/adjust took from the fullest bin first, A-01-01-1, whose count held the 2 jars in a
    picker's tote: its count fell below them, and the shipment then took them from B-01-01-1."""
    await two_jars_in_a_tote(shop, customer_id=350, picker_id=81)
    manager = await hire(shop, 82, "Mo", "manager", "LON", language=language)
    adjusted = await manager.send("/adjust JAR-1 LON -2 broken")
    assert (
        adjusted.last.text
        == {
            "en": "JAR-1 in LON: 3 on hand, 1 available.",
            "ru": "JAR-1 на LON: в наличии 3, доступно 1.",
        }[language]
    )
    view = (await manager.send("/stock JAR-1")).last.text
    assert "▫️ A-01-01-1: 3" in view and "▫️ B-01-01-1" not in view  # its 2 in the tote, 1 on the shelf


async def test_a_bin_code_another_warehouse_also_uses_is_another_shelf_for_units_spoken_for(shop: RunningBot) -> None:
    """Pick lines carried no warehouse, so units spoken for were keyed by product and bin code:
    an order split between MAN and LON, its 2 jars picked from MAN's A-01-01-1, counted them in
    LON's A-01-01-1 too, and LON's manager was told the jar just delivered there was picked."""
    runtime = shop.runtime
    split = await split_jar_order(shop, 330)  # 2 from each
    man, lon = await hire(shop, 80, "Mia", "picker", "MAN"), await hire(shop, 81, "Lu", "picker", "LON")
    for picker in (man, lon):
        in_hand = await picker.press((await picker.send("/pick")).last, "Single order")
        assert "Bin A-01-01-1" in in_hand.last.text and "2 × JAR-1" in in_hand.last.text and split in in_hand.last.text
        await pick_everything(picker, in_hand)
    assert await status(shop, split) == "picked"
    await import_stock(runtime.uow(), runtime.clock, "sku,warehouse,bin,quantity\nJAR-1,LON,A-01-01-1,3\n")

    manager = await hire(shop, 82, "Mo", "manager", "LON")
    refused = await manager.send("/move JAR-1 2 A-01-01-1 C-01-01-1 LON")
    assert refused.last.text == (
        "Bin A-01-01-1 holds 3 of JAR-1, but 2 of them are picked or being picked for orders not yet shipped:"
        " 1 can be moved."
    )
    moved = await manager.send("/move JAR-1 1 A-01-01-1 C-01-01-1 LON new")  # the jar delivered
    assert moved.last.text.startswith("Moved 1 × JAR-1 in LON")


async def test_a_wave_round_names_its_method_once(shop: RunningBot) -> None:
    """It was headed "Round 1 · wave · wave 1 · LON"."""
    await order(shop, 132, {"22197": 1})
    picker = await hire(shop, 69, "Wes", "picker", "LON")
    reply = await picker.press((await picker.send("/pick")).last, "Wave")
    assert reply.last.text.splitlines()[0] == "Round 1 · wave 1 · LON"
