"""Days out of stock from the days a count began or ended with none: ``domain.stockouts``'s rule on what SQL sums."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

EPOCH = date(1970, 1, 1)  # shop days are counted from it: day 0 is 1970-01-01 on the shop's calendar


@dataclass(frozen=True, slots=True)
class StockDay:
    """A shop day with movements at one product's warehouse, summed: the count it began with,
    its net change, whether anything came in, whether any day with movements (from the read's
    start) came before it, and the next day with movements (None: none since)."""

    day: int  # days from ``EPOCH``
    began: int
    net: int
    came_in: bool
    first: bool
    next_day: int | None


@dataclass(frozen=True, slots=True)
class StockDays:
    """A product's stock at a warehouse as ``days_out_of`` needs it: the count now, the shop day
    of its first movement ever, whether it moved since the read began, and only those days with
    movements that began or ended with none on hand."""

    on_hand: int
    first_moved: int  # days from ``EPOCH``
    moved: bool
    days: Sequence[StockDay]


def days_out_of(stock: StockDays, first_week: date, weeks: int) -> list[int]:
    """``domain.stockouts.days_out`` on summed days: a day is out when it began with none on hand
    and nothing came in during it; days after the first movement's only.

    Performance rule: the nightly job reads ~5 million movements a night. Streaming each into
    Python cost +31 s of the job's CPU; SQL sums them per shop day and hands back only the days
    that began or ended with none (``storage/repositories/stock_days.py``). That is enough,
    because between two days with movements the count stands still, at what the later one began
    with and the earlier one ended with: a day without movements is out exactly when the day
    with movements before it ended with none (or, before the first one read, when that one
    began with none), and such a day is then handed back with the next day with movements.
    ``tests/storage/test_stock_days.py`` holds it to ``days_out`` on random trails, on both engines."""
    origin = (first_week - EPOCH).days
    last = weeks * 7 - 1
    lowest = max(0, stock.first_moved - origin + 1)  # days before the first movement are not known
    out = [0] * weeks

    def count(first: int, end: int) -> None:  # every day from ``first`` to ``end`` is out
        first, end = max(first, lowest), min(end, last)
        while first <= end:
            week_end = min(first // 7 * 7 + 6, end)
            out[first // 7] += week_end - first + 1
            first = week_end + 1

    if not stock.moved:  # no movement read: the count now stood all along
        if stock.on_hand <= 0:
            count(lowest, last)
        return out
    for day in stock.days:
        n = day.day - origin
        if day.began <= 0:
            if not day.came_in:
                count(n, n)
            if day.first:  # the days before it stood at what it began with
                count(lowest, n - 1)
        if day.began + day.net <= 0:  # the days until the next one stood at none
            count(n + 1, last if day.next_day is None else day.next_day - origin - 1)
    return out


def summed_days(moves: Sequence[tuple[int, int]], on_hand: int) -> list[StockDay]:
    """(shop day, delta) movements summed per day, as the SQL reader sums them, every day kept:
    for tests and small reads."""
    net: dict[int, int] = {}
    came_in: set[int] = set()
    for day, delta in moves:
        net[day] = net.get(day, 0) + delta
        if delta > 0:
            came_in.add(day)
    order = sorted(net)
    found: list[StockDay] = []
    balance = on_hand
    for i in range(len(order) - 1, -1, -1):
        day = order[i]
        balance -= net[day]
        after = order[i + 1] if i + 1 < len(order) else None
        found.append(StockDay(day, balance, net[day], day in came_in, i == 0, after))
    return found[::-1]
