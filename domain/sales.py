"""The per-day sales summary: what the orders placed on one shop-local day add to the sales
figures (`/report`, the daily digest), and the rule that keeps a summarised day true."""

# THE RULE THE SUMMARY RELIES ON. A day's figures depend only on the orders placed that day:
# their status (cancelled or not), currency, rate, total and lines. Every write that changes
# one of these sets the order's ``updated_at`` to the time of the change
# (``SqlOrders.record_transition``: a cancellation or any move; ``SqlOrders.save_edit``: an
# edit of lines, totals or delivery; ``SqlOrders.add``: a new order). A return or a refund
# changes none of them: a refund is a payment, a replacement is a new order placed on the day
# it is made, and the report counts return requests from the returns themselves. A payment
# sets ``updated_at`` too (``SqlPayments.add``: the intake API's changed_since): the day is read
# again until summarised again, with the same figures.
# The summary job records a watermark, ``settled``: every order written before it is
# reflected in the summary. A summarised day is trusted only while no order placed on it has
# ``updated_at >= settled``; otherwise that day is read from the orders until the job
# summarises it again. ``settled`` is the job's time less ``SETTLE``, so a write whose clock
# was read before the job ran but that committed after the job read the day is still seen:
# this holds while a transaction that writes orders commits within ``SETTLE`` of reading its
# clock, and the processes' clocks agree within it.

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.accounting import to_base
from domain.money import Money
from domain.reports import DayFigures, PlacedOrder, SoldLine

SETTLE = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class DaySku:
    """What one SKU's lines on orders placed on one day (not cancelled) add to the figures."""

    day: date
    sku: str
    units: int
    revenue: int  # base currency: each line at its order's rate (a plain sum in the base)
    order_id: int  # the latest order with the SKU that day: its name is on it


@dataclass(frozen=True, slots=True)
class SummaryState:
    """Which summary is kept (its time zone and base currency), the last day it covers, and
    its watermark (see the rule above)."""

    timezone: str
    base: str
    through: date | None  # every day up to it is summarised (a day without orders has no rows)
    settled: datetime | None


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def last_complete_day(settled: datetime, zone: ZoneInfo) -> date:
    """The last day that ended before ``settled``: no order can still be placed on it."""
    return settled.astimezone(zone).date() - timedelta(days=1)


def summarise(
    day: date, placed: Iterable[PlacedOrder], lines: Iterable[SoldLine], base: str
) -> tuple[list[DayFigures], list[DaySku]]:
    """A day's rows, with the arithmetic of ``domain.reports.sales_report``: an order's base
    amount is rounded per order, a line's per line, so summed days equal the period read whole."""
    figures: dict[str, list[int]] = {}
    for order in placed:
        row = figures.setdefault(order.currency, [0, 0, 0, 0])
        if order.cancelled:
            row[1] += 0 if order.replacement else 1
            continue
        row[0] += 0 if order.replacement else 1  # REPLACEMENTS_ARE_NO_SALE (domain.reports)
        row[2] += order.total
        row[3] += to_base(Money(order.total, order.currency), order.fx_rate, base)
    skus: dict[str, list[int]] = {}
    for line in lines:
        if not line.quantity and not line.amount:  # a free replacement's line: no sale
            continue
        row = skus.setdefault(line.sku, [0, 0, 0])
        amount = line.unit_price * line.quantity if line.amount is None else line.amount
        row[0] += line.quantity
        row[1] += to_base(Money(amount, line.currency), line.fx_rate, base)
        row[2] = max(row[2], line.order_id)
    return (
        [DayFigures(day, currency, *row) for currency, row in sorted(figures.items())],
        [DaySku(day, sku, *row) for sku, row in sorted(skus.items())],
    )
