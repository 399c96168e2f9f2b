"""Replenishment policy: reorder point and order-up-to level from the demand distribution at a fill-rate target.

The shop's service level is read as a **fill rate**: the share of units demanded that are
served from stock (what a customer notices, and what ``bench/replenishment_sim.py``
measures). A cycle service level (the chance a replenishment cycle has no stock-out) is
the wrong knob for slow movers: when most lead times see no demand at all, its quantile is
0 and the shelf stays empty. So the policy searches the cycle level ``p`` whose quantiles
give the target fill rate:

    reorder point  s = ⌈Q_p(demand over the lead time)⌉
    order-up-to    S = ⌈Q_p(demand over the lead time + review period)⌉  (at least s + 1)
    fill rate      β(p) ≈ 1 − E[(D_L − s)⁺] / (S − s)

(units short per replenishment cycle over units ordered per cycle; the textbook
approximation for a reorder-point / order-up-to policy under continuous review, which the
hourly reorder scan is). Everything comes from the quantiles of the demand (``quantiles``), so it
works for any forecast that gives quantiles, normal or not.

Per product class (ABC by revenue) the shop may ask for different levels: A items (the
few that make most of the revenue) 98 %, B 95 %, C 90 %.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from statistics import NormalDist
from typing import Protocol, TypeVar

from domain.purchasing import order_quantity

REVIEW_DAYS = 7  # an order covers a week beyond the lead time: one purchase order a week
# Expectations over the demand distribution as Σ weight × quantile at levels u = 1 − e^(−v),
# v evenly spaced up to u = 0.9999: dense in the upper tail, where shortages are. For a
# normal, 32 such quantiles give the expected shortage within 1 % (z = 0.35 … 2), as 1,000
# evenly spaced ones do; the nightly job computes 50,000 policies.
GRID = 32
_V = math.log(1e4) / GRID
LEVELS = tuple(1 - math.exp(-(i + 0.5) * _V) for i in range(GRID))
_RAW = tuple(math.exp(-(i + 0.5) * _V) * _V for i in range(GRID))
WEIGHTS = tuple(w / sum(_RAW) for w in _RAW)
# Cycle levels p tried (bisected): the lowest that reaches the fill-rate target is used.
CYCLE_LEVELS = (*(round(0.30 + 0.01 * i, 2) for i in range(69)), 0.995, 0.998, 0.999)
SHOWN = (0.5, 0.8, 0.95)  # quantiles of lead-time demand on /forecast's screen
_OVER_LEAD = (*LEVELS, *CYCLE_LEVELS, *SHOWN)
A_SHARE, B_SHARE = 0.80, 0.95  # cumulative revenue shares that end class A and class B


class DemandQuantiles(Protocol):
    def quantile(self, q: float, weeks: float) -> float:
        """The q-quantile of total demand over the next ``weeks`` weeks (fractional allowed), ≥ 0."""
        ...

    def quantiles(self, levels: Sequence[float], weeks: float) -> list[float]:
        """``quantile`` at each of ``levels`` (one call: what they share is computed once)."""
        ...


@dataclass(frozen=True, slots=True)
class NormalDemand:
    """Demand as independent normal weeks (mean ``weekly``, spread ``sigma``), cut at zero:
    for forecasts that have no quantiles of their own, and for known-answer tests."""

    weekly: float
    sigma: float

    def quantile(self, q: float, weeks: float) -> float:
        z = NormalDist().inv_cdf(min(max(q, 1e-9), 1 - 1e-9))
        return max(0.0, self.weekly * weeks + z * self.sigma * math.sqrt(weeks))

    def quantiles(self, levels: Sequence[float], weeks: float) -> list[float]:
        return [self.quantile(q, weeks) for q in levels]


class ProductClass(StrEnum):
    A = "A"
    B = "B"
    C = "C"


@dataclass(frozen=True, slots=True)
class ServiceLevels:
    """One fill-rate target for every product, or one per ABC class when ``by_class`` is set."""

    default: float = 0.95
    by_class: Mapping[ProductClass, float] | None = None

    def level(self, product_class: ProductClass | None) -> float:
        if self.by_class is None or product_class is None:
            return self.default
        return self.by_class.get(product_class, self.default)


CLASS_LEVELS: Mapping[ProductClass, float] = {ProductClass.A: 0.98, ProductClass.B: 0.95, ProductClass.C: 0.90}

K = TypeVar("K", bound=Hashable)


def abc_classes(
    revenue: Mapping[K, float], a_share: float = A_SHARE, b_share: float = B_SHARE
) -> dict[K, ProductClass]:
    """ABC by revenue: the best sellers making the first ``a_share`` of the revenue are A,
    the next up to ``b_share`` B, the rest (and everything without revenue) C. A product
    that crosses a boundary belongs to the class it starts in, so the top seller is always A."""
    total = sum(max(v, 0.0) for v in revenue.values())
    classes: dict[K, ProductClass] = {}
    before = 0.0
    for key, value in sorted(revenue.items(), key=lambda kv: -kv[1]):
        share = before / total if total > 0 else 1.0
        if value <= 0:
            classes[key] = ProductClass.C
        elif share < a_share:
            classes[key] = ProductClass.A
        elif share < b_share:
            classes[key] = ProductClass.B
        else:
            classes[key] = ProductClass.C
        before += max(value, 0.0)
    return classes


@dataclass(frozen=True, slots=True)
class Policy:
    """What to store on a product at a warehouse: order when the stock position (on hand
    plus on order) falls to ``reorder_point``, up to ``order_up_to``."""

    reorder_point: int
    order_up_to: int
    service_level: float  # the fill-rate target
    cycle_level: float  # the quantile level p that reaches it
    expected_fill: float  # β(p), as the policy predicts it
    lead_time_days: int
    review_days: int
    lead_demand: float  # mean demand over the lead time, units
    product_class: ProductClass | None = None
    quantiles: dict[float, float] = field(default_factory=dict)  # of lead-time demand, for the screen


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A policy the nightly forecast job computed and stored for a product at a warehouse."""

    product_id: int
    warehouse_id: int
    method: str
    weekly_demand: float  # the forecast's next week
    reorder_point: int
    order_up_to: int
    service_level: float
    expected_fill: float
    product_class: ProductClass | None
    computed_at: datetime


