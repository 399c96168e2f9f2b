"""Each forecasting model and the cross-validation on tiny series worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from domain import forecast_models as models
from domain.forecasting import Method, _Scored, before_pause, forecast, since_restart
from domain.weeks import MIN_WEEKS, RESTART_WEEKS, pause_start

HALF = models.ALPHAS.index(0.5)


def test_ses_starts_at_the_first_week_and_moves_by_alpha_of_each_miss() -> None:
    assert models.ses(np.array([4.0, 8.0, 6.0])).level[HALF] == pytest.approx([4, 6, 6])


def test_damped_holt_carries_the_first_change_as_its_trend() -> None:
    paths = models.holt(np.array([0.0, 2.0]))
    first = models.holt_grid().index({"alpha": 0.05, "beta": 0.02})
    # week 0: level 0.05·0 + 0.95·(0 + 0.9·2) = 1.71; trend 0.02·1.71 + 0.98·0.9·2 = 1.7982
    assert paths.level[first, 0] == pytest.approx(1.71) and paths.trend is not None
    assert paths.trend[first, 0] == pytest.approx(1.7982)
    ahead = paths.pick(first).at(np.array([0]), 2)[0, 0]
    assert ahead == pytest.approx([1.71 + 0.9 * 1.7982, 1.71 + (0.9 + 0.81) * 1.7982])


def test_theta_is_ses_plus_half_the_slope() -> None:
    paths = models.theta(np.array([0.0, 1.0, 2.0, 3.0]))
    # SES(0.5): 0, 0.5, 1.25, 2.125; slope 1, drift 0.5 × (1/0.5 − 0.5⁴/0.5) = 0.9375 for the first week
    ahead = paths.pick(HALF).at(np.array([3]), 3)[0, 0]
    assert ahead == pytest.approx([3.0625, 3.5625, 4.0625])


def test_croston_sba_forecasts_size_over_interval_less_its_bias() -> None:
    levels = models.croston(np.array([3.0, 0.0, 0.0, 3.0, 0.0, 0.0])).level
    assert levels[models.ALPHAS.index(0.1)] == pytest.approx([0.95] * 6)  # 3 every 3 weeks × (1 − 0.1/2)


def test_tsb_lowers_the_chance_of_demand_in_each_week_without() -> None:
    levels = models.tsb(np.array([2.0, 0.0, 0.0])).level
    at = models.tsb_grid().index({"alpha": 0.5, "beta": 0.2})
    assert levels[at] == pytest.approx([2.0, 1.6, 1.28])  # size 2 × chance 1, 0.8, 0.64


def test_two_week_aggregation_sees_steady_demand_in_an_alternating_series() -> None:
    y = np.array([1.0, 3.0, 1.0, 3.0, 1.0, 3.0])
    assert models.aggregate(y, 2).level[HALF] == pytest.approx([2] * 6)
    assert models.ses(y).level[HALF][1:] == pytest.approx([2, 1.5, 2.25, 1.625, 2.3125])  # one week: it zigzags


def test_the_cv_error_is_the_mean_squared_miss_of_every_origin_and_week_ahead() -> None:
    scoring = _Scored(np.array([0.0, 2.0, 0.0, 2.0]), np.array([1, 2]), 2)
    flat = models.Paths(np.ones((1, 4)))
    # origin 1 forecasts weeks 2, 3 (0, 2): misses 1, 1; origin 2 forecasts week 3 (2): miss 1
    assert scoring.error(flat) == pytest.approx([1.0])
    trend = models.Paths(np.zeros((1, 4)), np.ones((1, 4)), lambda h: np.arange(1.0, h + 1))
    # forecasts 1, 2 from origin 1 (misses −1, 0) and 1 from origin 2 (miss 1): (1 + 0 + 1) / 3
    assert scoring.error(trend) == pytest.approx([2 / 3])
    assert scoring.exact(trend.at(np.array([1, 2]), 2)[0]) == pytest.approx(2 / 3)


def test_cross_validation_picks_the_method_that_fits_and_ranks_the_candidates() -> None:
    found = forecast([0.0, 0.0, 6.0] * 10, 2)  # 6 units every third week
    assert found.method is Method.CROSTON and found.weeks == pytest.approx([1.98, 1.98])  # 2 × (1 − 0.02/2)
    assert list(found.scores) == sorted(found.scores, key=lambda m: found.scores[m])
    assert next(iter(found.scores)) == found.method.value and len(found.scores) == 7
    trend = forecast([float(2 * t) for t in range(30)], 3)
    assert trend.method is Method.THETA and trend.weeks == pytest.approx([58, 59, 60], abs=1e-6)


def test_history_starts_at_the_first_sale_or_at_a_relaunch() -> None:
    assert since_restart([0.0, 0.0, 3.0, *[1.0] * 10]) == [3.0, *[1.0] * 10]
    relaunched = [5.0] * 20 + [0.0] * RESTART_WEEKS + [2.0] * MIN_WEEKS
    assert since_restart(relaunched) == [2.0] * MIN_WEEKS
    too_soon = [5.0] * 20 + [0.0] * RESTART_WEEKS + [2.0] * 3  # too few weeks since: the last MIN_WEEKS
    assert since_restart(too_soon) == too_soon[-MIN_WEEKS:]


def test_a_long_pause_is_read_as_one_when_the_product_came_back_from_one_before() -> None:
    came_back = [5.0] * 10 + [0.0] * RESTART_WEEKS + [3.0] * 10
    assert before_pause(came_back + [0.0] * RESTART_WEEKS) == ([3.0] * 10, RESTART_WEEKS)
    first = [3.0] * 10 + [0.0] * RESTART_WEEKS  # never came back from one: read as gone, as it is
    assert before_pause(first) == (first, 0)
    short = [*came_back, *[0.0] * (RESTART_WEEKS - 1)]  # a slow spell, not a pause
    assert before_pause(short) == (short[-len(short) + 10 + RESTART_WEEKS :], 0)
    barely = [5.0] * 10 + [0.0] * RESTART_WEEKS + [3.0] * (MIN_WEEKS - 1)  # too little before it
    assert before_pause(barely + [0.0] * RESTART_WEEKS)[1] == 0
    daily = came_back + [0.0] * RESTART_WEEKS  # 26 days: no pause for a daily series (nor a comeback)
    assert before_pause(daily, per_week=7)[1] == 0
    weeks = [5.0] * 10 + [0.0] * 7 * RESTART_WEEKS + [3.0] * 10 + [0.0] * 7 * RESTART_WEEKS
    assert before_pause(weeks, per_week=7) == ([3.0] * 10, 7 * RESTART_WEEKS)


def test_a_paused_seller_that_came_back_before_is_forecast_at_its_rate_before_the_pause() -> None:
    found = forecast([4.0] * 20 + [0.0] * 30 + [4.0] * 20 + [0.0] * 30, 3)
    assert found.weeks == pytest.approx([4.0, 4.0, 4.0]) and found.paused == 30
    assert found.quantile(0.5, 2) == pytest.approx(8.0)
    gone = forecast([4.0] * 20 + [0.0] * 30, 3)  # the first such pause: read as gone
    assert gone.paused == 0 and gone.weeks[0] < 0.5
    assert forecast([4.0] * 20 + [0.0] * 10, 3).weeks[0] < 1  # ten quiet weeks: the rate follows them down


def test_a_pause_starts_after_the_last_sale_and_lasts_at_least_restart_weeks() -> None:
    assert pause_start([0.0, 3.0, *[0.0] * RESTART_WEEKS]) == 2
    assert pause_start([0.0, 3.0, *[0.0] * (RESTART_WEEKS - 1)]) is None  # a slow spell
    assert pause_start([0.0] * 40) is None  # nothing sold yet: not a pause
    assert pause_start([3.0, *[0.0] * RESTART_WEEKS * 7], per_week=7) == 1
    assert pause_start([3.0, *[0.0] * RESTART_WEEKS], per_week=7) is None


def test_a_price_cut_reads_even_a_first_pause_as_one_from_at_least_min_weeks_before_it() -> None:
    first = [3.0] * 10 + [0.0] * RESTART_WEEKS
    assert before_pause(first, price_cut=True) == ([3.0] * 10, RESTART_WEEKS)
    sparse = [0.0] * 100 + [1.0, 2.0, 1.0] + [0.0] * 72  # four units in 103 weeks, then 72 without
    history, pause = before_pause(sparse, price_cut=True)
    assert pause == 72 and history == [0.0] * (MIN_WEEKS - 3) + [1.0, 2.0, 1.0]
    assert before_pause(sparse) == (sparse[100:], 0)  # no cut: read as gone
    assert before_pause([1.0, *[0.0] * RESTART_WEEKS], price_cut=True)[1] == 0  # too little before it


def test_a_product_whose_price_was_cut_in_a_pause_is_forecast_at_its_rate_before_it() -> None:
    series = [0.0] * 100 + [1.0, 2.0, 1.0] + [0.0] * 72
    relaunched, gone = forecast(series, 4, price_cut=True), forecast(series, 4)
    assert relaunched.relaunch and relaunched.paused == 72
    assert 0.3 < relaunched.weeks[0] <= 2.0  # about its four units over the eight weeks before the pause
    assert not gone.relaunch and gone.paused == 0 and gone.weeks[0] < 0.05
    steady = [4.0] * 30
    assert not forecast(steady, 2, price_cut=True).relaunch  # no pause: a cut changes nothing here
    assert forecast(steady, 2, price_cut=True).weeks == forecast(steady, 2).weeks


def test_a_yearly_season_is_detected_only_with_two_years_that_show_it() -> None:
    t = np.arange(2 * models.YEAR)
    wave = (10 + 5 * np.sin(2 * np.pi * t / models.YEAR)).astype(np.float64)
    assert models.is_seasonal(wave) and not models.is_seasonal(wave[:-1])  # 103 weeks: not two years
    assert not models.is_seasonal((10 + 0.5 * t).astype(np.float64))  # a straight trend is no season
    assert not models.is_seasonal(np.array([10.0, 12.0, 8.0, 11.0, 9.0] * 21))  # nor a 5-week cycle


def test_the_seasonal_forecast_is_the_level_times_last_years_week_over_its_quarter() -> None:
    y = np.array([10.0] * 60 + [20.0] * 4 + [10.0] * 50)  # a four-week peak at weeks 60–63, once
    paths = models.seasonal(y)
    ahead = paths.pick(HALF).at(np.array([len(y) - 1]), 4)[0, 0]
    # from week 113, weeks 114…117 a year back are 62…65: three-week means 20, 16.67, 13.33, 10,
    # over the 13 weeks around week 61, (4 × 20 + 9 × 10) / 13; two years back (weeks 10…13, all
    # 10, over 10) the index is 1; the two averaged, times the level 10
    around = (4 * 20 + 9 * 10) / 13
    assert ahead == pytest.approx([10 * (v / around + 1) / 2 for v in (20, 50 / 3, 40 / 3, 10)])


def test_a_yearly_season_is_forecast_when_cross_validation_prefers_it() -> None:
    t = np.arange(3 * models.YEAR)
    series = list(20 + 10 * np.sin(2 * np.pi * t / models.YEAR))
    found = forecast(series, 13)
    assert found.method in (Method.SEASONAL, Method.COMBINED) and "seasonal" in found.scores
    expected = 20 + 10 * np.sin(2 * np.pi * np.arange(len(t), len(t) + 13) / models.YEAR)
    assert found.weeks == pytest.approx(list(expected), rel=0.15)
