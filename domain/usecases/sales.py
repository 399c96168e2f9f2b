"""The per-day sales summary: the job that keeps it, and a period's sales read from it where
it can be trusted and from the orders elsewhere (``domain.sales`` states the rule)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.ports import Clock, UnitOfWork
from domain.reports import DayFigures, PlacedOrder, SoldLine
from domain.sales import SETTLE, SummaryState, days_between, last_complete_day, summarise
from domain.shop_days import day_start

MAX_NEW_DAYS = 62  # a first build of two years goes in several runs, each a short transaction


@dataclass(frozen=True, slots=True)
class SummaryRun:
    days: int  # days summarised (new, or written since and summarised again)
    more: bool  # days still to summarise: run again


async def summarise_sales(
    uow: UnitOfWork, clock: Clock, *, timezone: str, max_new_days: int = MAX_NEW_DAYS
) -> SummaryRun:
    """Summarise the days that ended before the watermark and again those whose orders were
    written since the last run; then move the watermark. Running it twice changes nothing."""
    zone = ZoneInfo(timezone)
    settled = clock.now() - SETTLE
    async with uow:
        base = uow.base_currency
        state = await uow.sales.state()
        if state is None or (state.timezone, state.base) != (timezone, base):
            await uow.sales.clear()  # another day boundary or base: summarised afresh
            state = SummaryState(timezone, base, None, None)
        due: set[date] = set()
        if state.through is not None and state.settled is not None and state.settled < settled:
            end = day_start(state.through + timedelta(days=1), zone)
            written = await uow.sales.written_since(state.settled, settled, None, end)
            due = {at.astimezone(zone).date() for at in written}
        first: date | None = state.through + timedelta(days=1) if state.through is not None else None
        if first is None and (at := await uow.sales.first_order_at()) is not None:
            first = at.astimezone(zone).date()
        last = last_complete_day(settled, zone)
        new = days_between(first, min(last, first + timedelta(days=max_new_days - 1))) if first else []
        for day in sorted(due | set(new)):
            start, end = day_start(day, zone), day_start(day + timedelta(days=1), zone)
            placed = await uow.jobs.placed_figures(start, end)
            lines = await uow.jobs.sold_lines(start, end, base)
            await uow.sales.replace_day(day, *summarise(day, placed, lines, base))
        through = new[-1] if new else state.through
        watermark = max(settled, state.settled) if state.settled is not None else settled
        await uow.sales.save_state(SummaryState(timezone, base, through, watermark))
        await uow.commit()
    return SummaryRun(len(due | set(new)), bool(new) and new[-1] < last)


@dataclass(frozen=True, slots=True)
class PeriodSales:
    """A period's sales: ``placed`` and ``lines`` of the days read from the orders, ``days``
    the summarised days' figures, whose SKUs come in ``lines`` as summed lines."""

    placed: list[PlacedOrder] = field(default_factory=list)
    lines: list[SoldLine] = field(default_factory=list)
    days: list[DayFigures] = field(default_factory=list)
    summarised: int = 0  # days read from the summary


async def period_sales(
    uow: UnitOfWork, start: datetime, end: datetime, timezone: str, *, lines: bool = True
) -> PeriodSales:
    """Inside an open unit. Whole days of [``start``, ``end``) that the summary covers and
    whose orders were not written since its watermark come from it; the rest (today, a day
    with a late edit or cancellation, days not summarised yet) from the orders."""
    zone = ZoneInfo(timezone)
    base = uow.base_currency
    trusted = await _trusted_days(uow, start, end, zone, base)
    found = PeriodSales(summarised=len(trusted))
    if trusted:
        keep = set(trusted)
        skip = [day for day in days_between(trusted[0], trusted[-1]) if day not in keep]
        found.days.extend(f for f in await uow.sales.days(trusted[0], trusted[-1]) if f.day in keep)
        if lines:
            found.lines.extend(await uow.sales.sold(trusted[0], trusted[-1], skip, base))
    cursor = start
    spans: list[tuple[datetime, datetime]] = []
    for day in trusted:
        if day_start(day, zone) > cursor:
            spans.append((cursor, day_start(day, zone)))
        cursor = day_start(day + timedelta(days=1), zone)
    if cursor < end:
        spans.append((cursor, end))
    for span_start, span_end in spans:
        found.placed.extend(await uow.jobs.placed_figures(span_start, span_end))
        if lines:
            found.lines.extend(await uow.jobs.sold_lines(span_start, span_end, base))
    return found


async def _trusted_days(uow: UnitOfWork, start: datetime, end: datetime, zone: ZoneInfo, base: str) -> list[date]:
    state = await uow.sales.state()
    if state is None or state.through is None or state.settled is None:
        return []
    if (state.timezone, state.base) != (zone.key, base):
        return []
    first = start.astimezone(zone).date()
    if day_start(first, zone) < start:
        first += timedelta(days=1)  # only whole days
    last = min(state.through, end.astimezone(zone).date() - timedelta(days=1))
    if last < first:
        return []
    written = await uow.sales.written_since(
        state.settled, None, day_start(first, zone), day_start(last + timedelta(days=1), zone)
    )
    stale = {at.astimezone(zone).date() for at in written}
    return [day for day in days_between(first, last) if day not in stale]
