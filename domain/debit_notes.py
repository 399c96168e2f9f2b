"""Debit notes: the numbered document an issued invoice's rise gives the buyer's accountant.

An invoice, once issued under its number, never prints another total: what an edit adds to it on account is a debit
note of its own, DN-000001, in the shop's gapless sequence of debit notes, naming the invoice it adds to, as a credit
note names the one it takes from (``domain.credit_notes``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.accounting import Account
from domain.credit_notes import Issued, credited_tax
from domain.i18n import N_
from domain.memos import Memo
from domain.money import Money
from domain.orders import Order


@dataclass(frozen=True, slots=True)
class DebitNote:
    order_id: int
    number: int  # the shop's own sequence, gapless: 1, 2, 3… whatever the order
    amount: Money
    issued_at: datetime
    # The tax inside it, kept as issued: what its rise's journal entry added to tax payable
    # (``domain.usecases.bookkeeping.book_difference`` keeps it as it books it). Its PDF prints this and nothing
    # worked out later, so a note reprinted after the order changed reads as the one sent.
    tax: Money
    id: int | None = None

    @property
    def label(self) -> str:
        return debit_note_label(self.number)


def invoice_rise(order_invoiced: bool, added: Money) -> Money | None:
    """When a numbered debit note is issued, and for how much — the one rule: an issued (numbered) invoice's total
    goes up on account (an edit adds to it). None: no note (nothing added, or no numbered invoice to add to)."""
    return added if order_invoiced and added.amount > 0 else None


def debited_tax(order: Order, tax: Money, credits: list[tuple[Account, int]], base: str) -> Money:
    """The tax a debit note keeps for the rise ``credits`` booked: the order's tax after the rise less before
    (``domain.usecases.bookkeeping.book_difference``), which is what the VAT owed on the sale really rose by. Worked
    out when printed as the rise's own tax at the order's rate, an edit of 9 × £2.95 to 10 on £31.75 printed £0.49
    where the books added £0.50 to VAT. So the note keeps the very figure booked, by the credit notes' one rule
    (``domain.credit_notes.credited_tax``): in the base currency the line credited to tax payable; in another, the
    tax in the order's currency that line converts."""
    return credited_tax(order, tax, credits, base)


def debit_note_label(number: int) -> str:
    """As the document and the chat print its number: DN-000001."""
    return f"DN-{number:06d}"


def debit_note_memo(memo: Memo, notes: list[Issued]) -> Memo:
    """The memo of the entry that adds to an issued invoice, naming its document for the accountant: "debit note
    DN-000001 for order CODE: invoice CODE edited: more sold" (``notes``: none, the memo as it is — a rise on an
    invoice without a number, or a replacement's invoice issued for it)."""
    if not notes:
        return memo
    code, number = notes[0]
    return memo.within(N_("debit note {note} for order {code}: {rest}"), note=debit_note_label(number), code=code)
