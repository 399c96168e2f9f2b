"""Debit notes: the numbered document an issued invoice's rise gives the buyer's accountant.

An invoice, once issued under its number, never prints another total: what an edit adds to it on account is a debit
note of its own, DN-000001, in the shop's gapless sequence of debit notes, naming the invoice it adds to, as a credit
note names the one it takes from (``domain.credit_notes``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.credit_notes import Issued
from domain.i18n import N_
from domain.memos import Memo
from domain.money import Money


@dataclass(frozen=True, slots=True)
class DebitNote:
    order_id: int
    number: int  # the shop's own sequence, gapless: 1, 2, 3… whatever the order
    amount: Money
    issued_at: datetime
    id: int | None = None

    @property
    def label(self) -> str:
        return debit_note_label(self.number)


def invoice_rise(order_invoiced: bool, added: Money) -> Money | None:
    """When a numbered debit note is issued, and for how much — the one rule: an issued (numbered) invoice's total
    goes up on account (an edit adds to it). None: no note (nothing added, or no numbered invoice to add to)."""
    return added if order_invoiced and added.amount > 0 else None


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
