"""A partly paid business invoice short-picked: one event, one credit note, for all the invoice fell by — what it
still asked taken off and what was paid for the dropped part owed back — never one note for each."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.journeys import scalar
from tests.e2e.parcels import hire_in
from tests.e2e.short_invoices import _invoice_order, _payments
from tests.e2e.short_picks import _short_pick
from tests.e2e.split_shipments import shelf_says

ASKED = {"en": "We are short of", "ru": "Не хватает"}
CANCEL = {"en": "✖ Cancel the missing part", "ru": "✖ Отменить недостающее"}


@pytest.mark.parametrize(("language", "found"), [("en", 2), ("ru", 2), ("en", 0)])
async def test_a_partly_paid_invoice_short_picked_gets_one_credit_note_of_all_it_fell_by(
    shop: RunningBot, language: str, found: int
) -> None:
    await shelf_says(shop, 5)
    buyer, code = await _invoice_order(shop, 571, language, 5)
    order = await scalar(shop, select(m.OrderRow).where(m.OrderRow.code == code))
    unit = await scalar(shop, select(m.OrderLineRow.unit_price_minor).where(m.OrderLineRow.order_id == order.id))
    manager = await hire(shop, 572, "Mia", "manager")
    paid = order.total_minor - unit  # all but one unit's worth paid: the dropped part is part paid, part owed
    await manager.send(f"/paid {code} {paid // 100}.{paid % 100:02d}")
    await _short_pick(shop, await hire_in(shop, 573, "Pia", "picker", "en"), found=found)
    asked = next(msg for msg in reversed(shop.server.chat_messages(571)) if ASKED[language] in msg.text)
    await buyer.press(asked, CANCEL[language])
    await shop.runtime.notifier.drain()

    async with shop.runtime.sessions() as session:
        notes = (await session.execute(select(m.CreditNoteRow.number, m.CreditNoteRow.amount_minor))).all()
    fell_by = 3 * unit if found else order.total_minor  # three units dropped, or the whole order
    assert [tuple(note) for note in notes] == [(1, fell_by)]
    if found:
        assert await _payments(shop, order.id, "credit_note") == unit  # what it still asked
        assert await _payments(shop, order.id, "refund_owed") == 2 * unit  # what was paid for the rest
    buttons = [b for msg in shop.server.chat_messages(571) for b in msg.button_texts() if "CN-" in b]
    assert len(buttons) == 1, buttons
