"""Weeks a product had none on hand at a warehouse, read from its stock movements: their zero sales are no demand."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from domain.shop_days import shop_day

# A week with none on hand this many of its 7 days is left out of the history a forecast is
# fitted on: what little it sold says nothing of what was wanted. A week out 1–3 days stays in.
OUT_DAYS = 4


@dataclass(frozen=True, slots=True)
class StockTrail:
    """What is known of a product's on-hand count at a warehouse over a span: the count now,
    when it first moved at all (before that nothing is known: history imported from another
    system came without its stock), and every movement (when, how many in or out) since the
    span began."""

    on_hand: int
    first_moved: datetime
    moves: Sequence[tuple[datetime, int]]


def days_out(trail: StockTrail, first_week: date, weeks: int, zone: tzinfo | str) -> list[int]:
    """Days out of stock in each of ``weeks`` weeks from ``first_week`` (a Monday), shop days:
    a day is out when it began with none on hand and nothing came in during it. The count is
    worked back from today's through the movements; days before the first movement are not
    known, so never out."""
    # Performance rule: the nightly job asks this of every (product, warehouse) pair over two
    # years. Between two days with movements the count stands still, so the walk goes from one
    # such day to the one before and counts the days between at once: day by day it was ~730
    # steps a pair and 70 s of the job's CPU at 10,000 products (``bench/forecast_job.py``).
    zone = ZoneInfo(zone) if isinstance(zone, str) else zone
    end = first_week + timedelta(weeks=weeks)
    net: dict[date, int] = {}
    came_in: set[date] = set()
    for at, delta in trail.moves:
        day = shop_day(at, zone)
        net[day] = net.get(day, 0) + delta
        if delta > 0:
            came_in.add(day)
    balance = trail.on_hand - sum(delta for day, delta in net.items() if day >= end)  # at the span's end
    # Days as their number from ``first_week`` (its Monday is 0): whole weeks are then // 7.
    lowest = max(0, (shop_day(trail.first_moved, zone) - first_week).days + 1)  # the first that can be out
    out = [0] * weeks

    def count(first: int, last: int) -> None:  # every day from ``first`` to ``last`` is out
        first = max(first, lowest)
        while first <= last:
            week_end = min(first // 7 * 7 + 6, last)
            out[first // 7] += week_end - first + 1
            first = week_end + 1

    last = weeks * 7 - 1  # the latest day not yet walked
    for day in sorted((d for d in net if d < end), reverse=True):
        n = (day - first_week).days
        if n < lowest:
            break
        if balance <= 0:  # the days after this one began (and ended) with none
            count(n + 1, last)
        balance -= net[day]  # now: the count this day began with
        if balance <= 0 and day not in came_in:
            out[n // 7] += 1
        last = n - 1
    if balance <= 0:
        count(lowest, last)
    return out


def in_stock_weeks(series: Sequence[float], out: Sequence[int]) -> tuple[list[float], int]:
    """The weekly ``series`` without the weeks out of stock ``OUT_DAYS`` or more days (``out``
    per week, aligned with it), and how many were left out: a forecast fitted on their zeros
    reads a stock-out as no demand, suggests a reorder point of 0, and is never reordered."""
    kept = [units for units, days in zip(series, out, strict=True) if days < OUT_DAYS]
    return kept, len(series) - len(kept)
