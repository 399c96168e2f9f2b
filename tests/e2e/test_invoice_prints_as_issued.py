"""An issued invoice prints exactly what it was issued for: its lines, tax and totals as they stood when it took its
number. An edit raising the order later gets a debit note, listed after the invoice's own figures, and the amount
still to pay is the invoice plus its debit notes less its credit notes and payments (en/ru, both engines).

Demo data used: 22151, held in LON only; the shop's clock stands at 25 Nov 2026."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import delete, update

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN, hire, refused_calls, shop_on
from tests.e2e.credit_notes import plain, total_of
from tests.e2e.invoice_part_payments import invoice_document
from tests.e2e.journeys import business_customer, order_code, place_invoice_order
from tests.e2e.short_invoices import _invoice_order, shown
from tests.e2e.short_picks import SKU
from tests.fakes import FakeClock

WORDS = {
    "en": {"invoice": "🧾 Invoice (PDF)", "total": "Total: £{}", "units": "{} × £", "left": "Still to pay: £{}"},
    "ru": {"invoice": "🧾 Счёт (PDF)", "total": "Итого: {} £", "units": "{} × ", "left": "Осталось оплатить: {} £"},
}


@pytest.fixture
async def each(database_url: str, clock: FakeClock) -> AsyncIterator[RunningBot]:
    """The staffed shop on each engine: the invoice as issued is a table of its own."""
    async with shop_on(database_url, clock, staff_chat_id=-100500, admin_ids=[ADMIN]) as bot:
        yield bot
        assert refused_calls(bot) == [], "the sandbox refused calls the bot made"


def _money(minor: int, language: str) -> str:
    return f"{minor // 100:,}.{minor % 100:02d}" if language == "en" else f"{minor // 100},{minor % 100:02d}"


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_issued_invoice_edited_up_still_prints_the_lines_and_total_it_was_issued_for(
    each: RunningBot, language: str
) -> None:
    shop, words = each, WORDS[language]
    buyer, code = await _invoice_order(shop, 491, language, 2)
    issued = await total_of(shop, code)
    manager = await hire(shop, 492, "Mo", "manager")
    await manager.send(f"/edit {code} {SKU} 3")
    rise = await total_of(shop, code) - issued
    assert rise > 0
    invoice = await invoice_document(buyer, code, words["invoice"])
    assert words["total"].format(_money(issued, language)) in invoice, invoice  # as issued, not the order's new total
    assert words["total"].format(_money(issued + rise, language)) not in invoice, invoice
    assert words["units"].format(2) in invoice and words["units"].format(3) not in invoice, invoice
    assert "DN-000001" in invoice.split(words["total"].format(_money(issued, language)))[1]  # the note after it
    assert words["left"].format(_money(issued + rise, language)) in invoice, invoice  # invoice + debit note


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_statement_and_ar_name_the_debit_note_beside_its_invoice_and_owe_what_the_invoice_says_is_left(
    each: RunningBot, language: str
) -> None:
    """/statement, /ar CUSTOMER and /ar named INV-000001 alone after a rise: the buyer's accountant, holding the invoice
    and DN-000001, could not tell where the owed amount came from. Both name the note beside the invoice, and owe
    what the invoice's PDF says is still to pay: the invoice plus its debit notes less its payments."""
    shop, words = each, WORDS[language]
    buyer, code = await _invoice_order(shop, 495, language, 2)
    issued = await total_of(shop, code)
    manager = await hire(shop, 496, "Mo", "manager", language=language)
    await manager.send(f"/edit {code} {SKU} 3")
    await manager.send(f"/paid {code} 1")
    left = issued + (await total_of(shop, code) - issued) - 100
    invoice = await invoice_document(buyer, code, words["invoice"])
    assert words["left"].format(_money(left, language)) in invoice, invoice
    named = f"• {code} · INV-000001 + DN-000001 — {shown(left, language)}"
    for said in ((await buyer.send("/statement")).last.text, (await manager.send("/ar 495")).last.text):
        assert any(line.startswith(named) for line in said.splitlines()), said
    aging = (await manager.send("/ar")).last.text  # and the aging of every open invoice
    assert f"• {code} · INV-000001 + DN-000001 — Corp — {shown(left, language)}" in aging, aging


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_issued_invoice_edited_down_still_prints_its_own_total_and_the_credit_note_takes_it_down(
    each: RunningBot, language: str
) -> None:
    """An edit lowering a numbered invoice issues a credit note; the invoice went on printing the order's new, lower
    total with the note taken off it too. It prints what it was issued for, the note after it, and what is left."""
    shop, words = each, WORDS[language]
    buyer, code = await _invoice_order(shop, 497, language, 3)
    issued = await total_of(shop, code)
    manager = await hire(shop, 498, "Mo", "manager")
    await manager.send(f"/edit {code} {SKU} 2")
    fall = issued - await total_of(shop, code)
    assert fall > 0
    invoice = await invoice_document(buyer, code, words["invoice"])
    assert words["total"].format(_money(issued, language)) in invoice, invoice
    assert words["units"].format(3) in invoice and words["units"].format(2) not in invoice, invoice
    assert "CN-000001" in invoice.split(words["total"].format(_money(issued, language)))[1], invoice
    assert words["left"].format(_money(issued - fall, language)) in invoice, invoice  # invoice − credit note


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_statement_and_ar_name_the_credit_note_beside_its_invoice_as_they_name_a_debit_note(
    each: RunningBot, language: str
) -> None:
    """An invoice taken down by a credit note was listed as "INV-000001 + DN-000001" with an amount owed that neither
    document gives: the buyer's accountant could not trace it. The line names every note, the credit notes taken off,
    the debit notes added: the invoice less CN-000001 plus DN-000001 less the payment is what is owed."""
    shop = each
    buyer, code = await _invoice_order(shop, 499, language, 3)
    issued = await total_of(shop, code)
    manager = await hire(shop, 500, "Mo", "manager", language=language)
    await manager.send(f"/edit {code} {SKU} 2")  # CN-000001
    fall = issued - await total_of(shop, code)
    await manager.send(f"/edit {code} {SKU} 4")  # DN-000001
    rise = await total_of(shop, code) - (issued - fall)
    await manager.send(f"/paid {code} 1")
    assert fall > 0 and rise > 0
    left = issued - fall + rise - 100
    named = f"• {code} · INV-000001 − CN-000001 + DN-000001 — {shown(left, language)}"
    for said in ((await buyer.send("/statement")).last.text, (await manager.send("/ar 499")).last.text):
        assert any(line.startswith(named) for line in said.splitlines()), said
    aging = (await manager.send("/ar")).last.text
    assert f"• {code} · INV-000001 − CN-000001 + DN-000001 — Corp — {shown(left, language)}" in aging, aging


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_credit_or_debit_note_names_the_buyer_its_invoice_was_issued_to_not_their_name_today(
    each: RunningBot, language: str
) -> None:
    """A note said "for NAME" with the buyer's name of the day it was printed, under an invoice made out to the name
    they had when it was issued: the two documents named two buyers. A note names the buyer as its invoice does."""
    shop = each
    _, code = await _invoice_order(shop, 503, language, 3)
    manager = await hire(shop, 504, "Mo", "manager")
    await manager.send(f"/edit {code} {SKU} 2")  # CN-000001
    await manager.send(f"/edit {code} {SKU} 4")  # DN-000001
    buyer = SandboxUser(shop.server, 503, "Corp Renamed", language_code=language)  # Telegram says so now
    papers = await _receipt_documents(buyer, code)
    assert sorted(papers) == ["credit-note-CN-000001.pdf", "debit-note-DN-000001.pdf", "invoice-INV-000001.pdf"]
    for name, text in papers.items():
        assert "Corp" in text and "Corp Renamed" not in text, (name, text)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_note_on_an_invoice_issued_before_invoices_were_kept_names_the_buyer_as_that_invoice_does(
    each: RunningBot, language: str
) -> None:
    """An invoice numbered before 0066 kept no issued copy and prints the buyer's name of today: so do its notes."""
    shop = each
    _, code = await _invoice_order(shop, 505, language, 3)
    manager = await hire(shop, 506, "Mo", "manager")
    await manager.send(f"/edit {code} {SKU} 2")  # CN-000001
    async with shop.runtime.sessions() as session, session.begin():
        await session.execute(delete(m.IssuedInvoiceRow))  # as numbered before invoices were kept
    buyer = SandboxUser(shop.server, 505, "Corp Renamed", language_code=language)  # Telegram says so now
    papers = await _receipt_documents(buyer, code)
    assert sorted(papers) == ["credit-note-CN-000001.pdf", "invoice-INV-000001.pdf"]
    for name, text in papers.items():
        assert "Corp Renamed" in text, (name, text)


