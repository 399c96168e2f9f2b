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


def amount_paid(payments: Iterable[Payment], currency: str) -> Money:
    """What the customer has paid on an order: its payments, not refunds or write-offs."""
    return Money(sum(p.amount.amount for p in payments if p.kind is PaymentKind.PAYMENT), currency)


def amount_due(total: Money, payments: Iterable[Payment]) -> Money:
    """What is left to pay on an order: its total less what was paid and not owed back
    (never below zero)."""
    kept = [p for p in payments if p.kind is not PaymentKind.DUPLICATE]
    owed = sum(p.amount.amount for p in kept if p.kind is PaymentKind.REFUND_OWED)
    return Money(max(total.amount - amount_paid(kept, total.currency).amount + owed, 0), total.currency)


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
