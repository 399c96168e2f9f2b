"""A short pick that takes a business invoice down issues a numbered credit note, as a return does: the buyer's
accountant gets the document that corrects the invoice (CN-…, its amount and why), in English and Russian."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from storage import models as m
from tests.e2e.credit_notes import pressed
from tests.e2e.journeys import scalar
from tests.e2e.parcels import hire_in
from tests.e2e.short_invoices import _invoice_order, shown
from tests.e2e.short_picks import WORDS, _short_pick
from tests.e2e.split_shipments import shelf_says

DOCUMENT = {
    "en": {
        "button": "📄 Credit note CN-000001 (PDF)",
        "title": "Credit note CN-000001",
        "why": "item out of stock",
        "amount": "Credited: £1.26",
    },
    "ru": {  # nothing was paid, so nothing was «возвращено»: the note is worth what it took off the invoice
        "button": "📄 Кредит-нота CN-000001 (PDF)",
        "title": "Кредит-нота CN-000001",
        "why": "товара нет в наличии",
        "amount": "Сумма кредит-ноты: 1,26 £",
    },
}
REDUCED = {"en": "so your invoice is reduced by", "ru": "поэтому счёт уменьшен на"}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_invoice_taken_down_by_a_short_pick_gets_a_numbered_credit_note(
    shop: RunningBot, language: str
) -> None:
    words, document = WORDS[language], DOCUMENT[language]
    await shelf_says(shop, 5)  # the books say 5; the shelf holds 2
    buyer, code = await _invoice_order(shop, 411, language, 5)
    order_id = await scalar(shop, select(m.OrderRow.id).where(m.OrderRow.code == code))
    unit = await scalar(shop, select(m.OrderLineRow.unit_price_minor).where(m.OrderLineRow.order_id == order_id))
    await _short_pick(shop, await hire_in(shop, 412, "Pia", "picker", "en"), found=2)
    asked = next(msg for msg in reversed(shop.server.chat_messages(411)) if words["asked"] in msg.text)
    await buyer.press(asked, words["cancel"])
    await shop.runtime.notifier.drain()

    notes = select(m.CreditNoteRow.number, m.CreditNoteRow.amount_minor).where(m.CreditNoteRow.order_id == order_id)
    async with shop.runtime.sessions() as session:
        assert (await session.execute(notes)).all() == [(1, 3 * unit)]
    told = next(msg for msg in shop.server.chat_messages(411) if REDUCED[language] in msg.text)
    assert told.button_texts() == [document["button"]], told.button_texts()
    text = await pressed(buyer, told, document["button"])
    assert (
        document["title"] in text and shown(3 * unit, language).replace("\xa0", " ") in text and document["why"] in text
    ), text
    assert document["amount"] in text, text
