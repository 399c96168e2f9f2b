"""Purchasing: suppliers, the terms a product is bought on, and purchase orders.

The reorder rule (``order_quantity``): when a product's position in a warehouse — what is
available plus what is already on open purchase orders — is at or under its reorder point,
order up to the maximum level, rounded up to whole packs and to the supplier's minimum."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from domain.errors import DomainError
from domain.i18n import N_, N_plural
from domain.money import Money


class PoStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"  # sent to the supplier; goods expected
    PARTIAL = "partial"  # some goods received
    RECEIVED = "received"
    DISCARDED = "discarded"
    CLOSED = "closed"  # sent, and what it still expected is not coming (a supplier's short delivery)


OPEN_STATUSES = (PoStatus.DRAFT, PoStatus.APPROVED, PoStatus.PARTIAL)
SENT_STATUSES = (PoStatus.APPROVED, PoStatus.PARTIAL)  # the supplier has it: goods are coming


@dataclass(frozen=True, slots=True)
class OnOrder:
    """What sent purchase orders still bring of a product to a warehouse (drafts are not sent)."""

    units: int
    expected_on: date | None  # the earliest of those orders' expected days, if any has one


class PoNotEditable(DomainError):
    key = N_("Purchase order {number} is {po_status}: it can no longer be changed that way.")


class PoNotApproved(DomainError):
    """Goods for a draft (a delivery nobody approved the order of): what to do first, not "no longer"."""

    key = N_(
        "Purchase order {number} is a draft: approve it first (✅ Approve on /po {number}), "
        "then its goods can be received or the order closed."
    )


def not_open_for_goods(number: int, status: PoStatus) -> DomainError:
    """Why a purchase order takes no goods (nor closing) in ``status``."""
    if status is PoStatus.DRAFT:
        return PoNotApproved(number=number)
    return PoNotEditable(number=number, po_status=status.value)


class PoPaymentNotPositive(DomainError):
    key = N_("A payment is more than zero. Nothing was recorded.")


class PoNothingOwed(DomainError):
    key = N_(
        "Purchase order {number} owes its supplier nothing now ({received} received, {paid} paid): "
        "a supplier is paid for goods received. Nothing was recorded."
    )


class PoOverpayment(DomainError):
    key = N_(
        "Purchase order {number} still owes its supplier {owed}; a payment of {amount} is more than that. "
        "Nothing was recorded."
    )


class OverReceipt(DomainError):
    key, plural = N_plural(
        "Only {open} of {sku} is still expected on purchase order {number}. "
        "Units beyond the order (an over-delivery kept) come in with /receive {sku} QTY {warehouse}.",
        "Only {open} of {sku} are still expected on purchase order {number}. "
        "Units beyond the order (an over-delivery kept) come in with /receive {sku} QTY {warehouse}.",
    )
    counted = "open"


@dataclass(frozen=True, slots=True)
class Supplier:
    code: str
    name: str
    contact: str = ""
    lead_time_days: int = 7
    id: int | None = None


@dataclass(frozen=True, slots=True)
class SupplyTerms:
    """How one product is bought for one warehouse."""

    product_id: int
    warehouse_id: int
    supplier_id: int
    pack_size: int
    min_order_qty: int
    unit_cost: Money


@dataclass(slots=True)
class PoLine:
    product_id: int
    sku: str
    quantity: int
    unit_cost: Money
    received: int = 0
    id: int | None = None
    received_at: datetime | None = None  # the last receipt's time: which price is the last paid

    @property
    def open(self) -> int:
        return max(self.quantity - self.received, 0)


PO_PAYMENT_NOTE = 200  # characters of a payment's note kept (a transfer's reference, an invoice number)


@dataclass(frozen=True, slots=True)
class PoPayment:
    """One payment to a purchase order's supplier (/po pay): when, how much (in the order's
    currency), who recorded it (a staff member's Telegram id; None for payments recorded before
    each was kept) and the note typed with it."""

    po_id: int
    paid_at: datetime
    amount: Money
    paid_by: int | None = None
    note: str = ""
    id: int | None = None


@dataclass(slots=True)
class PurchaseOrder:
    supplier_id: int
    warehouse_id: int
    currency: str
    status: PoStatus = PoStatus.DRAFT
    lines: list[PoLine] = field(default_factory=list)
    created_at: datetime | None = None
    expected_on: date | None = None
    id: int | None = None
    paid_minor: int = 0  # paid to the supplier so far, in the order's currency (/po pay)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def total(self) -> Money:
        total = Money(0, self.currency)
        for line in self.lines:
            total = total + line.unit_cost * line.quantity
        return total

    @property
    def received_total(self) -> Money:
        """What has arrived, at the order's prices: what the supplier invoices for an order closed short."""
        total = Money(0, self.currency)
        for line in self.lines:
            total = total + line.unit_cost * line.received
        return total

    @property
    def paid(self) -> Money:
        return Money(self.paid_minor, self.currency)

    @property
    def owed(self) -> Money:
        """What the supplier is still owed: what arrived, at the order's prices, less what was paid."""
        return self.received_total - self.paid


