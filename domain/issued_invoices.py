"""An issued invoice as it was issued: the lines, tax, totals, due date and buyer it took its number with.

An order's lines and total move after its invoice is numbered (an edit, a return); the invoice does not. What an
edit adds is a debit note (``domain.debit_notes``), what it takes off a credit note (``domain.credit_notes``); the
invoice under its number prints what it was issued for, the notes listed after it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import ClassVar

from domain.credit_notes import CreditNote, tax_credited
from domain.debit_notes import DebitNote
from domain.money import Money
from domain.orders import Order, OrderLine


@dataclass(frozen=True, slots=True)
class IssuedInvoice:
    order_id: int
    number: int
    issued_at: datetime
    lines: tuple[OrderLine, ...]
    shipping: Money | None
    discounts: tuple[tuple[str, int], ...]
    tax_rate: str
    total: Money
    tax: Money
    due: date | None
    buyer: str  # the name it was made out to
    buyer_tax_number: str | None  # as the invoice printed it ("": none)

    @classmethod
    def of(cls, order: Order, buyer: str, buyer_tax_number: str | None, at: datetime) -> IssuedInvoice:
        """``order`` as its invoice is issued under the number it has just taken."""
        assert order.invoice_number is not None and order.id is not None
        return cls(
            order.id,
            order.invoice_number,
            at,
            tuple(order.lines),
            order.shipping,
            tuple(order.discounts),
            order.tax_rate,
            order.total,
            order.tax,
            order.invoice_due,
            buyer,
            buyer_tax_number,
        )

    def printed(self, order: Order, language: str = "") -> Order:
        """``order`` as its invoice printed it: its lines (named in ``language`` as sold, if given), shipping,
        discounts, tax and due date as issued."""
        return replace(
            order,
            lines=[replace(line, name=line.named_in(language) if language else line.name) for line in self.lines],
            shipping=self.shipping,
            discounts=self.discounts,
            tax_rate=self.tax_rate,
            invoice_due=self.due,
            buyer_tax_number=self.buyer_tax_number,
        )


def note_tax(order: Order, invoice: IssuedInvoice | None, notes: list[CreditNote], note: CreditNote) -> Money:
    """The tax a goodwill refund's ``note``, one of ``order``'s credit ``notes``, takes back from tax payable as it
    is issued (its note keeps it: ``domain.credit_notes.credited_tax``). Its share of the tax of the invoice as
    issued (``invoice``; none kept, the order as it is then), from the notes' running total
    (``domain.credit_notes.tax_credited``), so notes adding up to the invoice give back exactly its tax (the
    note's amount's own tax was £0.16 where its share was £0.17)."""
    invoiced = invoice.printed(order) if invoice is not None else order
    return tax_credited(invoiced.total, invoiced.tax, notes or [note], note)


@dataclass(frozen=True, slots=True)
class InvoiceNotes:
    """The numbered notes that changed an invoice since it was issued, each oldest first: what a statement of account
    names beside it ("INV-000001 − CN-000001 + DN-000001"), so the amount owed on its line is traced to documents."""

    MOST_NAMED: ClassVar[int] = 6  # a line of a message stays a line; /receipt CODE sends them all

    credit: tuple[CreditNote, ...] = ()
    debit: tuple[DebitNote, ...] = ()

    def named(self) -> tuple[tuple[CreditNote, ...], tuple[DebitNote, ...], int]:
        """The credit notes and the debit notes a line names, the credit notes first, and how many it leaves out."""
        credit = self.credit[: self.MOST_NAMED]
        debit = self.debit[: self.MOST_NAMED - len(credit)]
        return credit, debit, len(self.credit) + len(self.debit) - len(credit) - len(debit)
