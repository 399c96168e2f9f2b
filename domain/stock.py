"""Stock counters per (product, warehouse) and the rows that explain ``reserved``.

``available = on_hand - reserved`` can never go negative: every operation checks its
precondition and refuses instead of clamping. Storage mirrors these rules with
conditional UPDATEs so concurrent writers get the same guarantee.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from domain.errors import DomainError, InsufficientStock, InvalidQuantity
from domain.i18n import N_

MAX_LINE_QUANTITY = 10_000


class StockInvariantBroken(DomainError):
    key = N_("Stock counters would become inconsistent; the change was refused.")


def check_quantity(quantity: int, maximum: int = MAX_LINE_QUANTITY) -> int:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= maximum:
        raise InvalidQuantity(maximum=maximum)
    return quantity


@dataclass(frozen=True, slots=True)
class StockLevel:
    product_id: int
    warehouse_id: int
    on_hand: int = 0
    reserved: int = 0

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    def reserve(self, quantity: int) -> StockLevel:
        check_quantity(quantity)
        if self.available < quantity:
            raise InsufficientStock(available=max(self.available, 0))
        return replace(self, reserved=self.reserved + quantity)

    def release(self, quantity: int) -> StockLevel:
        check_quantity(quantity)
        if self.reserved < quantity:
            raise StockInvariantBroken()
        return replace(self, reserved=self.reserved - quantity)

    def commit(self, quantity: int) -> StockLevel:
        """Reserved goods leave the building: both counters drop together."""
        check_quantity(quantity)
        if self.reserved < quantity or self.on_hand < quantity:
            raise StockInvariantBroken()
        return replace(self, on_hand=self.on_hand - quantity, reserved=self.reserved - quantity)

    def adjust(self, delta: int) -> StockLevel:
        """Receipts (+) and write-offs (−); a write-off may not eat into reserved goods."""
        if self.on_hand + delta < self.reserved:
            raise InsufficientStock(available=max(self.available, 0))
        return replace(self, on_hand=self.on_hand + delta)


class ReservationKind(StrEnum):
    HOLD = "hold"  # a cart line, expires
    ALLOCATION = "allocation"  # an order line, lives until shipped or cancelled


@dataclass(frozen=True, slots=True)
class Reservation:
    product_id: int
    warehouse_id: int
    quantity: int
    kind: ReservationKind
    customer_id: int | None
    order_id: int | None
    expires_at: datetime | None
    created_at: datetime
    id: int | None = None

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now


@dataclass(frozen=True, slots=True)
class StockDrift:
    product_id: int
    warehouse_id: int
    counter: int
    rows: int


@dataclass(frozen=True, slots=True)
class BinQuantity:
    product_id: int
    warehouse_id: int
    bin_code: str
    quantity: int


@dataclass(frozen=True, slots=True)
class Movement:
    """One change of on-hand stock: who, when, why (receipt, adjustment, move, shipment…)."""

    product_id: int
    warehouse_id: int
    bin_code: str | None
    delta: int
    reason: str
    actor: str
    at: datetime


@dataclass(frozen=True, slots=True)
class ReorderLevel:
    level: StockLevel
    reorder_point: int
    max_level: int | None

    @property
    def is_low(self) -> bool:
        return self.reorder_point > 0 and self.level.available <= self.reorder_point


@dataclass(frozen=True, slots=True)
class StockMark:
    """ "Stock as of now" for the stock feed: a counter moved after it carries a change number at
    or past ``next``, or one of ``running`` (writers still running when it was taken; PostgreSQL's
    only). Every other number was committed before the mark was taken."""

    next: int
    running: tuple[int, ...] = ()
