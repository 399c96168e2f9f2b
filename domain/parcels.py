"""Parcels: an order leaves in one or more, each with its lines, carrier, tracking and ETA;
which lines a parcel may take, and when the order is shipped or delivered."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from domain.errors import DomainError
from domain.i18n import N_
from domain.orders import CODE_ALPHABET, Order, OrderStatus
from domain.shipping import CarrierRate, add_business_days


class ParcelStatus(StrEnum):
    SHIPPED = "shipped"
    DELIVERED = "delivered"


@dataclass(frozen=True, slots=True)
class ParcelLine:
    order_line_id: int
    product_id: int
    sku: str
    quantity: int


@dataclass(slots=True)
class Parcel:
    order_id: int
    seq: int  # 1, 2, … within its order
    carrier: str
    tracking: str
    lines: list[ParcelLine]
    shipped_at: datetime
    eta: date | None = None
    status: ParcelStatus = ParcelStatus.SHIPPED
    delivered_at: datetime | None = None
    staff_id: int | None = None
    id: int | None = None

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)


class NothingToShip(DomainError):
    key = N_("Everything in order {code} has already left.")


class NotOrdered(DomainError):
    key = N_("{sku} is not in order {code}.")


class ShipsTooMuch(DomainError):
    key = N_("Only {left} × {sku} of order {code} are packed and not yet shipped; nothing was shipped.")


class BadParcelLine(DomainError):
    key = N_("Write each item as SKU=QUANTITY with a whole number of at least 1, e.g. MUG-1=2.")


class TrackingInUse(DomainError):
    key = N_("Tracking number {tracking} is already on another parcel.")


def left_to_ship(order: Order, parcels: Iterable[Parcel]) -> dict[int, int]:
    """Order line id → units not yet in any parcel."""
    left = {line.id: line.quantity for line in order.lines if line.id is not None}
    for parcel in parcels:
        for line in parcel.lines:
            if line.order_line_id in left:
                left[line.order_line_id] -= line.quantity
    return {line_id: q for line_id, q in left.items() if q > 0}


def parcel_lines(
    order: Order, parcels: Iterable[Parcel], wanted: Mapping[str, int] | None, waiting: Mapping[int, int] | None = None
) -> list[ParcelLine]:
    """What a new parcel takes: ``wanted`` (SKU → units) out of what is packed and not yet
    shipped, or everything left when ``wanted`` is None. ``waiting``: product → units still
    waiting for stock (a split order), which cannot leave yet. Refused whole if any SKU asks
    for more than is left."""
    left = _less(order, left_to_ship(order, parcels), waiting or {})
    if not left:
        raise NothingToShip(code=order.code)
    if wanted is None:
        return [
            ParcelLine(line.id, line.product_id, line.sku, left[line.id])
            for line in order.lines
            if line.id is not None and line.id in left
        ]
    taken: list[ParcelLine] = []
    for sku, quantity in wanted.items():
        lines = [line for line in order.lines if line.sku == sku and line.id is not None]
        if not lines:
            raise NotOrdered(sku=sku, code=order.code)
        available = sum(left.get(line.id or 0, 0) for line in lines)
        if quantity < 1:
            raise BadParcelLine()
        if quantity > available:
            raise ShipsTooMuch(left=available, sku=sku, code=order.code)
        for line in lines:
            take = min(quantity, left.get(line.id or 0, 0))
            if take > 0:
                taken.append(ParcelLine(line.id or 0, line.product_id, line.sku, take))
                quantity -= take
    return taken


def _less(order: Order, left: dict[int, int], units_by_product: Mapping[int, int]) -> dict[int, int]:
    """``left`` (order line id → units) less some units per product, taken from its lines in turn."""
    left = dict(left)
    for product_id, units in units_by_product.items():
        for line in order.lines:
            take = min(units, left.get(line.id or 0, 0)) if line.product_id == product_id else 0
            if take:
                units -= take
                left[line.id or 0] -= take
    return {line_id: units for line_id, units in left.items() if units > 0}


def status_after_parcel(
    order: Order, parcels: Iterable[Parcel], dropped: Mapping[int, int] | None = None
) -> OrderStatus:
    """Shipped once every line has left (but ``dropped``: product → units the customer gave
    up, which never leave), partially shipped until then."""
    left = _less(order, left_to_ship(order, parcels), dropped or {})
    return OrderStatus.PARTIALLY_SHIPPED if left else OrderStatus.SHIPPED


def all_delivered(parcels: Iterable[Parcel]) -> bool:
    listed = list(parcels)
    return bool(listed) and all(p.status is ParcelStatus.DELIVERED for p in listed)


def parcel_eta(
    rates: Iterable[CarrierRate], carrier: str, service: str, shipped_on: date, fallback: date | None
) -> date | None:
    """When a parcel should arrive: its carrier's transit days from the day it left (the
    service the customer chose if the carrier has it, else the carrier's fastest); the
    order's own estimate when the carrier is not in the rate table."""
    mine = carriers_rates(rates, carrier)
    if not mine:
        return fallback
    chosen = [r for r in mine if r.service == service] or mine
    return add_business_days(shipped_on, min(r.transit_days for r in chosen))


def carriers_rates(rates: Iterable[CarrierRate], carrier: str) -> list[CarrierRate]:
    """A carrier's rates, its name matched whatever its case (staff type "dpd" for DPD)."""
    wanted = carrier.casefold()
    return [r for r in rates if r.carrier.casefold() == wanted]


def tracking_page(rates: Iterable[CarrierRate], parcel: Parcel) -> str:
    """A parcel's page on its carrier's site (the address of the first of its carrier's rates
    that has one, the number in it), as the "shipped" message and /track link it; "" when
    none has."""
    links = (r.tracking_link(parcel.tracking) for r in carriers_rates(rates, parcel.carrier))
    return next((link for link in links if link), "")


def parcels_by_line(parcels: Iterable[Parcel]) -> dict[int, list[Parcel]]:
    """Order line id → the parcels it left in (a return names the parcel its line came in)."""
    found: dict[int, list[Parcel]] = {}
    for parcel in parcels:
        for line in parcel.lines:
            found.setdefault(line.order_line_id, []).append(parcel)
    return found


def parse_parcel_items(words: Iterable[str]) -> dict[str, int]:
    """``MUG-1=2 TEE-M=1`` → {"MUG-1": 2, "TEE-M": 1} (SKUs upper-cased; repeats add up)."""
    items: dict[str, int] = {}
    for word in words:
        sku, sep, quantity = word.partition("=")
        if not sep or not sku.strip() or not quantity.strip().isdecimal() or int(quantity) < 1:
            raise BadParcelLine()
        key = sku.strip().upper()
        items[key] = items.get(key, 0) + int(quantity)
    return items


# Pickup codes: six characters from the order-code alphabet (no look-alikes), read out or
# scanned at the counter by staff (the only ones who can try one).
PICKUP_CODE_LENGTH = 6


def new_pickup_code(choice: Callable[[str], str] = secrets.choice) -> str:
    return "".join(choice(CODE_ALPHABET) for _ in range(PICKUP_CODE_LENGTH))


def normalize_pickup_code(text: str) -> str:
    return text.strip().upper().replace("-", "").replace(" ", "")


@dataclass(slots=True)
class PickupCode:
    order_id: int
    code: str
    created_at: datetime
    used_at: datetime | None = None
    used_by: int | None = None
