"""Report charts as PNG images (matplotlib, headless), labels already in the reader's language."""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton

from domain.money import Money
from domain.reports import PeriodName, SalesReport
from handlers.views.dates import current_locale, dates_locale
from handlers.views.rendering import format_number, shorten

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

MAX_TIME_LABELS = 8  # "Oct 24" / "24 окт." side by side on the chart's width, none over another
MONEY_STEPS = (1, 2, 5, 10)  # ticks at round amounts: 0, 2, 4… or 0, 0.5, 1…


@dataclass(frozen=True, slots=True)
class ChartText:
    title: str
    orders: str
    revenue: str  # e.g. "Revenue, GBP"
    top: str
    empty: str  # what the top products' panel says when nothing sold
    returns: str = ""  # the returns-by-reason panel's title
    reasons: Mapping[str, str] = field(default_factory=dict)  # a return reason's code → its words


def sales_chart(report: SalesReport, text: ChartText) -> bytes:
    out = io.BytesIO()
    sales_figure(report, text).savefig(out, format="png")
    return out.getvalue()


def sales_figure(report: SalesReport, text: ChartText) -> Figure:
    """Orders (bars) and base-currency revenue (line) per hour or day; top products below."""
    # Imported on the first chart, not with the bot: matplotlib holds ~56 MB for the life of a
    # process, and a shop that never asks for a chart should not pay it (bench/memory_at_start.py).
    # The Agg backend draws straight to PNG bytes: no display here, and none needed.
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    # A period with returns gets a third panel, why they came back, below: the others keep their height.
    rows = (3, 2, 2) if report.reasons else (3, 2)
    figure = Figure(figsize=(8, 6 * sum(rows) / 5), dpi=100, layout="constrained")
    # Sub-figures laid out apart: the top products' names take the width they need on the
    # left without narrowing the days' axis above (one layout gave both the same left edge).
    panels = figure.subfigures(len(rows), 1, height_ratios=rows, squeeze=False)[:, 0]
    over_time, best = panels[0].subplots(), panels[1].subplots()
    if report.reasons:
        _returns_panel(panels[2].subplots(), report, text)
    hourly = report.period.name is PeriodName.TODAY
    zone = report.period.start.tzinfo  # the shop's, the period's days are its
    # Hours and days the reader's way ("09:00"; "4 Dec" / "4 дек."), from CLDR skeletons, as the shop's
    # country writes the reader's language (English in London: "4 Dec"; in New York: "Dec 4"), as paper and chat do.
    locale = dates_locale(current_locale(), zone.key) if isinstance(zone, ZoneInfo) else current_locale()
    labels = [format_skeleton("Hm" if hourly else "MMMd", start, locale=locale) for start, _, _ in report.series]
    positions = range(len(labels))
    counts = [n for _, n, _ in report.series]
    over_time.bar(positions, counts, color="#4C72B0", label=text.orders)
    over_time.set_ylabel(text.orders)
    over_time.yaxis.set_major_locator(MaxNLocator(integer=True))  # no half orders
    over_time.set_ylim(0, max(max(counts, default=0) * 1.05, 1))  # an empty period: 0 and 1, not ±0.05
    step = max(1, math.ceil(len(labels) / MAX_TIME_LABELS))
    over_time.set_xticks(list(positions)[::step], labels[::step])
    revenue_axis = over_time.twinx()
    amounts = [float(Money(minor, report.base).to_decimal()) for _, _, minor in report.series]
    revenue_axis.plot(positions, amounts, color="#DD8452", marker="o", markersize=3)
    revenue_axis.set_ylabel(text.revenue)
    _money_axis(revenue_axis, "y", max(amounts, default=0))
    over_time.set_title(text.title)
    best.set_title(text.top)
    if not report.top:
        best.set_axis_off()
        best.text(0.5, 0.5, text.empty, ha="center", va="center", transform=best.transAxes)
        return figure
    names = [f"{p.sku} {shorten(p.name, 24)}" for p in reversed(report.top)]  # cut between words, with "…"
    revenues = [float(p.revenue.to_decimal()) for p in reversed(report.top)]
    best.barh(names, revenues, color="#55A868")
    best.set_xlabel(text.revenue)
    _money_axis(best, "x", max(revenues))
    return figure


def _returns_panel(axes: Axes, report: SalesReport, text: ChartText) -> None:
    """Return requests per reason, the most at the top."""
    from matplotlib.ticker import MaxNLocator

    shown = list(reversed(report.reasons))
    counts = [r.returns for r in shown]
    axes.barh([text.reasons.get(r.reason.value, r.reason.value) for r in shown], counts, height=0.6, color="#C44E52")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # no half returns
    axes.set_xlim(0, max(counts) * 1.05)  # the longest bar short of the frame
    axes.set_title(text.returns)


def _money_axis(axes: Axes, which: str, top: float) -> None:
    """From 0 to a round amount at or above ``top`` (1 at least: an empty period's axis is not
    a row of zeros), each tick labelled the reader's way with the decimals its step needs."""
    from matplotlib.ticker import MaxNLocator

    found = MaxNLocator(nbins=6, steps=list(MONEY_STEPS)).tick_values(0, max(top, 1))
    ticks = [float(t) for t in found if t >= 0]
    spacing = Decimal(repr(ticks[1] - ticks[0])).quantize(Decimal("0.01")).normalize()
    digits = max(0, -int(spacing.as_tuple().exponent))
    labels = [format_number(round(t, digits), digits) for t in ticks]
    if which == "x":
        axes.set_xlim(0, ticks[-1])
        axes.set_xticks(ticks, labels)
    else:
        axes.set_ylim(0, ticks[-1])
        axes.set_yticks(ticks, labels)
