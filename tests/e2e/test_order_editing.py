"""Changing an order before picking, through the sandbox: the customer within the window
(paying the difference), a manager changing the address, a refusal once picking has
started, and two staff editing the same order. Stock, money and history checked."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from domain.picking import PickMethod
from domain.usecases.picking import start_round
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN, hire, invite_token
from tests.e2e.journeys import (
    add_to_cart,
    line_quantities,
    order_code,
    order_of_invoice,
    order_row,
    place_card_order,
    place_cod_order,
    scalar,
    stock,
)
from tests.fakes import FakeClock

STAFF_CHAT = -100500


@pytest.fixture
def shop(paying_shop: RunningBot) -> RunningBot:
    """Here the shop takes card payments too (a difference to pay is sent as a link)."""
    return paying_shop


async def hire_in_russian(shop: RunningBot, user_id: int, name: str, role: str) -> SandboxUser:
    token = invite_token((await SandboxUser(shop.server, ADMIN, "Ada").send(f"/invite {role}")).last.text)
    member = SandboxUser(shop.server, user_id, name, language_code="ru")
    await member.send(f"/start inv_{token}")
    return member


async def _edits(shop: RunningBot, code: str) -> list[str]:
    """The actors of the order's edit rows in its history."""
    async with shop.runtime.sessions() as session:
        rows = await session.scalars(
            select(m.OrderHistoryRow.actor)
            .join(m.OrderRow, m.OrderRow.id == m.OrderHistoryRow.order_id)
            .where(m.OrderRow.code == code, m.OrderHistoryRow.reason.like("edited:%"))
        )
        return list(rows.all())


async def test_customer_adds_a_unit_within_the_window_and_pays_the_difference(shop: RunningBot) -> None:
    boris = SandboxUser(shop.server, 702, "Борис", language_code="ru")
    invoice = await place_card_order(boris, "85123A", 1)
    await boris.pay(invoice, charge_id="tg-first")
    code = order_of_invoice(invoice)
    assert await stock(shop, "85123A") == [("LON", 806, 1)]

    screen = await boris.send(f"/track {code}")
    editing = await boris.press(screen.last, "✏️")
    assert f"Изменение заказа {code}" in editing.last.text
    changed = await boris.press(editing.last, "➕ Белый подвесной…")  # the demo's name_ru, cut to fit
    told = next(msg for msg in changed.new if msg.kind != "invoice")
    assert f"Заказ {code} изменён" in told.text and "1 → 2" in told.text
    difference = next(msg for msg in changed.new if msg.kind == "invoice")
    assert difference.invoice is not None and difference.invoice["total_amount"] == 295

    assert (await boris.pre_checkout(difference)).pre_checkout_answer == {"ok": True, "error_message": None}
    receipt = await boris.pay(difference, charge_id="tg-difference")
    assert f"Доплата по заказу {code} получена" in receipt.last.text
    again = await boris.pay(difference, charge_id="tg-difference")  # Telegram redelivers it
    assert again.new == []

    order = await order_row(shop, code)
    assert (order.total_minor, order.version, await line_quantities(shop, code)) == (590, 1, {"85123A": 2})
    assert await stock(shop, "85123A") == [("LON", 806, 2)]
    charged = select(m.PaymentRow.amount_minor).where(m.PaymentRow.telegram_charge_id == "tg-difference")
    assert await scalar(shop, charged) == 295
    memo = await scalar(shop, select(m.JournalEntryRow.memo).where(m.JournalEntryRow.memo.like(f"edit of {code}%")))
    assert memo is not None
    assert await _edits(shop, code) == [f"customer:{order.customer_id}"]
    await shop.runtime.notifier.drain()
    by_customer = f"Order {code} was changed by its customer, Борис."  # staff read their names, not ids
    assert any(by_customer in msg.text for msg in shop.server.chat_messages(STAFF_CHAT))

    screen = await boris.press((await boris.send(f"/track {code}")).last, "✏️")
    fewer = await boris.press(screen.last, "➖ Белый подвесной подсвеч…")  # one back: owed back, not charged
    assert "Мы должны вам 2,95\xa0£" in fewer.new[-1].text and all(msg.kind != "invoice" for msg in fewer.new)
    owed = select(m.PaymentRow.amount_minor).where(m.PaymentRow.kind == "refund_owed")
    assert await scalar(shop, owed) == 295
    assert await scalar(
        shop, select(m.JournalEntryRow.memo).where(m.JournalEntryRow.memo == f"refund owed, {code} edited")
    )


