"""Management reports: figures of a period computed from orders, in the base currency at
each order's own rate. Pure functions of what the use case read; charts are drawn outside."""
# The use case reads only the columns a figure needs (PlacedOrder, SoldLine, ShippedOrder),
# not whole orders: a month of a big shop is ~40,000 orders and 130,000 lines.

from __future__ import annotations

import statistics
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from itertools import pairwise
from zoneinfo import ZoneInfo

from domain.accounting import to_base
from domain.errors import DomainError
from domain.i18n import N_
from domain.money import Money
from domain.return_figures import ReasonFigures, ReturnedProduct, shop_fault_share
from domain.shipping import CarrierRate, ship_by_date


class PeriodName(StrEnum):
    TODAY = "today"
    WEEK = "week"
    MONTH = "month"


class UnknownPeriod(DomainError):
    key = N_("Choose a period: today, week or month.")


@dataclass(frozen=True, slots=True)
class Period:
    name: PeriodName
    start: datetime  # aware, shop time
    end: datetime
    buckets: tuple[tuple[datetime, datetime], ...]  # hours of today, or days

    def bucket_of(self, at: datetime) -> int | None:
        # Buckets are contiguous and sorted: a bisection, not a scan per order.
        if not self.buckets or not self.buckets[0][0] <= at < self.buckets[-1][1]:
            return None
        return bisect_right(self.buckets, at, key=lambda b: b[0]) - 1


def period(name: str, now: datetime, timezone: str) -> Period:
    """``today``: from local midnight, by hour; ``week``/``month``: the last 7/30 days
    including today, by day."""
    try:
        chosen = PeriodName(name.strip().lower() or "today")
    except ValueError:
        raise UnknownPeriod() from None
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    midnight = datetime.combine(local.date(), datetime.min.time(), zone)
    if chosen is PeriodName.TODAY:
        hours = [midnight + timedelta(hours=h) for h in range(25)]
        buckets = tuple(pairwise(hours))
        return Period(chosen, midnight, midnight + timedelta(days=1), buckets)
    days = 7 if chosen is PeriodName.WEEK else 30
    starts = [
        datetime.combine(local.date() - timedelta(days=days - 1 - i), datetime.min.time(), zone)
        for i in range(days + 1)
    ]
    return Period(chosen, starts[0], starts[-1], tuple(pairwise(starts)))


@dataclass(frozen=True, slots=True)
class TopProduct:
    sku: str
    name: str
    units: int
    revenue: Money  # base currency


@dataclass(frozen=True, slots=True)
class StockValue:
    warehouse: str
    units: int
    value: Money  # base currency, at supply cost
    unknown_cost_units: int = 0  # units of products without a known cost


@dataclass(frozen=True, slots=True)
class SalesReport:
    period: Period
    base: str
    orders: int
    cancelled: int
    revenue: dict[str, int]  # order currency → minor units
    revenue_base: Money
    shipped: int
    fulfil_hours: tuple[float, float] | None  # placed → shipped: median, 90th percentile
    on_time: int  # of the shipped, left by the day their promise needed
    delivered: int
    returns: int  # return requests opened in the period
    top: list[TopProduct]
    stock: list[StockValue]
    series: list[tuple[datetime, int, int]] = field(default_factory=list)  # bucket start, orders, base minor
    refunded: int = 0  # base minor: refunds owed on these orders that they no longer earn
    # Of the ``delivered``, those with a return request: the rate compares like with like (one
    # order counts once however many requests it has, so it never reads over 100 %).
    returned_orders: int = 0
    # Base minor: cash orders' parts given up, never collected; owed to nobody, so not among the refunds.
    uncollected: int = 0
    # Why goods come back: the period's return requests per reason, and the products most units came back of.
    reasons: list[ReasonFigures] = field(default_factory=list)
    returned: list[ReturnedProduct] = field(default_factory=list)

    @property
    def shop_fault_share(self) -> float | None:
        return shop_fault_share(self.reasons)

    @property
    def refunds(self) -> Money:
        return Money(self.refunded, self.base)

    @property
    def uncollected_cash(self) -> Money:
        return Money(self.uncollected, self.base)

    @property
    def net(self) -> Money:
        """What the period's orders earn once their refunds and the cash never collected are taken off."""
        return Money(self.revenue_base.amount - self.refunded - self.uncollected, self.base)

    @property
    def average_order(self) -> Money | None:
        return self.revenue_base.split(self.orders) if self.orders else None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.shipped if self.shipped else None

    @property
    def returns_rate(self) -> float | None:
        """Share of the period's delivered orders that have a return request."""
        return self.returned_orders / self.delivered if self.delivered else None

    @property
    def stock_value(self) -> Money:
        """At supply cost, of the units with a cost only (``stock_costed_units``)."""
        return Money(sum(s.value.amount for s in self.stock), self.base)

    @property
    def stock_units(self) -> int:
        return sum(s.units for s in self.stock)

    @property
    def stock_costed_units(self) -> int:
        return self.stock_units - sum(s.unknown_cost_units for s in self.stock)


