"""The forecaster on synthetic series whose right answers are known."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.forecasting import (
    Forecast,
    Method,
    backtest,
    forecast,
    mase,
    seasonal_naive,
)
from domain.weeks import NotEnoughHistory, weekly


def test_daily_sales_become_zero_filled_iso_weeks() -> None:
    daily = [(date(2026, 11, 2), 3), (date(2026, 11, 8), 2), (date(2026, 11, 18), 5), (date(2026, 10, 1), 9)]
    assert weekly(daily, date(2026, 11, 2), date(2026, 11, 23)) == [5, 0, 5, 0]  # Mon 2 Nov … Mon 23 Nov


def test_weeks_are_counted_from_the_monday_of_each_sale_whatever_the_first_week() -> None:
    from datetime import timedelta

    days = [date(2025, 12, 25) + timedelta(days=d) for d in range(60)]  # across a new year, every weekday
    for first in (date(2025, 12, 29), date(2025, 12, 31)):  # a Monday, and a Wednesday (not used so)
        by_hand = [0.0] * 8
        for i, day in enumerate(days):
            index = ((day - timedelta(days=day.weekday())) - first).days // 7
            if 0 <= index < 8:
                by_hand[index] += i
        assert weekly([(day, i) for i, day in enumerate(days)], first, first + timedelta(weeks=7)) == by_hand


def test_steady_demand_is_forecast_flat_with_no_uncertainty() -> None:
    found = forecast([10.0] * 20, 4)
    assert found.weeks == pytest.approx([10, 10, 10, 10])
    assert found.sigma == pytest.approx(0)


def test_a_trend_is_followed() -> None:
    found = forecast([float(2 * t) for t in range(30)], 3)
    assert found.method in (Method.HOLT, Method.THETA, Method.COMBINED)
    assert found.weeks[0] >= 58 and found.weeks[0] < found.weeks[1] < found.weeks[2]


def test_intermittent_demand_gets_croston_or_tsb_at_its_average_rate() -> None:
    series = [0.0, 0.0, 6.0] * 10  # 6 units every third week: 2 a week on average
    found = forecast(series, 2)
    assert found.method in (Method.CROSTON, Method.TSB)
    assert found.weeks[0] == pytest.approx(2, abs=0.35)


def test_too_little_history_is_refused() -> None:
    with pytest.raises(NotEnoughHistory):
        forecast([1.0] * 7, 4)


def test_mase_scales_by_the_naive_in_sample_error() -> None:
    train = [1.0, 2.0, 3.0, 4.0]  # naive errors 1, 1, 1
    assert mase(train, [5.0, 6.0], [5.0, 6.0]) == 0
    assert mase(train, [5.0, 6.0], [4.0, 4.0]) == 1.5
    assert seasonal_naive([1.0, 2.0, 3.0, 4.0], 3, 2) == [3.0, 4.0, 3.0]


def test_the_backtest_beats_naive_on_a_noisy_level() -> None:
    noise = [3, -2, 4, -5, 1, 0, -3, 5, -1, 2, -4, 3, 0, -2, 4, -3, 2, -1, 5, -4, 1, -2, 3, 0]
    series = [20.0 + n for n in noise * 2]
    _, ours, naive = backtest(series, 12)
    assert ours < naive


def test_without_a_spread_lead_time_demand_is_the_forecast() -> None:
    found = Forecast(Method.SES, {"alpha": 0.1}, [10.0, 20.0], sigma=0.0, history=30)
    assert found.quantile(0.5, 2) == found.quantile(0.99, 2) == pytest.approx(30)
    assert found.quantile(0.5, 10 / 7) == pytest.approx(10 + 20 * 3 / 7)  # a 10-day lead time
    assert found.quantile(0.9, 4) == pytest.approx(70)  # past the horizon the last week repeats


def test_quantiles_are_a_gamma_around_the_bias_corrected_forecast_with_the_cv_spread() -> None:
    found = Forecast(Method.SES, {}, [10.0] * 4, sigma=9.0, history=30, spread=[2.0, 4.0], bias=[1.0, 2.0])
    # one week: mean 10 + 1, sd 2 → gamma of shape 30.25; Wilson-Hilferty at z(0.95) = 1.6449
    shape = (11 / 2) ** 2
    expected = 11 * (1 - 1 / (9 * shape) + 1.6449 / (3 * math.sqrt(shape))) ** 3
    assert found.quantile(0.95, 1) == pytest.approx(expected, abs=1e-3)
    assert found.deviation(1.5) == pytest.approx(3.0) and found.centre(1.5) == pytest.approx(16.5)
    assert found.deviation(8) == pytest.approx(8.0)  # 4 × √(8 / 2) past the spans scored


@given(
    weeks=st.lists(st.floats(0, 1e4), min_size=1, max_size=12),
    sigma=st.floats(0, 1e4),
    levels=st.tuples(st.floats(0.01, 0.99), st.floats(0.01, 0.99)),
    spans=st.tuples(st.floats(0, 30), st.floats(0, 30)),
    spread=st.lists(st.floats(0, 1e4), max_size=13).map(lambda s: sorted(s)),
)
def test_quantiles_are_ordered_in_level_and_lead_time_and_never_negative(
    weeks: list[float], sigma: float, levels: tuple[float, float], spans: tuple[float, float], spread: list[float]
) -> None:
    found = Forecast(Method.SES, {}, weeks, sigma=sigma, history=30, spread=spread, bias=[0.0] * len(spread))
    (low, high), (short, long) = sorted(levels), sorted(spans)
    assert 0 <= found.quantile(low, short) <= found.quantile(high, short) * (1 + 1e-12) + 1e-9
    assert found.quantile(low, short) <= found.quantile(low, long) * (1 + 1e-12) + 1e-9


@given(
    weeks=st.lists(st.floats(0, 1e4), min_size=1, max_size=12),
    spread=st.lists(st.floats(0, 1e4), max_size=13).map(lambda s: sorted(s)),
    levels=st.lists(st.floats(0.001, 0.999), min_size=1, max_size=8),
    span=st.floats(0, 30),
)
def test_quantiles_at_many_levels_are_each_levels_own_quantile(
    weeks: list[float], spread: list[float], levels: list[float], span: float
) -> None:
    found = Forecast(Method.SES, {}, weeks, sigma=3.0, history=30, spread=spread, bias=[0.5] * len(spread))
    assert found.quantiles(levels, span) == [found.quantiles([q], span)[0] for q in levels]
    assert found.quantiles(levels, span) == [found.quantile(q, span) for q in levels]


def test_a_quantile_level_outside_zero_to_one_is_refused_even_among_good_ones() -> None:
    found = Forecast(Method.SES, {}, [5.0], sigma=1.0, history=30)
    with pytest.raises(ValueError, match="between 0 and 1"):
        found.quantiles([0.5, 1.0], 1)
