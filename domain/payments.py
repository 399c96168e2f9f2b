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