@dataclass(frozen=True, slots=True)
class Placed:
    """Units of a purchase order line received into a bin."""

    sku: str
    quantity: int
    bin_code: str


@dataclass(frozen=True, slots=True)
class PoReceipt:
    """A delivery booked in: the order as it is now, and where each line's units were put."""

    po: PurchaseOrder
    warehouse: str  # the code of the warehouse the goods came into
    placed: list[Placed]
    # SKUs whose units came in at no value in the books, each with the currency of its cost that has no rate yet.
    unrated: dict[str, str] = field(default_factory=dict)


def off_terms(quantity: int, terms: SupplyTerms) -> tuple[int, int | None, int] | None:
    """None when ``quantity`` is whole packs and at least the supplier's minimum; else the
    least it takes (whole packs) and the nearest quantities it takes below (None when none
    is) and above: what to order instead."""
    pack = max(terms.pack_size, 1)
    least = math.ceil(max(terms.min_order_qty, 1) / pack) * pack
    if quantity % pack == 0 and quantity >= least:
        return None
    lower = quantity // pack * pack
    return least, (lower if lower >= least else None), max(math.ceil(quantity / pack) * pack, least)


def order_quantity(
    *,
    available: int,
    incoming: int,
    reorder_point: int,
    max_level: int | None,
    pack_size: int,
    min_order_qty: int,
    backordered: int = 0,
) -> int:
    """How much to order now (0 when the position is above the reorder point). Units that
    customers wait for (backorders) are owed already: they lower the position, so even a
    product without a reorder point is ordered when what is coming does not cover them."""
    position = available + incoming - backordered
    if position > reorder_point or (reorder_point <= 0 and position >= 0):
        return 0
    if reorder_point <= 0:
        target = max_level if max_level is not None and max_level > 0 else 0
    else:
        target = max_level if max_level is not None and max_level > reorder_point else reorder_point * 2
    need = max(target - position, 1)
    pack = max(pack_size, 1)
    need = max(need, min_order_qty)
    return math.ceil(need / pack) * pack


LATE_EVIDENCE = 3  # deliveries it takes before a supplier's record, not its word, sets the lead time
DELIVERIES_READ = 10  # the latest deliveries of a supplier to a warehouse that make its record


@dataclass(frozen=True, slots=True)
class LeadTime:
    """Days from order to delivery that a replenishment policy plans on: the supplier's stated
    lead time, plus the median lateness of its latest deliveries to the warehouse when there are
    ``LATE_EVIDENCE`` or more of them and they came late (``planned_lead_time``)."""

    stated: int
    late: int = 0  # median days after the expected day; 0 when on time, early or too few to tell
    deliveries: int = 0  # how many deliveries that median is of
    supplier: str = ""

    @property
    def days(self) -> int:
        return self.stated + self.late


def planned_lead_time(stated: int, late_days: Sequence[int], supplier: str = "") -> LeadTime:
    """The lead time to plan on from the supplier's stated one and how many days after the
    expected day each of its latest deliveries came (negative: early). A supplier whose orders
    come a median 4 days late runs the shelf empty for those 4 days every cycle if the policy
    believes its word; an early one only holds stock a little longer, so it never shortens it."""
    if len(late_days) < LATE_EVIDENCE:
        return LeadTime(stated, supplier=supplier)
    late = max(0, math.ceil(statistics.median(late_days)))
    return LeadTime(stated, late, len(late_days) if late else 0, supplier)
