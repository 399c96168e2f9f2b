"""The notes named beside an invoice on /statement and /ar: the credit notes taken off, the debit notes added."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from aiogram.utils.i18n import I18n

from domain.credit_notes import CreditNote
from domain.debit_notes import DebitNote
from domain.issued_invoices import InvoiceNotes
from domain.money import Money
from domain.orders import Order, OrderLine
from domain.usecases.accounts import Receivable
from handlers.views.rendering import Renderer

AT = datetime(2026, 11, 25, tzinfo=UTC)


def _notes(credits: int, debits: int) -> InvoiceNotes:
    return InvoiceNotes(
        tuple(CreditNote(1, n, Money(100, "GBP"), "order changed", AT, Money(0, "GBP")) for n in range(1, credits + 1)),
        tuple(DebitNote(1, n, Money(100, "GBP"), AT, Money(0, "GBP")) for n in range(1, debits + 1)),
    )


def test_an_invoice_names_every_credit_and_debit_note_while_they_fit_a_line() -> None:
    credits, debits, unnamed = _notes(2, 1).named()
    assert ([n.label for n in credits], [n.label for n in debits], unnamed) == (
        ["CN-000001", "CN-000002"],
        ["DN-000001"],
        0,
    )


def test_past_the_notes_a_line_holds_the_rest_are_counted_credit_notes_named_first() -> None:
    credits, debits, unnamed = _notes(InvoiceNotes.MOST_NAMED - 1, 3).named()
    assert len(credits) == InvoiceNotes.MOST_NAMED - 1 and [n.label for n in debits] == ["DN-000001"]
    assert unnamed == 2
    assert _notes(0, 0).named() == ((), (), 0)


@pytest.mark.parametrize(("locale", "more"), [("en", "and 3 more notes"), ("ru", "и ещё 3 документа")])
def test_the_aging_line_names_the_notes_a_line_holds_and_counts_the_rest(i18n: I18n, locale: str, more: str) -> None:
    order = Order("BCDFGHJK", 1, "GBP", [OrderLine(1, "MUG-1", "Mug", 1, Money(900, "GBP"))], invoice_number=1)
    order.invoice_due = date(2026, 12, 9)
    owing = Receivable(order, Money(900, "GBP"), 0, "current", "Corp", _notes(5, 4))
    with i18n.use_locale(locale):
        (line,) = [
            x for x in Renderer().render("staff/ar.html.j2", receivables=[owing], more=0).splitlines() if "•" in x
        ]
    named = " · INV-000001 − CN-000001 − CN-000002 − CN-000003 − CN-000004 − CN-000005 + DN-000001 "
    assert line.startswith(f"• <b>BCDFGHJK</b>{named}{more} — Corp — "), line
