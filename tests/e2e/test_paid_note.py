"""/paid CODE AMOUNT NOTE: a bank transfer's reference typed after the amount, as /po pay takes one, is kept with
the payment, repeated in the reply and shown on /order under Payments (en/ru); another transfer of the same amount
with another reference is another payment, not a repeat to ask about.

Demo data used: 22151 at £0.42 and courier delivery at £5.90 for 3 units: the invoice asks for £7.16."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from domain.payments import note_in_memo
from handlers.views.rendering import shorten
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.invoice_part_payments import invoice_document
from tests.e2e.journeys import scalar
from tests.e2e.short_invoices import _invoice_order, shown

SAID = {
    "en": {
        "recorded": "Payment of {amount} recorded for order {code}; {left} is still to pay.",
        "note": "Note: {note}",
        "usage": "Usage: /paid ORDER-CODE [AMOUNT [NOTE]]",
    },
    "ru": {
        "recorded": "Оплата {amount} по заказу {code} записана; осталось оплатить {left}.",
        "note": "Примечание: {note}",
        "usage": "Формат: /paid КОД-ЗАКАЗА [СУММА [ПРИМЕЧАНИЕ]]",
    },
}


async def _notes(shop: RunningBot, code: str) -> list[tuple[int, str]]:
    order_id = await scalar(shop, select(m.OrderRow.id).where(m.OrderRow.code == code))
    async with shop.runtime.sessions() as session:
        rows = await session.execute(
            select(m.PaymentRow.amount_minor, m.PaymentRow.note)
            .where(m.PaymentRow.order_id == order_id)
            .order_by(m.PaymentRow.id)
        )
        return [(amount, note) for amount, note in rows]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_payment_recorded_with_a_note_keeps_it_and_order_shows_it_under_payments(
    shop: RunningBot, language: str
) -> None:
    """ "/paid CODE 5 bank ref" was refused (a usage hint) while "/po pay N 5 bank ref" took its note."""
    said = SAID[language]
    _buyer, code = await _invoice_order(shop, 593, "en", 3)  # £7.16
    manager = await hire(shop, 594, "Mia", "manager", language=language)
    assert (await manager.send("/paid")).last.text.startswith(said["usage"])
    reply = (await manager.send(f"/paid {code} 1 000,50 BACS")).last.text  # over the invoice: refused, as before
    assert await _notes(shop, code) == []

    reply = (await manager.send(f"/paid {code} 2  BACS   <ref> 4471")).last.text.replace("\xa0", " ")
    recorded = said["recorded"].format(amount=shown(200, language), code=code, left=shown(516, language))
    assert reply == recorded.replace("\xa0", " ") + "\n" + said["note"].format(note="BACS <ref> 4471")
    assert await _notes(shop, code) == [(200, "BACS <ref> 4471")]

    # The same amount a minute on with another reference is another transfer: recorded, not asked about.
    again = (await manager.send(f"/paid {code} 2 BACS 4472")).last
    assert again.button_texts() == [] and again.text.endswith(said["note"].format(note="BACS 4472"))
    assert await _notes(shop, code) == [(200, "BACS <ref> 4471"), (200, "BACS 4472")]

    screen = (await manager.send(f"/order {code}")).last.text
    payments = screen.split("\n\n" + {"en": "Timeline", "ru": "История"}[language])[0]
    assert "· BACS <ref> 4471" in payments and "· BACS 4472" in payments, screen


NOTED = {
    "en": {"memo": "invoice {code} paid in part; note: {note}", "received": "received {amount} on "},
    "ru": {"memo": "счёт {code} оплачен частично; примечание: {note}", "received": "получено {amount}, "},
}
LONG = "Transfer from Cafe Buyer Ltd, account 12345678, sort code 20-00-00, for the December invoice and the rest"


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_payments_note_is_in_its_journal_memo_the_business_statement_and_the_invoice_pdf(
    shop: RunningBot, language: str
) -> None:
    """The note was kept and shown on /order only: the accountant matching the bank's lines found it in neither the
    journal, the statement the business reads, nor the invoice it keeps. Each quotes it shortened, escaped in chat."""
    noted = NOTED[language]
    buyer, code = await _invoice_order(shop, 595, language, 3)  # £7.16
    manager = await hire(shop, 596, "Mia", "manager", language=language)
    await manager.send(f"/paid {code} 2 BACS <ref> 4471")
    await manager.send(f"/paid {code} 1 {LONG}")

    journal = (await manager.send(f"/journal {code}")).last.file
    assert journal is not None
    memos = journal.content.decode("utf-8-sig")
    for note in ("BACS <ref> 4471", note_in_memo(LONG)):
        assert noted["memo"].format(code=code, note=note) in memos, memos
    assert LONG not in memos and note_in_memo(LONG).endswith("…")

    statement = (await buyer.send("/statement")).last.text.replace("\xa0", " ")
    for minor, note in ((200, "BACS <ref> 4471"), (100, shorten(LONG, 40))):
        received = noted["received"].format(amount=shown(minor, language).replace("\xa0", " "))
        line = next((x for x in statement.split("\n") if x.strip().startswith(received)), "")
        assert line.endswith(f" · {note}"), statement

    document = await invoice_document(buyer, code, {"en": "🧾 Invoice (PDF)", "ru": "🧾 Счёт (PDF)"}[language])
    assert "BACS <ref> 4471" in document and shorten(LONG, 60) in document.replace("\n", " "), document
