"""Money received from (or owed back to) customers, recorded per order."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.money import Money


class PaymentKind(StrEnum):
    PAYMENT = "payment"
    REFUND_OWED = "refund_owed"
    WRITE_OFF = "write_off"  # value of returned goods written off as damaged
    REFUNDED = "refunded"  # staff confirm the refund owed was paid back
    DUPLICATE = "duplicate"  # charged again for what was already paid (a link paid twice): owed back whole
    CREDIT_NOTE = "credit_note"  # an unpaid invoice taken down by a part no longer sent: no money moved
    # Money given back without a return or a change to the order (a late delivery, a damaged box the
    # customer kept): owed back like a refund, but the order's total stands, so nothing becomes due.
    GOODWILL = "goodwill"


@dataclass(frozen=True, slots=True)
class Payment:
    order_id: int
    kind: PaymentKind
    method: str
    amount: Money
    at: datetime
    telegram_charge_id: str | None = None
    provider_charge_id: str | None = None
    id: int | None = None
    # The credit note issued for this row (a refund owed, goodwill, an invoice taken down), in its transaction.
    credit_note_id: int | None = None
    # What staff typed with it (a bank transfer's reference: /paid CODE 5 BACS 4471), at most PAYMENT_NOTE characters.
    note: str = ""


PAYMENT_NOTE = 200  # characters of a payment's note kept, as a supplier payment's (PO_PAYMENT_NOTE)
MEMO_NOTE = 60  # of them in its journal entry's memo: the memo's 256 characters still name the invoice


def note_in_memo(note: str) -> str:
    """A payment's note as its journal entry's memo quotes it: cut with "…" past ``MEMO_NOTE`` characters."""
    return note if len(note) <= MEMO_NOTE else note[: MEMO_NOTE - 1].rstrip() + "…"


def amount_paid(payments: Iterable[Payment], currency: str) -> Money:
    """What the customer has paid on an order: its payments, not refunds or write-offs."""
    return Money(sum(p.amount.amount for p in payments if p.kind is PaymentKind.PAYMENT), currency)


def paid_and_kept(payments: Iterable[Payment], currency: str) -> Money:
    """What the customer paid and is not owed back already (an edit that lowered the order, a
    part no longer sent, a goodwill refund): what cancelling the order owes them, and the most a
    goodwill refund may give (never below zero)."""
    listed = list(payments)
    owed = sum(p.amount.amount for p in listed if p.kind in (PaymentKind.REFUND_OWED, PaymentKind.GOODWILL))
    return Money(max(amount_paid(listed, currency).amount - owed, 0), currency)


def within_what_was_paid(owed: Money, payments: Iterable[Payment]) -> Money:
    """Of ``owed`` (an edit's fall, a return), what may be owed back once a goodwill refund was
    given: at most what was paid less what is owed back already, so goodwill and refunds together
    never give back more than was paid. Without goodwill, ``owed`` as it is (a cash-on-delivery
    order's cash, a replacement's first payment: money its own payment rows do not show)."""
    listed = list(payments)
    if not any(p.kind is PaymentKind.GOODWILL for p in listed):
        return owed
    return max(min(owed, paid_and_kept(listed, owed.currency)), Money.zero(owed.currency))


def amount_due(total: Money, payments: Iterable[Payment]) -> Money:
    """What is left to pay on an order: its total less what was paid and not owed back
    (never below zero)."""
    kept = [p for p in payments if p.kind is not PaymentKind.DUPLICATE]
    owed = sum(p.amount.amount for p in kept if p.kind is PaymentKind.REFUND_OWED)
    return Money(max(total.amount - amount_paid(kept, total.currency).amount + owed, 0), total.currency)


def invoice_owed(total: Money, payments: Iterable[Payment]) -> Money:
    """What a business invoice still asks for: its total less what was paid and less the
    credit notes of parts no longer sent (never below zero)."""
    kept = list(payments)
    credited = sum(p.amount.amount for p in kept if p.kind is PaymentKind.CREDIT_NOTE)
    return Money(max(total.amount - amount_paid(kept, total.currency).amount - credited, 0), total.currency)


def settle_cancelled_part(
    invoice: bool, value: Money, total: Money, payments: Iterable[Payment]
) -> tuple[Money, Money]:
    """A part of an order that will not be sent, worth ``value``: (credit note, refund owed).
    An invoice's unpaid amount is taken down first (a credit note, up to what it still asks
    for); what was paid for the rest is owed back (up to what was paid)."""
    kept = list(payments)
    zero = Money.zero(total.currency)
    credit = min(value, invoice_owed(total, kept)) if invoice else zero
    # What was paid and not owed back already (an earlier part, an edit, a goodwill refund): never
    # refunded twice, nor more than was paid.
    refund = min(value - credit, paid_and_kept(kept, total.currency))
    return credit, max(refund, zero)


@dataclass(frozen=True, slots=True)
class InvoiceSpec:
    """A Telegram invoice to create, in plain data: the adapter words the title and the
    price labels (message keys) in ``language``, the reader's."""

    payload: str
    currency: str
    title_key: str
    title_params: dict[str, str]
    description: str
    prices: tuple[tuple[str, int], ...]  # (label key, minor units)
    language: str = ""
    need_shipping_address: bool = False
    is_flexible: bool = False

    @property
    def total(self) -> Money:
        return Money(sum(amount for _, amount in self.prices), self.currency)
