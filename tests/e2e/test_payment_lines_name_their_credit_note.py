"""A partly paid business invoice short-picked: its one credit note covers what the invoice no longer asks and what
is owed back. The invoice PDF and staff /order list those payment rows beside that note's number, so the buyer's
accountant does not read the invoice's "credit note · £…" row as a second credit note (en/ru)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.credit_notes import plain
from tests.e2e.journeys import scalar
from tests.e2e.parcels import hire_in
from tests.e2e.short_invoices import _invoice_order
from tests.e2e.short_picks import _short_pick
from tests.e2e.split_shipments import shelf_says

ASKED = {"en": "We are short of", "ru": "Не хватает"}
CANCEL = {"en": "✖ Cancel the missing part", "ru": "✖ Отменить недостающее"}
PART_OF = {"en": "part of CN-000001", "ru": "в составе CN-000001"}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_rows_a_credit_note_covers_name_it_on_the_invoice_pdf_and_the_staff_order_screen(
    shop: RunningBot, language: str
) -> None:
    await shelf_says(shop, 5)
    buyer, code = await _invoice_order(shop, 581, language, 5)
    order = await scalar(shop, select(m.OrderRow).where(m.OrderRow.code == code))
    unit = await scalar(shop, select(m.OrderLineRow.unit_price_minor).where(m.OrderLineRow.order_id == order.id))
    manager = await hire(shop, 582, "Mia", "manager", language=language)
    paid = order.total_minor - unit  # the dropped part: part still asked (taken off), part paid (owed back)
    await manager.send(f"/paid {code} {paid // 100}.{paid % 100:02d}")
    await _short_pick(shop, await hire_in(shop, 583, "Pia", "picker", "en"), found=2)
    asked = next(msg for msg in reversed(shop.server.chat_messages(581)) if ASKED[language] in msg.text)
    await buyer.press(asked, CANCEL[language])
    await shop.runtime.notifier.drain()

    screen = (await manager.send(f"/order {code}")).last.text
    noted = [line for line in screen.splitlines() if line.endswith(" · " + PART_OF[language])]
    assert len(noted) == 2, screen  # the part taken off the invoice and the refund owed, one note
    sent = await buyer.send(f"/receipt {code}")
    invoice = next(msg for msg in sent.messages if msg.kind == "document" and msg.file is not None)
    assert invoice.file is not None
    text = plain(invoice.file.content)
    assert text.count(PART_OF[language]) == 2, text
    assert screen.count(PART_OF[language]) == 2, screen  # the payment itself belongs to no note