@dataclass(frozen=True, slots=True)
class PlacedOrder:
    """An order placed in the period, as the report reads it."""

    created_at: datetime
    currency: str
    total: int  # minor units of ``currency``
    fx_rate: str  # order-currency units per base unit
    cancelled: bool
    replacement: bool = False  # an exchange's replacement: no new sale (``REPLACEMENTS_ARE_NO_SALE``)


# REPLACEMENTS_ARE_NO_SALE. An exchange's replacement order (flag REPLACEMENT) is the sale it
# replaces, made good: it is counted neither as an order (nor a cancelled one) nor its units as
# sold again. Its value is what it charged, the price difference of a dearer size (its lines are
# priced at that difference): it adds that to the revenue and to its SKU's, nothing when free.
# /report, the daily digest, the per-day summary and the dashboard all read it so.


def new_orders(placed: Iterable[PlacedOrder]) -> int:
    """Orders placed and not cancelled, the replacements not counted (they are no new sale)."""
    return sum(1 for order in placed if not order.cancelled and not order.replacement)


def cancelled_orders(placed: Iterable[PlacedOrder]) -> int:
    return sum(1 for order in placed if order.cancelled and not order.replacement)


@dataclass(frozen=True, slots=True)
class SoldLine:
    """A line of an order placed in the period and not cancelled, ``amount`` what it was
    charged; or all of a SKU's lines in the base currency summed in the database (``name``
    then empty: the name on its latest line is read for the SKUs the report shows)."""

    sku: str
    name: str
    quantity: int
    unit_price: int  # minor units of ``currency``
    currency: str
    fx_rate: str
    order_id: int = 0  # the (latest) order it is on: a SKU's name is the one on its latest line
    amount: int | None = None  # what was charged, after discounts (summed lines: their total), minor units


@dataclass(frozen=True, slots=True)
class RefundedOrder:
    """An order placed in the period (not cancelled) and what of its refunds owed it no longer
    earns, or of a cash order the parts given up and never collected, minor units of its currency
    (a refund of what was paid over an edited-down total is not counted: its total fell already)."""

    currency: str
    fx_rate: str
    amount: int
    uncollected: bool = False  # cash never collected, not a refund owed


@dataclass(frozen=True, slots=True)
class DayFigures:
    """What the orders placed on one shop-local day in one currency add to the figures, as the
    sales summary keeps them (``domain.sales``)."""

    day: date
    currency: str
    orders: int  # not cancelled
    cancelled: int
    total: int  # minor units of ``currency``, orders not cancelled
    base_total: int  # in the base currency: each order at its own rate, rounded, then summed


@dataclass(frozen=True, slots=True)
class ShippedOrder:
    """An order shipped in the period: when it was placed and first shipped, and its promise."""

    created_at: datetime
    shipped_at: datetime
    has_delivery: bool
    carrier: str = ""
    service: str = ""
    eta: date | None = None


def fulfilment_hours(shipped: list[ShippedOrder]) -> tuple[float, float] | None:
    """Median and 90th percentile of placed → shipped, in hours."""
    hours = sorted((s.shipped_at - s.created_at).total_seconds() / 3600 for s in shipped)
    if not hours:
        return None
    p90 = hours[0] if len(hours) == 1 else statistics.quantiles(hours, n=10, method="inclusive")[-1]
    return statistics.median(hours), p90


def shipped_on_time(shipped: ShippedOrder, rates: list[CarrierRate], zone: ZoneInfo) -> bool:
    if not shipped.has_delivery:
        return False
    ship_by = ship_by_date(shipped.eta, shipped.carrier, shipped.service, rates)
    return ship_by is None or shipped.shipped_at.astimezone(zone).date() <= ship_by


