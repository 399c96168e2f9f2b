"""Weeks of demand: the week a day falls in, daily sales summed per week, and how many weeks a forecast needs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from domain.errors import DomainError
from domain.i18n import N_plural

# Kept apart from ``domain.forecasting`` (numpy): imports and the /forecast screen need these,
# and a bot process should load numpy only when it first forecasts.
MIN_WEEKS = 8  # fewer weeks than this and there is nothing honest to say
RESTART_WEEKS = 26  # a zero run this long, then sales again: the product restarted


class NotEnoughHistory(DomainError):
    key, plural = N_plural(
        "Not enough sales history to forecast: {weeks} week, at least {needed} needed.",
        "Not enough sales history to forecast: {weeks} weeks, at least {needed} needed.",
    )
    counted = "weeks"


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly(daily: Sequence[tuple[date, int]], first_week: date, last_week: date) -> list[float]:
    """Units per ISO week (Monday starts) from ``first_week`` to ``last_week`` inclusive,
    zero for weeks without sales (``DemandRepository.weekly`` sums stored demand in SQL by
    this rule; a contract test holds it to this)."""
    weeks = (last_week - first_week).days // 7 + 1
    series = [0.0] * max(weeks, 0)
    # ``week_start`` by ordinals (day 1 was a Monday, so ``(o + 6) % 7`` is the weekday), with
    # no date made per sale: the nightly job turns two years of the catalogue's sales into weeks.
    first = first_week.toordinal()
    for day, quantity in daily:
        o = day.toordinal()
        index = (o - (o + 6) % 7 - first) // 7
        if 0 <= index < weeks:
            series[index] += quantity
    return series


def pause_start(series: Sequence[float], per_week: int = 1) -> int | None:
    """Where the history's closing run of ``RESTART_WEEKS`` or more without a sale began (the
    index of its first point), when it follows a sale; else None."""
    start = len(series)
    while start > 0 and series[start - 1] <= 0:
        start -= 1
    return start if start > 0 and len(series) - start >= RESTART_WEEKS * per_week else None