async def test_customer_switches_to_pickup_then_back_to_a_courier(shop: RunningBot) -> None:
    alice = SandboxUser(shop.server, 707, "Alice")
    await add_to_cart(alice, "85123A", 2)
    code = order_code(await place_cod_order(alice))
    assert (await order_row(shop, code)).total_minor == 960  # £5.90 and £3.70 shipping
    screen = await alice.press((await alice.send(f"/track {code}")).last, "✏️ Edit")
    points = await alice.press(screen.last, "Pick up at a store instead")
    picked = await alice.press(points.last, "Manchester store")
    assert "Delivery: 221B Baker Street, London NW1 6XE → pickup at Manchester store" in picked.new[-1].text
    order = await order_row(shop, code)
    assert (order.delivery_method, order.shipping_minor, order.total_minor) == ("pickup", 0, 590)

    screen = await alice.press((await alice.send(f"/track {code}")).last, "✏️ Edit")
    asked = await alice.press(screen.last, "Deliver to an address instead")
    assert "new delivery address" in asked.last.text
    where = await alice.send("5 High Street, Leeds LS1 1AA")
    assert "Same place" not in where.last.button_texts()  # a pickup has no location of the customer's to keep
    moved = await alice.send("Skip")
    assert "→ 5 High Street, Leeds LS1 1AA" in moved.last.text and "Shipping: £0.00 →" in moved.last.text
    order = await order_row(shop, code)
    assert (order.delivery_method, order.address, order.version) == ("courier", "5 High Street, Leeds LS1 1AA", 2)
    assert order.shipping_minor > 0 and order.total_minor == 590 + order.shipping_minor


async def test_the_window_closes_for_the_customer(shop: RunningBot, clock: FakeClock) -> None:
    alice = SandboxUser(shop.server, 703, "Alice")
    await add_to_cart(alice, "85123A")
    code = order_code(await place_cod_order(alice))
    screen = await alice.send(f"/track {code}")
    assert "✏️ Edit" in screen.last.button_texts()
    clock.advance(minutes=31)
    late = await alice.press(screen.last, "✏️ Edit")
    assert late.callback_answer is not None and "within 30 minutes" in str(late.callback_answer.get("text"))
    assert "✏️ Edit" not in (await alice.send(f"/track {code}")).last.button_texts()


async def test_a_manager_changes_the_address_and_the_customer_sees_what_changed(shop: RunningBot) -> None:
    alice = SandboxUser(shop.server, 704, "Alice")
    await add_to_cart(alice, "85123A", 2)
    code = order_code(await place_cod_order(alice))
    manager = await hire(shop, 801, "Max", "manager")

    reply = await manager.send(f"/edit {code} address 10 Downing Street, London SW1A 2AA")
    assert "221B Baker Street" in reply.last.text and "10 Downing Street" in reply.last.text
    await shop.runtime.notifier.drain()
    told = alice.messages()[-1]
    assert f"Order {code} was changed." in told.text and "→ 10 Downing Street, London SW1A 2AA" in told.text
    assert "Total" in told.text and "Heart" not in told.text  # the change, not the whole order again
    order = await order_row(shop, code)
    assert (order.address, order.version) == ("10 Downing Street, London SW1A 2AA", 1)
    assert await _edits(shop, code) == ["staff:801"]


async def test_an_edit_after_picking_started_is_refused_and_changes_nothing(shop: RunningBot) -> None:
    alice = SandboxUser(shop.server, 705, "Alice")
    await add_to_cart(alice, "85123A", 2)
    code = order_code(await place_cod_order(alice))
    manager = await hire(shop, 802, "Max", "manager")
    await hire(shop, 803, "Pia", "picker", "LON")
    await start_round(shop.runtime.uow(), shop.runtime.clock, staff_id=803, method=PickMethod.SINGLE)
    before = await stock(shop, "85123A")

    reply = await manager.send(f"/edit {code} 85123A 5")
    assert f"Order {code} can no longer be changed: picking has started" in reply.last.text
    assert (await line_quantities(shop, code), await stock(shop, "85123A")) == ({"85123A": 2}, before)
    assert (await order_row(shop, code)).version == 0 and await _edits(shop, code) == []


