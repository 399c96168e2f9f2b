"""The dashboard's hourly chart adds money in one currency: each order converted to the base
currency at its own rate (as the sales report's series), never minor units of different
currencies (a yen, a penny) added or compared as they are."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.webapp.chart import BOTTOM, HEIGHT, TOP, hourly_svg
from domain.usecases.dashboard import by_hour

LONDON = ZoneInfo("Europe/London")
PLACED = [
    (datetime(2026, 12, 5, 10, 15, tzinfo=UTC), "GBP", 60000, "1", True),  # £600.00
    (datetime(2026, 12, 5, 10, 40, tzinfo=UTC), "JPY", 19000, "190", True),  # ¥19,000 at ¥190 a pound: £100.00
    (datetime(2026, 12, 5, 11, 5, tzinfo=UTC), "JPY", 57001, "190", True),  # ¥57,001: £300.01
    (datetime(2026, 12, 5, 12, 0, tzinfo=UTC), "EUR", 11700, "1.17", True),  # €117.00: £100.00
]


def test_each_hours_revenue_is_every_currencys_orders_in_the_base_currency_at_their_own_rates() -> None:
    hourly = by_hour(PLACED, LONDON, base="GBP")
    assert hourly.orders[10:13] == (2, 1, 1) and sum(hourly.orders) == 4
    assert (hourly.base, hourly.in_base and hourly.in_base[9:14]) == ("GBP", (0, 70000, 30001, 10000, 0))
    assert hourly.revenue == {  # each currency's own figures stay, in its own minor units
        "EUR": tuple(11700 if h == 12 else 0 for h in range(24)),
        "GBP": tuple(60000 if h == 10 else 0 for h in range(24)),
        "JPY": tuple({10: 19000, 11: 57001}.get(h, 0) for h in range(24)),
    }
    assert by_hour(PLACED, LONDON, base=None).revenue is None  # a role that sees no money


def test_the_charts_revenue_line_is_drawn_in_the_base_currency_with_every_currency_in_it() -> None:
    svg = hourly_svg(by_hour(PLACED, LONDON, base="GBP"), orders_label="Orders", revenue_label="Revenue")
    line = re.search(r'<polyline points="([^"]+)" class="revenue" data-currency="([A-Z]+)"/>', svg)
    assert line is not None and line.group(2) == "GBP" and "Revenue, GBP" in svg
    heights = [round(HEIGHT - BOTTOM - float(point.split(",")[1]), 1) for point in line.group(1).split()]
    plot = HEIGHT - TOP - BOTTOM  # the tallest hour, £700.00 at 10:00, fills it
    assert heights[9:14] == [0.0, plot, round(plot * 30001 / 70000, 1), round(plot * 10000 / 70000, 1), 0.0]
