"""Shipping: carrier rate tables, delivery zones and ETA dates.

Zones are distance bands from the dispatching warehouse to the delivery point (when the
customer shared a location); without a location the conservative ``national`` zone applies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from urllib.parse import quote

from domain.fx import Rates
from domain.money import Money

EARTH_RADIUS_KM = 6371.0088


class Zone(StrEnum):
    LOCAL = "local"  # up to 50 km
    REGIONAL = "regional"  # up to 300 km
    NATIONAL = "national"  # farther, or distance unknown


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def zone_for(distance_km: float | None) -> Zone:
    if distance_km is None:
        return Zone.NATIONAL
    if distance_km <= 50:
        return Zone.LOCAL
    if distance_km <= 300:
        return Zone.REGIONAL
    return Zone.NATIONAL


def add_business_days(day: date, days: int) -> date:
    """Weekends do not count (no carrier moves parcels on Saturday or Sunday here)."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def promised_ship_date(eta: date, transit_days: int) -> date:
    """The business day a parcel must leave to arrive by ``eta`` (``eta`` less the transit)."""
    day = eta
    while transit_days > 0:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            transit_days -= 1
    return day


def ship_by_date(eta: date | None, carrier: str, service: str, rates: list[CarrierRate]) -> date | None:
    """The day a parcel booked with this carrier service had to leave to keep its ETA."""
    if eta is None:
        return None
    transit = [r.transit_days for r in rates if (r.carrier, r.service) == (carrier, service)]
    return promised_ship_date(eta, min(transit)) if transit else eta


def dispatch_date(local_now: datetime, cutoff_hour: int, processing_days: int) -> date:
    """Orders placed before the carrier's cut-off leave today (after processing days);
    later ones count from the next business day."""
    start = local_now.date() if local_now.hour < cutoff_hour else local_now.date() + timedelta(days=1)
    return add_business_days(start, processing_days)


@dataclass(frozen=True, slots=True)
class CarrierRate:
    carrier: str
    service: str
    zone: Zone
    base: Money
    per_kg: Money
    transit_days: int
    cutoff_hour: int
    max_weight_g: int
    id: int | None = None
    tracking_url: str = ""  # e.g. https://track.example/{tracking}

    def tracking_link(self, tracking: str) -> str:
        """The carrier's page for a number, encoded whole: a "&", "#" or "/" in it stays part of it."""
        if "{tracking}" not in self.tracking_url:
            return ""
        return self.tracking_url.replace("{tracking}", quote(tracking, safe=""))

    def price_for(self, weight_g: int) -> Money:
        """Base price plus the per-kg price for every started kilogram."""
        kilos = max(1, math.ceil(weight_g / 1000))
        return self.base + self.per_kg * kilos

    def eta(self, local_now: datetime, processing_days: int) -> date:
        return add_business_days(dispatch_date(local_now, self.cutoff_hour, processing_days), self.transit_days)


@dataclass(frozen=True, slots=True)
class ShippingQuote:
    rate: CarrierRate
    price: Money
    eta: date

    @property
    def label(self) -> str:
        return f"{self.rate.carrier} {self.rate.service}"


def quotes(
    rates: list[CarrierRate],
    *,
    zone: Zone,
    weight_g: int,
    currency: str,
    local_now: datetime,
    processing_days: int,
    fx: Rates | None = None,
) -> list[ShippingQuote]:
    """Every service that serves the zone and takes the weight, priced in the order currency
    (its own rate table in that currency, else converted with ``fx``), cheapest first."""
    fitting = [r for r in rates if r.zone is zone and weight_g <= r.max_weight_g]
    native = {(r.carrier, r.service) for r in fitting if r.base.currency == currency}
    found = []
    for rate in fitting:
        price: Money | None = rate.price_for(weight_g)
        if rate.base.currency != currency:
            if (rate.carrier, rate.service) in native or fx is None or price is None:
                continue
            price = fx.convert(price, currency)
        if price is not None:
            found.append(ShippingQuote(rate, price, rate.eta(local_now, processing_days)))
    return sorted(found, key=lambda q: (q.price.amount, q.eta, q.label))
