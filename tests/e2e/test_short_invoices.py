"""A business invoice with a part its customer dropped (a short pick cancelled, or a waiting part
cancelled) asks for less: a credit note takes the part off the receivable, the reminders name the
reduced amount and /paid records it — in English and Russian, through the sandbox."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.harness import RunningBot
from domain.usecases.jobs import dun_invoices
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.journeys import (
    scalar,
    status,
)
from tests.e2e.order_edit_additions import _unbalanced_entries
from tests.e2e.parcels import hire_in
from tests.e2e.short_invoices import REMINDED, _account, _invoice_order, _payments, shown
from tests.e2e.short_picks import STAFF_CHAT, WORDS, _pack_and_ship, _short_pick
from tests.e2e.split_shipments import shelf_says
from tests.fakes import FakeClock

OFF_THE_INVOICE = {  # the question's third choice, for an order on invoice (nothing was paid)
    "en": "cancel the missing part (it comes off your invoice).",
    "ru": "отменить недостающее (его стоимость снимем со счёта).",
}
REDUCED = {
    "en": "Part of your order {code} will not be sent, so your invoice is reduced by {credit}: it now asks for {owed}.",
    "ru": "Часть заказа {code} не будет отправлена, поэтому счёт уменьшен на {credit}: теперь к оплате {owed}.",
}


async def told_reduced(shop: RunningBot, buyer: SandboxUser, code: str, credit: int, owed: int, language: str) -> None:
    """The customer hears that their invoice asks for less, and how much."""
    await shop.runtime.notifier.drain()
    said = REDUCED[language].format(code=code, credit=shown(credit, language), owed=shown(owed, language))
    assert any(said in message.text for message in shop.server.chat_messages(buyer.id))


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_invoice_whose_short_part_was_cancelled_asks_for_less_in_reminders_and_paid(
    shop: RunningBot, clock: FakeClock, language: str
) -> None:
    words = WORDS[language]
    await shelf_says(shop, 5)  # the books say 5; the shelf holds 2
    buyer, code = await _invoice_order(shop, 401, language, 5)
    order = await scalar(shop, select(m.OrderRow).where(m.OrderRow.code == code))
    unit = await scalar(shop, select(m.OrderLineRow.unit_price_minor).where(m.OrderLineRow.order_id == order.id))
    assert await _account(shop, code, "1100 Accounts receivable") == order.total_minor
    picker = await hire_in(shop, 402, "Pia", "picker", "en")
    await _short_pick(shop, picker, found=2)
    asked = next(msg for msg in reversed(shop.server.chat_messages(401)) if words["asked"] in msg.text)
    assert OFF_THE_INVOICE[language] in asked.text and "refunded" not in asked.text
    dropped = await buyer.press(asked, words["cancel"])
    assert dropped.callback_answer is not None and dropped.callback_answer["text"] == words["dropped"]
    assert await status(shop, code) == "picked"

    owed = order.total_minor - 3 * unit
    assert await _payments(shop, order.id, "credit_note") == 3 * unit
    assert await _payments(shop, order.id, "refund_owed") == 0  # nothing was paid: nothing owed back
    await told_reduced(shop, buyer, code, 3 * unit, owed, language)
    assert await _account(shop, code, "1100 Accounts receivable") == owed
    note = (
        select(func.sum(m.JournalLineRow.debit_minor), func.sum(m.JournalLineRow.credit_minor))
        .join(m.JournalEntryRow, m.JournalEntryRow.id == m.JournalLineRow.entry_id)
        .where(m.JournalEntryRow.source == f"order:{code}", m.JournalEntryRow.memo.startswith("credit note"))
    )
    async with shop.runtime.sessions() as session:
        debits, credits = (await session.execute(note)).one()
    assert debits == credits == 3 * unit  # the part's sale and its tax reversed against the receivable
    assert await _account(shop, code, "4900 Sales returns") > 0
    assert await _unbalanced_entries(shop) == 0

    clock.advance(days=14)
    assert await dun_invoices(shop.runtime.uow(), shop.runtime.clock, staff_chat_id=STAFF_CHAT) == 1
    await shop.runtime.notifier.drain()
    reminder = shop.server.chat_messages(401)[-1].text
    assert code in reminder and REMINDED[language] in reminder and f"({shown(owed, language)})" in reminder
    manager = await hire(shop, 403, "Mia", "manager")
    paid = (await manager.send(f"/paid {code}")).last.text
    assert paid == f"Payment of {shown(owed, 'en')} recorded for order {code}; invoice reminders stop."
    assert await _payments(shop, order.id, "payment") == owed
    assert await _account(shop, code, "1100 Accounts receivable") == 0
    assert await _unbalanced_entries(shop) == 0
    clock.advance(days=3)
    assert await dun_invoices(shop.runtime.uow(), shop.runtime.clock, staff_chat_id=STAFF_CHAT) == 0  # settled
    packer = await hire_in(shop, 404, "Pax", "packer", "en")
    await _pack_and_ship(packer, code, 2, "TRK-I1")
    assert await status(shop, code) == "shipped"


async def test_an_invoice_whose_waiting_part_was_cancelled_is_credited_it_and_paid_at_the_reduced_amount(
    shop: RunningBot,
) -> None:
    await shelf_says(shop, 5)
    buyer, code = await _invoice_order(shop, 411, "en", 5)
    order = await scalar(shop, select(m.OrderRow).where(m.OrderRow.code == code))
    unit = await scalar(shop, select(m.OrderLineRow.unit_price_minor).where(m.OrderLineRow.order_id == order.id))
    picker = await hire_in(shop, 412, "Pia", "picker", "en")
    await _short_pick(shop, picker, found=2)
    asked = next(msg for msg in reversed(shop.server.chat_messages(411)) if WORDS["en"]["asked"] in msg.text)
    await buyer.press(asked, WORDS["en"]["split"])
    packer = await hire_in(shop, 413, "Pax", "packer", "en")
    await _pack_and_ship(packer, code, 2, "TRK-I2")
    assert await status(shop, code) == "partially_shipped"
    assert await _account(shop, code, "1100 Accounts receivable") == order.total_minor  # the rest still awaited

    waiting = await buyer.press((await buyer.send(f"/track {code}")).last, "⏳ Waiting for stock")
    sure = await buyer.press(waiting.last, "✖ Cancel 3 ×")
    await buyer.press(sure.last, "Yes, I no longer want it")
    assert await status(shop, code) == "shipped"
    owed = order.total_minor - 3 * unit
    assert await _payments(shop, order.id, "credit_note") == 3 * unit
    assert await _account(shop, code, "1100 Accounts receivable") == owed
    assert await _unbalanced_entries(shop) == 0
    await told_reduced(shop, buyer, code, 3 * unit, owed, "en")
    manager = await hire(shop, 414, "Mia", "manager")
    paid = (await manager.send(f"/paid {code}")).last.text
    assert paid == f"Payment of {shown(owed, 'en')} recorded for order {code}; invoice reminders stop."
    assert await _account(shop, code, "1100 Accounts receivable") == 0
    assert (await manager.send(f"/paid {code}")).last.text == f"The invoice for order {code} is already paid."
