"""A business's invoice is numbered in the shop's one gapless sequence (en/ru): its PDF prints «Счёт № INV-000001
от 25 нояб. 2026 г.» / "Invoice INV-000001 of Nov 25, 2026" and still names the order; a credit note names the
invoice by that number; an invoice issued before numbers (none stored) prints by its order's code as it did.

Demo data used: 85123A at £2.95, 806 in LON; the shop's clock stands at 25 Nov 2026."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from bot.harness import RunningBot
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.credit_notes import pressed
from tests.e2e.invoice_part_payments import invoice_document
from tests.e2e.journeys import business_customer, order_code, place_invoice_order, scalar

WORDS = {
    "en": {
        "button": "🧾 Invoice (PDF)",
        "invoice": "Invoice INV-00000{n} of 25 Nov 2026",
        "order": "Order {code}",
        "before": "Invoice — order {code}",
        "note": "📄 Credit note CN-000001 (PDF)",
        "corrects": "Corrects invoice INV-000001 of 25 Nov 2026",
    },
    "ru": {
        "button": "🧾 Счёт (PDF)",
        "invoice": "Счёт № INV-00000{n} от 25 нояб. 2026 г.",
        "order": "Заказ {code}",
        "before": "Счёт — заказ {code}",
        "note": "📄 Кредит-нота CN-000001 (PDF)",
        "corrects": "Исправляет счёт № INV-000001 от 25 нояб. 2026 г.",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_each_invoice_takes_the_next_number_and_its_credit_note_names_it(shop: RunningBot, language: str) -> None:
    words = WORDS[language]
    admin = await hire(shop, 880, "Ada", "admin", language=language)
    buyer = await business_customer(shop, 881, "ООО Ромашка", language)
    first = order_code(await place_invoice_order(buyer, "85123A", 2, location=False))
    second = order_code(await place_invoice_order(buyer, "85123A", 1, location=False))
    assert await scalar(shop, select(m.OrderRow.invoice_number).where(m.OrderRow.code == first)) == 1

    for n, code in enumerate((first, second), start=1):
        document = await invoice_document(buyer, code, words["button"])
        assert words["invoice"].format(n=n) in document and words["order"].format(code=code) in document, document
        assert words["before"].format(code=code) not in document

    await admin.send(f"/paid {first}")
    await admin.send(f"/refund {first} 1.50 late delivery")
    note = await pressed(buyer, buyer.messages()[-1], words["note"])
    assert words["corrects"] in note and words["order"].format(code=first) in note, note

    async with shop.runtime.sessions() as session, session.begin():  # as an invoice issued before 0061 is stored
        await session.execute(update(m.OrderRow).where(m.OrderRow.code == second).values(invoice_number=None))
    before = await invoice_document(buyer, second, words["button"])
    assert words["before"].format(code=second) in before and "INV-" not in before, before


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_credit_note_sent_in_chat_names_the_invoice_it_corrects_beside_its_file(
    shop: RunningBot, language: str
) -> None:
    """The chat showed a credit note as `credit-note-CN-000001.pdf` alone: which invoice it corrects was read only by
    opening it. Sent from its button and by /receipt, the file carries the line the PDF prints, as its caption."""
    words = WORDS[language]
    admin = await hire(shop, 882, "Ada", "admin", language=language)
    buyer = await business_customer(shop, 883, "ООО Ромашка", language)
    code = order_code(await place_invoice_order(buyer, "85123A", 2, location=False))
    await admin.send(f"/paid {code}")
    await admin.send(f"/refund {code} 1.50 late delivery")
    sent = await buyer.press(buyer.messages()[-1], words["note"])
    (document,) = [message for message in sent.messages if message.kind == "document"]
    assert document.file is not None and document.file.file_name == "credit-note-CN-000001.pdf"
    assert _spaced(document.text) == words["corrects"]
    again = await buyer.send(f"/receipt {code}")
    invoice, note = (message for message in again.messages if message.kind == "document")
    assert _spaced(note.text) == words["corrects"] and invoice.text == ""  # the invoice itself: no caption, as before


def _spaced(text: str) -> str:
    """Babel's non-breaking spaces in a date («2026\u202fг.») as plain ones, as the words above are written."""
    return text.replace("\xa0", " ").replace("\u202f", " ")
