"""Credit notes: the numbered document a refund on an invoiced sale gives the buyer's accountant."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from domain.accounting import Account
from domain.i18n import N_
from domain.memos import Memo
from domain.money import Money, allocated, sum_money
from domain.orders import Order
from domain.payments import Payment, PaymentKind

# Money given back, or an invoice taken down, on a sale that stands: each needs its own document.
CREDITED_KINDS = frozenset({PaymentKind.REFUND_OWED, PaymentKind.GOODWILL, PaymentKind.CREDIT_NOTE})
MAX_REASON = 200  # credit_notes.reason's width


@dataclass(frozen=True, slots=True)
class CreditNote:
    order_id: int
    number: int  # the shop's own sequence, gapless: 1, 2, 3… whatever the order
    amount: Money
    reason: str
    issued_at: datetime
    # The tax inside it, kept as issued: what its event's journal entries took back from tax payable
    # (``domain.usecases.bookkeeping.book_refund`` adds each part as it books it). Its PDF prints this and nothing
    # worked out later, so a note reprinted after the order changed reads as the one sent.
    tax: Money
    id: int | None = None

    @property
    def label(self) -> str:
        return credit_note_label(self.number)


def invoice_reduction(owed_back: Money, taken_off: Money) -> Money:
    """When a numbered credit note is issued, and for how much — the one rule every path follows.

    A credit note corrects an issued invoice downward, whether it was paid or not: a paid order
    (card, API) or a pay-by-invoice order reduced — cancelled, edited down, a short pick's part
    dropped, goods returned, an exchange's difference, units sent in exchange not sent — or a
    goodwill refund. Its amount is the reduction of the invoice: what is owed back of the part
    that was paid (``owed_back``) plus what is taken off what it still asked (``taken_off``), one
    note for both. Nothing reduced, no note: a cash order cancelled unpaid was never invoiced."""
    return owed_back + taken_off


def tax_credited(invoice_total: Money, invoice_tax: Money, notes: list[CreditNote], note: CreditNote) -> Money:
    """The tax inside ``note``, one of the invoice's ``notes``: its share of the invoice's own tax (``invoice_tax`` in
    ``invoice_total``) from the notes' cumulative totals (``domain.money.allocated``), so notes adding up to the
    whole invoice give back exactly its tax and net, as the journal takes them back (the tax of the note's amount
    taken whole gave £5.78 where the invoice's goods and shipping held £5.79)."""
    before = sum_money([n.amount for n in notes if n.number < note.number], note.amount.currency)
    return allocated(invoice_tax, invoice_total, before, note.amount)


def credited_tax(order: Order, tax: Money, debits: list[tuple[Account, int]], base: str) -> Money:
    """The tax a credit note keeps for a part of its event that ``debits`` booked: the one rule of a note's tax.

    A note tells the buyer's accountant what their VAT return takes back, and that must be what the shop's books
    took back from tax payable for the same event: for an edit, the tax the order held before less what it holds
    now (``domain.usecases.bookkeeping.tax_step``), which is what the VAT owed on the sale really fell by; for a
    return or a short pick's part, the tax of the units taken back from the cumulative totals; for goodwill, its
    share of the invoice's tax (``domain.issued_invoices.note_tax``). A note that worked its tax out when printed
    (its share of the invoice's tax, from the order as it then was) printed £0.49 where an edit of 10 × £2.95 to 9
    on £34.70 took £0.50 from VAT, and an old goodwill note's figure moved when the order was edited after. So the
    note keeps, as it is issued, the very figure booked (``tax``: the parts' tax in the order's currency): in the
    base currency the line debited to tax payable; in another, the tax in the order's currency that line converts."""
    if order.currency != base:
        return tax
    return Money(sum(v for account, v in debits if account is Account.TAX_PAYABLE), order.currency)


def credit_note_memo(memo: Memo, notes: list[Issued]) -> Memo:
    """The memo of the entry that takes an invoice down, naming its document for the accountant: "credit note
    CN-000003 for order CODE: invoice CODE cancelled" (``notes``: the one issued for it; none, "credit note, …")."""
    if not notes:
        return memo.within(N_("credit note, {rest}"))
    code, number = notes[0]
    return memo.within(N_("credit note {note} for order {code}: {rest}"), note=credit_note_label(number), code=code)


def credit_note_label(number: int) -> str:
    """As the document and the chat print its number: CN-000001."""
    return f"CN-{number:06d}"


# Why money went back when no one typed a reason: message ids, printed in the reader's language.
ORDER_CANCELLED = N_("order cancelled")
ORDER_CHANGED = N_("order changed")
OUT_OF_STOCK = N_("item out of stock")
EXCHANGE_DIFFERENCE = N_("exchange difference")
STANDARD_REASONS = frozenset({ORDER_CANCELLED, ORDER_CHANGED, OUT_OF_STOCK, EXCHANGE_DIFFERENCE})

RETURNED = re.compile(r"RMA (\S+)")  # a return's credit note: its reason is the RMA, named in the reader's language


def of_return(rma_code: str) -> str:
    """A return's credit note's reason as stored (``RETURNED`` reads it back)."""
    return f"RMA {rma_code}"


Issued = tuple[str, int]  # an order's code and its credit note's number: the button the customer presses


def issued(code: str, note: CreditNote | None) -> list[Issued]:
    """As a notification's ``credit_notes`` param carries it: none, or this one."""
    return [] if note is None else [(code, note.number)]


def link(note: CreditNote | None) -> int | None:
    """What a payment row written with ``note`` (issued in its transaction, for it) stores as its
    ``credit_note_id``: the note's id, or none."""
    return note.id if note is not None else None


def note_of(payment: Payment, notes: list[CreditNote]) -> CreditNote | None:
    """The credit note a refund owed, goodwill or invoice taken down was issued with, as its row links it
    (``Payment.credit_note_id``); none for other payments, or a row from before notes were linked that 0067
    could not pair. A document lists such a row beside its note's number, so the accountant does not read
    a second note."""
    if payment.kind not in CREDITED_KINDS or payment.credit_note_id is None:
        return None
    return next((note for note in notes if note.id == payment.credit_note_id), None)