async def test_two_staff_editing_the_same_order_one_wins_the_other_is_told(shop: RunningBot) -> None:
    alice = SandboxUser(shop.server, 706, "Alice")
    await add_to_cart(alice, "85123A", 2)
    code = order_code(await place_cod_order(alice))
    manager = await hire(shop, 804, "Max", "manager")
    support = await hire_in_russian(shop, 805, "Соня", "support")

    first = await manager.send(f"/edit {code}")
    second = await support.send(f"/edit {code}")
    won = await manager.press(first.last, "➕ White Hanging…")
    assert "2 → 3" in won.new[-1].text
    typed = await support.send(f"/edit {code} 85123A 1")  # the text command uses the version last seen too
    assert "изменил кто-то другой" in typed.last.text
    lost = await support.press(second.last, "🗑 Белый подвесной…")  # her screen is older: redrawn as it is now
    assert lost.callback_answer is not None
    assert "изменился с тех пор, как был показан этот экран" in str(lost.callback_answer.get("text"))
    assert await line_quantities(shop, code) == {"85123A": 3}
    assert await _edits(shop, code) == ["staff:804"]


OLD_SCREEN = {
    "en": {"add": "➕ Add a product", "asked": "What should be added to order {code}?", "stale": "has changed since"}
    | {"heart": "White Hanging…"},
    "ru": {"add": "➕ Добавить товар", "asked": "Что добавить в заказ {code}?", "stale": "изменился с тех пор"}
    | {"heart": "Белый подвесной…"},  # the demo's name_ru, cut to fit
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_staffs_edit_buttons_pressed_on_a_screen_over_48_hours_old_change_the_order_and_show_it_anew(
    shop: RunningBot, language: str
) -> None:
    """Telegram hands such a message over as inaccessible: ➕ changed the order and said nothing but an alert, and
    ➕ Add a product waited for a product nobody was asked for."""
    words = OLD_SCREEN[language]
    alice = SandboxUser(shop.server, 707, "Alice")
    await add_to_cart(alice, "85123A", 2)
    code = order_code(await place_cod_order(alice))
    manager = await hire(shop, 806, "Max", "manager", language=language)
    first = (await manager.send(f"/edit {code}")).last
    won = await manager.press(first, f"➕ {words['heart']}", too_old=True)
    assert won.edited == [] and len(won.new) == 2, won.messages
    screen, said = won.new
    assert "2 → 3" in said.text and words["add"] in screen.button_texts()
    assert await line_quantities(shop, code) == {"85123A": 3}
    again = await manager.press(screen, f"➕ {words['heart']}")  # the new screen's buttons edit on from there
    assert "3 → 4" in again.new[-1].text
    stale = await manager.press(first, f"🗑 {words['heart']}", too_old=True)  # the order has moved on
    assert stale.callback_answer is not None and words["stale"] in str(stale.callback_answer.get("text"))
    assert [msg.button_texts() for msg in stale.new] == [again.edited[-1].button_texts()] and stale.edited == []
    asked = await manager.press(screen, words["add"], too_old=True)
    assert asked.new[-1].text.startswith(words["asked"].format(code=code))
    assert await line_quantities(shop, code) == {"85123A": 4}


async def test_an_edit_routes_the_order_again_to_where_a_new_line_is_stocked(shop: RunningBot) -> None:
    alice = SandboxUser(shop.server, 708, "Alice")
    await add_to_cart(alice, "85123A", 1)
    code = order_code(await place_cod_order(alice))
    assert (await order_row(shop, code)).routing.startswith('["LON"')  # the holders are only in London
    manager = await hire(shop, 806, "Max", "manager")

    reply = await manager.send(f"/edit {code} 84077 1")  # stocked only in Manchester
    assert "➕ World War 2 Gliders Asstd Designs × 1" in reply.last.text
    order = await order_row(shop, code)
    assert '"MAN"' in order.routing and '"LON"' in order.routing and order.version == 1
    assert await line_quantities(shop, code) == {"85123A": 1, "84077": 1}
    assert [(w, reserved) for w, _, reserved in await stock(shop, "84077")] == [("MAN", 1)]


async def test_a_big_line_is_edited_to_any_quantity_a_cart_takes_and_no_further(shop: RunningBot) -> None:
    buyer = SandboxUser(shop.server, 709, "Bulk Buyer Ltd")
    await add_to_cart(buyer, "23843", 1500)
    code = order_code(await place_cod_order(buyer, pickup=True))  # too heavy for the couriers
    manager = await hire(shop, 807, "Max", "manager")

    reply = await manager.send(f"/edit {code} 23843 1200")  # a business ordering 1,500 takes 1,200
    assert "1,500 → 1,200" in reply.last.text, reply.last.text
    assert await line_quantities(shop, code) == {"23843": 1200}
    refused = await manager.send(f"/edit {code} 23843 10000")
    assert "to 9999." in refused.last.text and await line_quantities(shop, code) == {"23843": 1200}
