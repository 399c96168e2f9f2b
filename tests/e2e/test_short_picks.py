"""A picker finds less on the shelf than the books say: the order is held and its customer chooses,
with a button, to have what is there sent now and the rest in a second parcel, to wait for it all,
or to drop the missing part (refund owed, booked) — in English and Russian, through the sandbox."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import func, select

from bot.harness import RunningBot
from domain.usecases.stock import stock_drift
from sandbox import SandboxUser
from sandbox.driver import Reply
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.journeys import (
    add_to_cart,
    checkout_to_payment,
    order_code,
    order_of_invoice,
    pick_everything,
    place_cod_order,
    scalar,
    status,
)
from tests.e2e.order_edit_additions import _unbalanced_entries
from tests.e2e.parcels import hire_in
from tests.e2e.short_picks import SKU, STAFF_CHAT, WORDS, _pack_and_ship, _short_pick, asked_short
from tests.e2e.split_shipments import _parcels, shelf_says


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_short_pick_asks_the_customer_and_a_split_sends_what_is_there_then_the_rest_when_it_arrives(
    shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    cleo, code, asked = await asked_short(shop, 171, language)  # 2 on the shelf, 3 nowhere
    assert await status(shop, code) == "on_hold"
    assert code in asked.text and words["hold"] in asked.text
    assert asked.button_texts() == [words["split"], words["wait"], words["cancel"]]
    flags = select(m.OrderRow.flags).where(m.OrderRow.code == code)
    assert await scalar(shop, flags) == "SHORT"

    stale = copy.deepcopy(asked)  # the message as it was, buttons and all
    chosen = await cleo.press(asked, words["split"])
    assert chosen.callback_answer is not None and chosen.callback_answer["text"] == words["chosen"]
    assert await status(shop, code) == "picked"  # the 2 in hand are ready to pack
    assert set((await scalar(shop, flags) or "").split(",")) == {"BACKORDER", "SPLIT"}
    again = await cleo.press(stale, words["wait"])  # the old message's other button: answered, nothing changed
    assert again.callback_answer is not None and words["stale"] in again.callback_answer["text"]
    assert await status(shop, code) == "picked"
    await shop.runtime.notifier.drain()
    staff = [msg.text for msg in shop.server.chat_messages(STAFF_CHAT)]
    assert any(f"Order {code}: the customer wants what is here sent now" in text for text in staff)

    packer = await hire_in(shop, 174, "Pax", "packer", language)
    await _pack_and_ship(packer, code, 2, "TRK-S1")
    assert await status(shop, code) == "partially_shipped"

    manager = await hire(shop, 175, "Mia", "manager")
    await manager.send(f"/receive {SKU} 3 LON")  # the missing 3 arrive and are allocated to Cleo
    assert await scalar(shop, select(m.BackorderRow.status)) == "filled"
    picker = SandboxUser(shop.server, 172, "Pia", language_code="en")  # who short-picked it, hired by asked_short
    await pick_everything(picker, await picker.press((await picker.send("/pick")).last, "Single order"))
    assert await status(shop, code) == "picked"  # the second parcel's 3, picked
    await _pack_and_ship(packer, code, 3, "TRK-S2")
    assert await status(shop, code) == "shipped"
    assert await _parcels(shop) == [(1, "TRK-S1", 2), (2, "TRK-S2", 3)]
    await packer.send("/delivered TRK-S1")
    assert await status(shop, code) == "shipped"  # one parcel of two
    await packer.send("/delivered TRK-S2")
    assert await status(shop, code) == "delivered"
    assert await stock_drift(shop.runtime.uow()) == []
    assert await _unbalanced_entries(shop) == 0


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_customer_who_drops_the_missing_part_is_owed_what_they_paid_for_it_and_the_rest_goes_on(
    paying_shop: RunningBot, language: str
) -> None:
    shop = paying_shop
    words = WORDS[language]
    await shelf_says(shop, 4)  # the books say 4; the shelf holds 1
    nina = SandboxUser(shop.server, 181, "Nina", language_code=language)
    await add_to_cart(nina, SKU, 4)
    reply = await checkout_to_payment(nina, pickup=True)
    reply = await nina.press(reply.last, "💳")
    invoice = next(msg for msg in (await nina.press(reply.last, "✅")).new if msg.kind == "invoice")
    await nina.pay(invoice, charge_id=f"tg-short-{language}")
    code = order_of_invoice(invoice)
    picker = await hire_in(shop, 182, "Pia", "picker", "en")
    await _short_pick(shop, picker, found=1)
    asked = next(msg for msg in reversed(shop.server.chat_messages(181)) if words["asked"] in msg.text)
    assert asked.button_texts() == [words["wait"], words["cancel"]]  # a pickup is collected whole: no split

    stale = copy.deepcopy(asked)
    dropped = await nina.press(asked, words["cancel"])
    assert dropped.callback_answer is not None and dropped.callback_answer["text"] == words["dropped"]
    assert await status(shop, code) == "picked"
    order = await scalar(shop, select(m.OrderRow).where(m.OrderRow.code == code))
    unit = await scalar(shop, select(m.OrderLineRow.unit_price_minor).where(m.OrderLineRow.order_id == order.id))
    owed = select(func.sum(m.PaymentRow.amount_minor)).where(
        m.PaymentRow.order_id == order.id, m.PaymentRow.kind == "refund_owed"
    )
    assert await scalar(shop, owed) == 3 * unit
    assert await scalar(shop, select(m.BackorderRow.cancelled)) == 3
    assert await _unbalanced_entries(shop) == 0
    await shop.runtime.notifier.drain()
    assert any(words["refund"] in msg.text and code in msg.text for msg in shop.server.chat_messages(181))
    late = await nina.press(stale, words["wait"])
    assert late.callback_answer is not None and words["stale"] in late.callback_answer["text"]
    assert await scalar(shop, owed) == 3 * unit  # nothing changed
    assert await stock_drift(shop.runtime.uow()) == []


async def _split_and_first_parcel(
    shop: RunningBot, user_id: int, tracking: str
) -> tuple[str, SandboxUser, SandboxUser, SandboxUser]:
    """Cleo (``user_id``) orders 5, 2 are on the shelf: she has them sent now, they leave as parcel 1."""
    await shelf_says(shop, 5)
    cleo = SandboxUser(shop.server, user_id, "Cleo", language_code="en")
    await add_to_cart(cleo, SKU, 5)
    code = order_code(await place_cod_order(cleo, pickup=False))
    picker = await hire_in(shop, user_id + 1, "Pia", "picker", "en")
    await _short_pick(shop, picker, found=2)
    asked = next(msg for msg in reversed(shop.server.chat_messages(user_id)) if WORDS["en"]["asked"] in msg.text)
    await cleo.press(asked, WORDS["en"]["split"])
    packer = await hire_in(shop, user_id + 2, "Pax", "packer", "en")
    await _pack_and_ship(packer, code, 2, tracking)
    return code, cleo, picker, packer


async def test_after_a_split_the_customer_may_drop_the_rest_and_the_order_has_shipped(shop: RunningBot) -> None:
    code, cleo, _, packer = await _split_and_first_parcel(shop, 191, "TRK-D1")
    assert await status(shop, code) == "partially_shipped"

    waiting = await cleo.press((await cleo.send(f"/track {code}")).last, "⏳ Waiting for stock")
    sure = await cleo.press(waiting.last, "✖ Cancel 3 ×")
    await cleo.press(sure.last, "Yes, I no longer want it")
    assert await status(shop, code) == "shipped"  # nothing else is coming
    await packer.send("/delivered TRK-D1")
    assert await status(shop, code) == "delivered"
    assert await _parcels(shop) == [(1, "TRK-D1", 2)]
    order = await scalar(shop, select(m.OrderRow).where(m.OrderRow.code == code))
    unit = await scalar(shop, select(m.OrderLineRow.unit_price_minor).where(m.OrderLineRow.order_id == order.id))
    cash = (
        select(func.sum(m.JournalLineRow.debit_minor - m.JournalLineRow.credit_minor))
        .join(m.JournalEntryRow, m.JournalEntryRow.id == m.JournalLineRow.entry_id)
        .where(m.JournalEntryRow.source == f"order:{code}", m.JournalLineRow.account == "1000 Cash")
    )
    assert await scalar(shop, cash) == order.total_minor - 3 * unit  # the courier collected for the 2 that came
    assert await _unbalanced_entries(shop) == 0
    assert await stock_drift(shop.runtime.uow()) == []


PACKING = {
    "en": {
        "held": "Order {code} is on hold for the shortage; the customer is asked what to do.",
        "too_many": "Order {code} has 5 × 22151 to pack: send how many are really there, from 0 to 4.",
        "waits": "We will wait for the missing part and send everything together.",
        "why": "they were lost or damaged on their way to packing.",
    },
    "ru": {
        "held": "Заказ {code} приостановлен из-за нехватки; покупателя спросили, как поступить.",
        "too_many": "В заказе {code} к упаковке 5 × 22151: укажите, сколько есть на самом деле, от 0 до 4.",
        "waits": "Дождёмся недостающего и отправим всё вместе.",
        "why": "товар потерян или повреждён по пути на упаковку.",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_packer_short_of_a_picked_item_asks_the_customer_and_a_wait_sends_it_all_in_one_parcel(
    shop: RunningBot, language: str
) -> None:
    words, packing = WORDS[language], PACKING[language]
    await shelf_says(shop, 5)
    dan = SandboxUser(shop.server, 201, "Dan", language_code=language)
    await add_to_cart(dan, SKU, 5)
    code = order_code(await place_cod_order(dan, pickup=False))
    picker = await hire_in(shop, 202, "Pia", "picker", "en")
    await pick_everything(picker, await picker.press((await picker.send("/pick")).last, "Single order"))
    assert await status(shop, code) == "picked"
    packer = await hire_in(shop, 203, "Pax", "packer", language)
    await packer.send(f"/pack {code}")
    assert (await packer.send(f"/short {code} {SKU} 5")).last.text == packing["too_many"].format(code=code)
    assert await status(shop, code) == "picked"  # refused: nothing changed
    held = await packer.send(f"/short {code} {SKU} 2")  # 3 broke on the way to the bench
    assert held.last.text == packing["held"].format(code=code)
    assert await status(shop, code) == "on_hold"
    await shop.runtime.notifier.drain()
    asked = next(msg for msg in reversed(shop.server.chat_messages(201)) if words["asked"] in msg.text)
    # It was on the shelf when picked: the customer was told it was not.
    assert packing["why"] in asked.text and "shelf" not in asked.text and "полке" not in asked.text
    staff = [msg.text for msg in shop.server.chat_messages(STAFF_CHAT)]
    assert any("Short at packing in LON: 22151" in text and code in text for text in staff)

    waits = await dan.press(asked, words["wait"])
    assert waits.callback_answer is not None and waits.callback_answer["text"] == packing["waits"]
    assert await status(shop, code) == "picking"  # the 3 are picked again when they come
    assert await scalar(shop, select(m.OrderRow.flags).where(m.OrderRow.code == code)) == "BACKORDER"
    idle = await picker.press((await picker.send("/pick")).last, "Single order")
    assert idle.callback_answer is not None and "nothing to pick" in idle.callback_answer["text"]

    await (await hire(shop, 204, "Mia", "manager")).send(f"/receive {SKU} 3 LON")
    again = await picker.press((await picker.send("/pick")).last, "Single order")
    assert "📦 3 × 22151" in again.last.text  # only what is not in hand
    await pick_everything(picker, again)
    assert await status(shop, code) == "picked"
    await _pack_and_ship(packer, code, 5, "TRK-W1")
    assert await status(shop, code) == "shipped"
    assert await _parcels(shop) == [(1, "TRK-W1", 5)]
    assert await stock_drift(shop.runtime.uow()) == []


async def test_the_rest_of_a_split_order_short_again_and_cancelled_leaves_the_order_shipped(shop: RunningBot) -> None:
    code, cleo, picker, packer = await _split_and_first_parcel(shop, 211, "TRK-R1")
    await packer.send("/delivered TRK-R1")
    await (await hire(shop, 214, "Mia", "manager")).send(f"/receive {SKU} 3 LON")
    await _short_pick(shop, picker, found=0)  # the 3 that came are not on the shelf either
    assert await status(shop, code) == "on_hold"
    again = next(msg for msg in reversed(shop.server.chat_messages(211)) if WORDS["en"]["asked"] in msg.text)
    await cleo.press(again, WORDS["en"]["cancel"])
    assert await status(shop, code) == "delivered"  # nothing else will leave, and parcel 1 arrived
    assert await _parcels(shop) == [(1, "TRK-R1", 2)]
    assert await stock_drift(shop.runtime.uow()) == []


async def _zone_round(picker: SandboxUser, zone: str) -> Reply:
    return await picker.press((await picker.press((await picker.send("/pick")).last, "My zone")).last, zone)


async def test_zone_picking_picks_again_only_the_missing_units_of_an_order_picked_in_part(shop: RunningBot) -> None:
    await shelf_says(shop, 3, "85123A")  # the books say 3 in zone B; the shelf holds 1
    cleo = SandboxUser(shop.server, 201, "Cleo", language_code="en")
    await add_to_cart(cleo, "22197", 1)  # zone A
    await add_to_cart(cleo, "85123A", 3)
    code = order_code(await place_cod_order(cleo, pickup=False))
    zone_a = await hire(shop, 202, "Al", "picker", "LON")
    zone_b = await hire(shop, 203, "Bea", "picker", "LON")
    await pick_everything(zone_a, await _zone_round(zone_a, "A"))
    reply = await _zone_round(zone_b, "B")
    assert "3 × 85123A" in reply.last.text
    await zone_b.press(reply.last, "Short pick")
    await zone_b.send("1")  # 1 on the shelf, 2 nowhere
    await shop.runtime.notifier.drain()
    assert await status(shop, code) == "on_hold"
    asked = next(msg for msg in reversed(shop.server.chat_messages(201)) if "We are short of 2 × " in msg.text)
    await cleo.press(asked, WORDS["en"]["wait"])
    assert await status(shop, code) == "picking"
    manager = await hire(shop, 204, "Mia", "manager")
    await manager.send("/receive 85123A 2 LON")  # the missing 2 arrive and are allocated to Cleo
    assert await scalar(shop, select(m.BackorderRow.status)) == "filled"

    again = await _zone_round(zone_a, "A")  # zone A's item is in hand: nothing of this order again
    assert again.callback_answer is not None
    assert again.callback_answer["text"] == (
        "There is nothing to pick in zone A of LON right now. Zones with something to pick: B."
    )
    rest = await _zone_round(zone_b, "B")  # zone B: the 2 missing, not the 3 nor the 1 in hand
    assert f"order {code}" in rest.last.text and "2 × 85123A" in rest.last.text and "Line 1 of 1" in rest.last.text
    await pick_everything(zone_b, rest)
    assert await status(shop, code) == "picked"
    picked = select(func.sum(m.PickLineRow.picked)).where(
        m.PickLineRow.order_id == m.OrderRow.id, m.OrderRow.code == code
    )
    assert await scalar(shop, picked) == 4  # 1 + 1 + 2: each unit picked once
    assert await stock_drift(shop.runtime.uow()) == []
