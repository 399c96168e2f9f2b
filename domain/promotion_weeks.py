"""Weeks a product was on promotion, from the promotions that covered it: what a discount sold is no ordinary demand."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo

from domain.promotions import PromoCode, Promotion, Target
from domain.shop_days import shop_day
from domain.stockouts import OUT_DAYS
from domain.weeks import MIN_WEEKS

# A week a product-limited promo code sold at least this share of, and this many units, is a
# promotion week: a code a few regulars happened to use on one unit of a week's ten lifted
# nothing worth leaving the week out for, one that sold a quarter of it did.
CODE_SHARE = 0.25
CODE_UNITS = 2


@dataclass(frozen=True, slots=True)
class CodeSale:
    """Units of a product shipped from a warehouse on a day in orders that used a promo code
    limited to products or a category (``code``), whether or not the code covers this one."""

    code: PromoCode
    product_id: int
    warehouse_id: int
    day: date
    units: int


@dataclass(frozen=True, slots=True)
class PromoSpan:
    """Consecutive weeks left out of a history for promotions: the Monday the first began, the
    Sunday the last ended, the promotions' names, and how many weeks."""

    first: date
    last: date
    names: tuple[str, ...]
    weeks: int


def of_product(
    promotions: Sequence[Promotion], product_id: int, categories: frozenset[int], family: str
) -> list[Promotion]:
    """The ``promotions`` that discounted this product itself (its own, its family's, its
    category's or one above): not an order's, as a threshold on the whole basket lifts no one
    product's sales."""
    return [p for p in promotions if p.target is not Target.ORDER and p.covers(product_id, categories, family)]


def on_promotion(promotions: Sequence[Promotion], first_week: date, weeks: int, zone: tzinfo) -> list[tuple[str, ...]]:
    """Per week of ``weeks`` from ``first_week`` (a Monday), the names of the ``promotions`` that
    discounted on any of its shop days (in ``zone``: a promotion's days are the shop's)."""
    found: list[tuple[str, ...]] = [()] * weeks
    for promotion in promotions:
        start, end = shop_day(promotion.starts_at, zone), promotion.last_day(zone)
        if end < start:  # ended before it began: it never discounted
            continue
        first = max((start - first_week).days // 7, 0)
        for week in range(first, min((end - first_week).days // 7, weeks - 1) + 1):
            if promotion.name not in found[week]:
                found[week] = (*found[week], promotion.name)
    return found


def code_weeks(
    sales: Sequence[tuple[str, date, int]], series: Sequence[float], first_week: date
) -> list[tuple[str, ...]]:
    """Per week of ``series`` from ``first_week`` (a Monday), the promo codes whose ``sales``
    (code, shop day, units of this product) made it a promotion week: ``CODE_UNITS`` or more
    and ``CODE_SHARE`` of what the week sold."""
    units: dict[tuple[int, str], int] = {}
    for code, day, sold in sales:
        week = (day - first_week).days // 7
        if 0 <= week < len(series):
            units[(week, code)] = units.get((week, code), 0) + sold
    found: list[tuple[str, ...]] = [()] * len(series)
    for (week, code), sold in sorted(units.items()):
        if sold >= CODE_UNITS and sold >= CODE_SHARE * series[week]:
            found[week] = (*found[week], code)
    return found


def regular_weeks(
    series: Sequence[float], out: Sequence[int], promoted: Sequence[tuple[str, ...]], first_week: date
) -> tuple[list[float], int, list[PromoSpan]]:
    """The weekly ``series`` without its weeks out of stock (``OUT_DAYS`` or more days, ``out``)
    and its weeks on promotion (any day of them, ``promoted``), how many weeks were out of
    stock, and the spans left out for promotions.

    A promotion's sales are lifted on every day it runs (a weekend at ×4 is a week +86 %), so a
    week with any of its days is left out: fitted on, it inflates the forecast and the reorder
    point for months after. A week on promotion that sold nothing stays: the discount lifted
    nothing (out of stock, or in a pause that says more as it is). A product on promotion for
    so much of its life that fewer than ``MIN_WEEKS`` would remain keeps them: its promoted
    rate is then its demand."""
    stock_out = [days >= OUT_DAYS for days in out]
    lifted = [
        bool(names) and units > 0 and not gone for units, names, gone in zip(series, promoted, stock_out, strict=True)
    ]
    if len(series) - sum(stock_out) - sum(lifted) < MIN_WEEKS:
        lifted = [False] * len(series)
    kept = [units for units, gone, up in zip(series, stock_out, lifted, strict=True) if not gone and not up]
    spans: list[PromoSpan] = []
    for week, up in enumerate(lifted):
        if not up:
            continue
        monday = first_week + timedelta(weeks=week)
        last = spans[-1] if spans else None
        if last is not None and last.last + timedelta(days=1) == monday:
            names = last.names + tuple(n for n in promoted[week] if n not in last.names)
            spans[-1] = PromoSpan(last.first, monday + timedelta(days=6), names, last.weeks + 1)
        else:
            spans.append(PromoSpan(monday, monday + timedelta(days=6), promoted[week], 1))
    return kept, sum(stock_out), spans