async def _receipt_documents(buyer: SandboxUser, code: str) -> dict[str, str]:
    """The files /receipt sends, by name, as text."""
    sent = await buyer.send(f"/receipt {code}")
    return {
        message.file.file_name or "": plain(message.file.content)
        for message in sent.messages
        if message.kind == "document" and message.file is not None
    }


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_note_prints_the_buyers_tax_number_its_invoice_was_issued_with(each: RunningBot, language: str) -> None:
    """An order placed before tax numbers were kept on it prints today's number, but its invoice, issued since, prints
    the one it was issued with: its notes printed today's too. They print the invoice's."""
    shop = each
    manager = await hire(shop, 508, "Mo", "manager", language=language)
    buyer = await business_customer(shop, 507, "Corp", language)
    await manager.send("/customer 507 tax FR 12 345678901")
    code = order_code(await place_invoice_order(buyer, SKU, 3, location=False))
    await manager.send(f"/edit {code} {SKU} 2")  # CN-000001
    await manager.send(f"/edit {code} {SKU} 4")  # DN-000001
    async with shop.runtime.sessions() as session, session.begin():  # as if placed before numbers were kept
        await session.execute(update(m.OrderRow).where(m.OrderRow.code == code).values(buyer_tax_number=None))
    await manager.send("/customer 507 tax FR 98 765432109")
    papers = await _receipt_documents(buyer, code)
    assert len(papers) == 3
    for name, text in papers.items():
        assert "FR 12 345678901" in text and "FR 98 765432109" not in text, (name, text)