def top_products(lines: list[SoldLine], base: str, limit: int = 5) -> list[TopProduct]:
    lines = [line for line in lines if line.quantity or line.amount]  # a free replacement's: no sale
    units: dict[str, int] = {}
    revenue: dict[str, int] = {}
    names: dict[str, tuple[int, str]] = {}  # the latest order's name (lines come in order)
    for line in lines:
        units[line.sku] = units.get(line.sku, 0) + line.quantity
        amount = line.unit_price * line.quantity if line.amount is None else line.amount
        revenue[line.sku] = revenue.get(line.sku, 0) + to_base(Money(amount, line.currency), line.fx_rate, base)
        if line.sku not in names or line.order_id >= names[line.sku][0]:
            names[line.sku] = (line.order_id, line.name)
    ranked = sorted(units, key=lambda sku: (-revenue[sku], -units[sku], sku))[:limit]
    return [TopProduct(sku, names[sku][1], units[sku], Money(revenue[sku], base)) for sku in ranked]


def revenue_by_currency(live: Sequence[PlacedOrder], days: Sequence[DayFigures] = ()) -> dict[str, int]:
    """What the orders not cancelled and the summarised days sold, per currency: a currency
    whose orders were all cancelled has no entry, read from the orders or from the summary."""
    revenue: dict[str, int] = {}
    for order in live:
        revenue[order.currency] = revenue.get(order.currency, 0) + order.total
    for day in days:
        if day.orders or day.total:  # a day of replacements alone may have charged a difference
            revenue[day.currency] = revenue.get(day.currency, 0) + day.total
    return revenue


def sales_report(
    when: Period,
    base: str,
    *,
    placed: list[PlacedOrder],
    lines: list[SoldLine],
    shipped: list[ShippedOrder],
    delivered: int,
    returns: int,
    rates: list[CarrierRate],
    returned_orders: int = 0,
    stock: list[StockValue],
    days: Sequence[DayFigures] = (),
    refunds: Sequence[RefundedOrder] = (),
) -> SalesReport:
    """``placed`` and ``lines`` are the orders of the days read from the orders; ``days`` are
    the summarised days' figures (their SKUs come in ``lines``, as summed lines)."""
    live = [o for o in placed if not o.cancelled]
    revenue = revenue_by_currency(live, days)
    counts = [0] * len(when.buckets)
    amounts = [0] * len(when.buckets)
    total_base = 0
    zone = when.start.tzinfo
    assert isinstance(zone, ZoneInfo)
    for day in days:
        total_base += day.base_total
        bucket = when.bucket_of(datetime.combine(day.day, datetime.min.time(), zone))
        if bucket is not None:
            counts[bucket] += day.orders
            amounts[bucket] += day.base_total
    for order in live:
        in_base = to_base(Money(order.total, order.currency), order.fx_rate, base)
        total_base += in_base
        bucket = when.bucket_of(order.created_at)
        if bucket is not None:
            counts[bucket] += 0 if order.replacement else 1
            amounts[bucket] += in_base
    return SalesReport(
        when,
        base,
        new_orders(live) + sum(d.orders for d in days),
        cancelled_orders(placed) + sum(d.cancelled for d in days),
        revenue,
        Money(total_base, base),
        len(shipped),
        fulfilment_hours(shipped),
        sum(1 for s in shipped if shipped_on_time(s, rates, zone)),
        delivered,
        returns,
        top_products(lines, base),
        stock,
        [(start, counts[i], amounts[i]) for i, (start, _) in enumerate(when.buckets)],
        given_back(refunds, base)[0],
        min(returned_orders, delivered),
        given_back(refunds, base)[1],
    )


def given_back(refunds: Sequence[RefundedOrder], base: str) -> tuple[int, int]:
    """Of orders' ``refunds`` (``RefundedOrder``), in ``base`` minor units, each order's at its rate and
    rounded (``to_base``): (refunds owed they no longer earn, cash orders' parts never collected) —
    what /report's net and the dashboard's take off the revenue."""
    owed = sum(to_base(Money(r.amount, r.currency), r.fx_rate, base) for r in refunds if not r.uncollected)
    never = sum(to_base(Money(r.amount, r.currency), r.fx_rate, base) for r in refunds if r.uncollected)
    return owed, never


@dataclass(frozen=True, slots=True)
class SlowMover:
    sku: str
    name: str
    warehouse: str
    on_hand: int
    last_sold: date | None  # None: never sold here
    value: Money | None  # at supply cost, base currency

    def idle_days(self, today: date) -> int | None:
        return (today - self.last_sold).days if self.last_sold else None