def _expected_shortage(weighted: Sequence[tuple[float, float]], stock: float) -> float:
    """Σ weight × (quantile − stock) over the quantiles above ``stock``, in grid order (a
    list, summed as the generator was: the same floats in the same order)."""
    return sum([w * (d - stock) for w, d in weighted if d > stock])


def policy(
    demand: DemandQuantiles,
    *,
    lead_time_days: int,
    service_level: float,
    review_days: int = REVIEW_DAYS,
    product_class: ProductClass | None = None,
) -> Policy:
    """The lowest reorder point and order-up-to level whose expected fill rate reaches ``service_level``."""
    lead = max(lead_time_days, 1) / 7
    cover = lead + max(review_days, 1) / 7
    # Every quantile the policy may read, in two calls (the bisection reads about seven cycle levels).
    over_lead = demand.quantiles(_OVER_LEAD, lead)
    sample, at_lead = over_lead[:GRID], over_lead[GRID : GRID + len(CYCLE_LEVELS)]
    shown = dict(zip(SHOWN, over_lead[GRID + len(CYCLE_LEVELS) :], strict=True))
    at_cover = demand.quantiles(CYCLE_LEVELS, cover)
    weighted = list(zip(WEIGHTS, sample, strict=True))
    mean_lead = sum(w * d for w, d in weighted)
    tried: dict[int, tuple[float, int, int, float]] = {}  # the bisection's last level is read again

    def levels(index: int) -> tuple[float, int, int, float]:
        if index in tried:
            return tried[index]
        # At least 1: the reorder scan reads a reorder point of 0 as "don't reorder".
        point = max(1, math.ceil(at_lead[index] - 1e-9))
        top = max(point + 1, math.ceil(at_cover[index] - 1e-9))
        found = tried[index] = CYCLE_LEVELS[index], point, top, 1 - _expected_shortage(weighted, point) / (top - point)
        return found

    # The expected fill rate grows with p: bisect for the lowest level that reaches the target.
    low, high = 0, len(CYCLE_LEVELS) - 1
    while low < high:
        middle = (low + high) // 2
        if levels(middle)[3] >= service_level:
            high = middle
        else:
            low = middle + 1
    p, point, top, fill = levels(low)
    if mean_lead <= 0:  # nothing sells: nothing to keep
        point, top, fill = 0, 0, 1.0
    return Policy(point, top, service_level, p, fill, lead_time_days, review_days, mean_lead, product_class, shown)


def min_max(daily_demand: Sequence[float], lead_time_days: int, review_days: int = REVIEW_DAYS) -> tuple[int, int]:
    """The plain rule the policy is compared with: min = average daily demand × (lead time +
    review period), max = 2 × min."""
    average = sum(daily_demand) / len(daily_demand) if daily_demand else 0.0
    low = math.ceil(average * (lead_time_days + review_days) - 1e-9)
    return low, 2 * low


@dataclass(frozen=True, slots=True)
class Replay:
    """One series replayed: units demanded and served (unmet demand is lost), days with
    unmet demand, and the sums of units and value on hand over the days (average: / days)."""

    demanded: int
    served: int
    stockout_days: int
    days: int
    orders: int
    units_on_hand: float  # sum over days of the day's average stock (morning and evening)
    stock_value: float

    @property
    def fill_rate(self) -> float:
        return self.served / self.demanded if self.demanded else 1.0


def replay(
    demand: Sequence[int],
    levels: Sequence[tuple[int, int]],
    prices: Sequence[float],
    *,
    lead_time_days: int,
    on_hand: int,
) -> Replay:
    """Day by day: the morning's deliveries arrive, the day's demand is served from stock
    (what cannot be is lost), and in the evening the position is reviewed with the day's
    (reorder point, order-up-to) exactly as the reorder scan does (``order_quantity``); an
    order placed in the evening of day t arrives in the morning of day t + lead time."""
    arriving = [0] * (len(demand) + lead_time_days + 1)
    on_order = demanded = served = stockouts = orders = 0
    units = value = 0.0
    for day, wanted in enumerate(demand):
        on_hand += arriving[day]
        on_order -= arriving[day]
        morning = on_hand
        sold = min(wanted, on_hand)
        on_hand -= sold
        demanded, served = demanded + wanted, served + sold
        stockouts += sold < wanted
        average = (morning + on_hand) / 2
        units += average
        value += average * prices[day]
        point, top = levels[day]
        quantity = order_quantity(
            available=on_hand, incoming=on_order, reorder_point=point, max_level=top, pack_size=1, min_order_qty=0
        )
        if quantity:
            arriving[day + lead_time_days] += quantity
            on_order += quantity
            orders += 1
    return Replay(demanded, served, stockouts, len(demand), orders, units, value)
