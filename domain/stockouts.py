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
    known = shop_day(trail.first_moved, zone)
    out = [0] * weeks
    day = end - timedelta(days=1)
    while day >= max(first_week, known):
        balance -= net.get(day, 0)  # now: the count the day began with
        if balance <= 0 and day not in came_in and day > known:
            out[(day - first_week).days // 7] += 1
        day -= timedelta(days=1)
    return out


def in_stock_weeks(series: Sequence[float], out: Sequence[int]) -> tuple[list[float], int]:
    """The weekly ``series`` without the weeks out of stock ``OUT_DAYS`` or more days (``out``
    per week, aligned with it), and how many were left out: a forecast fitted on their zeros
    reads a stock-out as no demand, suggests a reorder point of 0, and is never reordered."""
    kept = [units for units, days in zip(series, out, strict=True) if days < OUT_DAYS]
    return kept, len(series) - len(kept)
