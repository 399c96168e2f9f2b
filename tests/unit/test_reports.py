"""Report figures on hand-made orders with known answers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.money import Money
from domain.reports import (
    DayFigures,
    PlacedOrder,
    ShippedOrder,
    SoldLine,
    UnknownPeriod,
    fulfilment_hours,
    period,
    sales_report,
    shipped_on_time,
    top_products,
)
from domain.shipping import CarrierRate, Zone

T0 = datetime(2026, 11, 23, 9, tzinfo=UTC)  # a Monday


def _shipped(hours_to_ship: float, *, eta: date | None = None) -> ShippedOrder:
    return ShippedOrder(T0, T0 + timedelta(hours=hours_to_ship), True, "DPD", "Next day", eta)


def test_fulfilment_median_and_90th_percentile() -> None:
    shipped = [_shipped(h) for h in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)]
    assert fulfilment_hours(shipped) == (5.5, 9.1)
    assert fulfilment_hours([_shipped(4)]) == (4, 4)
    assert fulfilment_hours([]) is None


def test_on_time_means_it_left_by_the_day_its_eta_needed() -> None:
    rate = CarrierRate("DPD", "Next day", Zone.LOCAL, Money(0, "GBP"), Money(0, "GBP"), 1, 16, 20000)
    zone = ZoneInfo("UTC")
    assert shipped_on_time(_shipped(24, eta=date(2026, 11, 25)), [rate], zone)  # left Tue for Wed
    assert not shipped_on_time(_shipped(48, eta=date(2026, 11, 25)), [rate], zone)  # left Wed: late
    no_delivery = ShippedOrder(T0, T0 + timedelta(hours=1), False)
    assert not shipped_on_time(no_delivery, [rate], zone)


def test_top_products_rank_by_base_currency_revenue() -> None:
    pounds = SoldLine("MUG", "Mug", 2, 500, "GBP", "1")  # 2 × £5.00
    roubles = SoldLine("TEA", "Tea", 3, 50000, "RUB", "100")  # 3 × 500 RUB = £15
    top = top_products([pounds, roubles], "GBP")
    expected = [("TEA", 3, Money(1500, "GBP")), ("MUG", 2, Money(1000, "GBP"))]
    assert [(p.sku, p.units, p.revenue) for p in top] == expected


def test_periods_are_in_shop_time_with_hourly_or_daily_buckets() -> None:
    today = period("today", datetime(2026, 11, 25, 23, 30, tzinfo=UTC), "Europe/Moscow")
    assert today.start == datetime(2026, 11, 26, tzinfo=ZoneInfo("Europe/Moscow")) and len(today.buckets) == 24
    month = period("MONTH", T0, "UTC")
    assert len(month.buckets) == 30 and month.end == datetime(2026, 11, 24, tzinfo=ZoneInfo("UTC"))
    with pytest.raises(UnknownPeriod):
        period("year", T0, "UTC")


@pytest.mark.parametrize(
    ("revenue", "orders", "average"),
    [(1003, 2, 502), (1001, 2, 500), (1005, 2, 502), (1007, 2, 504), (1000, 3, 333), (1001, 3, 334), (0, 1, 0)],
)
def test_the_average_order_is_rounded_half_even_to_the_minor_unit(revenue: int, orders: int, average: int) -> None:
    from domain.reports import SalesReport

    report = SalesReport(
        period=period("today", datetime(2026, 11, 25, 12, tzinfo=UTC), "UTC"),
        base="GBP",
        orders=orders,
        cancelled=0,
        revenue={"GBP": revenue},
        revenue_base=Money(revenue, "GBP"),
        shipped=0,
        fulfil_hours=None,
        on_time=0,
        delivered=0,
        returns=0,
        top=[],
        stock=[],
    )
    assert report.average_order == Money(average, "GBP")


def test_a_currency_with_only_cancelled_orders_adds_no_revenue_line_from_the_summary_either() -> None:
    when = period("week", datetime(2026, 11, 25, 12, tzinfo=UTC), "UTC")
    sold = PlacedOrder(datetime(2026, 11, 23, 10, tzinfo=UTC), "GBP", 850, "1", cancelled=False)
    cancelled = PlacedOrder(datetime(2026, 11, 23, 11, tzinfo=UTC), "RUB", 88944, "100.50", cancelled=True)
    day = date(2026, 11, 23)
    from_orders = sales_report(
        when, "GBP", placed=[sold, cancelled], lines=[], shipped=[], delivered=0, returns=0, rates=[], stock=[]
    )
    summarised = [DayFigures(day, "GBP", 1, 0, 850, 850), DayFigures(day, "RUB", 0, 1, 0, 0)]
    from_summary = sales_report(
        when, "GBP", placed=[], lines=[], shipped=[], delivered=0, returns=0, rates=[], stock=[], days=summarised
    )
    assert from_orders.revenue == from_summary.revenue == {"GBP": 850}
    assert (from_summary.orders, from_summary.cancelled) == (1, 1)
