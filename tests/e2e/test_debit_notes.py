"""An issued invoice never prints another total under its number: an edit that raises a numbered invoice's total
gets a debit note of the rise, DN-000001 in its own sequence, naming the invoice it adds to; the buyer is told with
its button (en/ru), /receipt sends it with the invoice, the receivable is the new total, the journal balances.

Demo data used: 22151, held in LON only; the shop's clock stands at 25 Nov 2026."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from domain.accounting import Account
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.credit_notes import pressed, receipt_files, total_of
from tests.e2e.exchange_refunds import balanced
from tests.e2e.invoice_part_payments import invoice_document
from tests.e2e.invoice_returns import account
from tests.e2e.journeys import scalar
from tests.e2e.short_invoices import _invoice_order
from tests.e2e.short_picks import SKU

WORDS = {
    "en": {
        "button": "📄 Debit note DN-000001 (PDF)",
        "title": "Debit note DN-000001",
        "adds": "Adds to invoice INV-000001 of 25 Nov 2026",
        "debited": "Debited: £{amount}",
        "invoice": "🧾 Invoice (PDF)",
        "beside": "Debit note DN-000001 of 25 Nov 2026: +£{amount}",
    },
    "ru": {
        "button": "📄 Дебет-нота DN-000001 (PDF)",
        "title": "Дебет-нота DN-000001",
        "adds": "Дополняет счёт № INV-000001 от 25 нояб. 2026 г.",
        "debited": "Сумма дебет-ноты: {amount} £",
        "invoice": "🧾 Счёт (PDF)",
        "beside": "Дебет-нота DN-000001 от 25 нояб. 2026 г.: +{amount} £",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_issued_invoice_edited_up_gets_a_debit_note_of_the_rise_and_keeps_its_number(
    shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    buyer, code = await _invoice_order(shop, 471, language, 2)
    before = await total_of(shop, code)
    receivable = await account(shop, Account.RECEIVABLE)
    manager = await hire(shop, 472, "Mo", "manager")
    await manager.send(f"/edit {code} {SKU} 3")
    rise = await total_of(shop, code) - before
    assert rise > 0
    await shop.runtime.notifier.drain()
    told = next(msg for msg in reversed(shop.server.chat_messages(471)) if code in msg.text)
    assert told.button_texts() == [words["button"]], told

    notes = select(m.DebitNoteRow.number, m.DebitNoteRow.amount_minor)
    async with shop.runtime.sessions() as session:
        assert (await session.execute(notes)).all() == [(1, rise)]
    number = select(m.OrderRow.invoice_number).where(m.OrderRow.code == code)
    assert await scalar(shop, number) == 1  # the invoice keeps its number; the rise is the note's

    note = (await pressed(buyer, told, words["button"])).replace("\xa0", " ").replace("\u202f", " ")
    amount = f"{rise // 100}.{rise % 100:02d}" if language == "en" else f"{rise // 100},{rise % 100:02d}"
    assert words["title"] in note and words["adds"] in note and words["debited"].format(amount=amount) in note, note
    invoice = await invoice_document(buyer, code, words["invoice"])
    assert words["beside"].format(amount=amount) in invoice, invoice  # the invoice names what it was added to by
    assert await receipt_files(buyer, code) == ["invoice-INV-000001.pdf", "debit-note-DN-000001.pdf"]
    assert await account(shop, Account.RECEIVABLE) == receivable + rise  # all on account, to the penny
    assert await balanced(shop)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_debit_note_sent_in_chat_says_beside_its_file_the_invoice_it_adds_to_not_one_it_corrects(
    shop: RunningBot, language: str
) -> None:
    """A credit note's file is captioned with what it corrects; a debit note's button sent the same caption,
    "Corrects invoice INV-000001…", over a PDF saying it adds to it, and /receipt sent it with none. Both say what
    its PDF says: it adds to invoice INV-000001 of its day."""
    words = WORDS[language]
    buyer, code = await _invoice_order(shop, 481, language, 2)
    manager = await hire(shop, 482, "Mo", "manager")
    await manager.send(f"/edit {code} {SKU} 3")
    await shop.runtime.notifier.drain()
    told = next(msg for msg in reversed(shop.server.chat_messages(481)) if code in msg.text)
    sent = await buyer.press(told, words["button"])
    (document,) = [message for message in sent.messages if message.kind == "document"]
    assert document.file is not None and document.file.file_name == "debit-note-DN-000001.pdf"
    assert _spaced(document.text) == words["adds"]
    again = await buyer.send(f"/receipt {code}")
    invoice, note = (message for message in again.messages if message.kind == "document")
    assert _spaced(note.text) == words["adds"] and invoice.text == ""


def _spaced(text: str) -> str:
    """Babel's non-breaking spaces in a date as plain ones, as the words above are written."""
    return text.replace("\xa0", " ").replace("\u202f", " ")
