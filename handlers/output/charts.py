"""Report charts as PNG images (matplotlib, headless), labels already in the reader's language."""

from __future__ import annotations

import io
from dataclasses import dataclass

from babel.dates import format_skeleton

from domain.money import Money
from domain.reports import PeriodName, SalesReport
from handlers.views.rendering import current_locale, format_number


@dataclass(frozen=True, slots=True)
class ChartText:
    title: str
    orders: str
    revenue: str  # e.g. "Revenue, GBP"
    top: str


def sales_chart(report: SalesReport, text: ChartText) -> bytes:
    """Orders (bars) and base-currency revenue (line) per hour or day; top products below."""
    # Imported on the first chart, not with the bot: matplotlib holds ~56 MB for the life of a
    # process, and a shop that never asks for a chart should not pay it (bench/memory_at_start.py).
    # The Agg backend draws straight to PNG bytes: no display here, and none needed.
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    figure = Figure(figsize=(8, 6), dpi=100, layout="constrained")
    over_time, best = figure.subplots(2, 1, height_ratios=(3, 2))
    hourly = report.period.name is PeriodName.TODAY
    locale = current_locale()
    # Hours and days the reader's way ("09:00"; "Dec 4" / "4 дек."), from CLDR skeletons.
    labels = [format_skeleton("Hm" if hourly else "MMMd", start, locale=locale) for start, _, _ in report.series]
    positions = range(len(labels))
    over_time.bar(positions, [n for _, n, _ in report.series], color="#4C72B0", label=text.orders)
    over_time.set_ylabel(text.orders)
    over_time.yaxis.set_major_locator(MaxNLocator(integer=True))  # no half orders
    step = max(1, len(labels) // 12)
    over_time.set_xticks(list(positions)[::step], labels[::step])
    revenue_axis = over_time.twinx()
    revenue_axis.plot(
        positions,
        [float(Money(minor, report.base).to_decimal()) for _, _, minor in report.series],
        color="#DD8452",
        marker="o",
        markersize=3,
    )
    revenue_axis.set_ylabel(text.revenue)
    revenue_axis.yaxis.set_major_formatter(FuncFormatter(lambda value, _: format_number(value)))
    revenue_axis.set_ylim(bottom=0)
    over_time.set_title(text.title)
    names = [f"{p.sku} {p.name[:24]}" for p in reversed(report.top)]
    best.barh(names, [float(p.revenue.to_decimal()) for p in reversed(report.top)], color="#55A868")
    best.set_title(text.top)
    best.set_xlabel(text.revenue)
    best.xaxis.set_major_formatter(FuncFormatter(lambda value, _: format_number(value)))
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
