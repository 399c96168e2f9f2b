"""Weekly demand forecasts per product and warehouse, and the reorder point they suggest.

The method is chosen per series. Regular demand gets simple exponential smoothing or
damped-trend Holt; intermittent demand (many zero weeks, average interval between demands
above 1.32, Syntetos & Boylan) gets Croston with the Syntetos-Boylan bias correction or
TSB. Smoothing parameters are fitted on one-step errors over a small grid; between the
candidates the one with the lower error on the last weeks of the history (forecast from
before them, as the forecast will be used) wins.

These are four short recursions, written out here on purpose: statsmodels has no
Croston/TSB and would bring scipy and pandas into the bot; statsforecast compiles with
numba on first use, seconds per process start. Accuracy is measured, not assumed:
``bench/forecast_backtest.py`` scores the choice against seasonal-naive on real data.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from statistics import NormalDist

from domain.errors import DomainError
from domain.i18n import N_plural

MIN_WEEKS = 8  # fewer weeks than this and there is nothing honest to say
INTERMITTENT_ADI = 1.32
RECENT_WEEKS = 13  # a quarter: the window demand is classified on
ALPHAS = (0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5)
BETAS = (0.05, 0.1, 0.2, 0.3)
DAMPING = 0.9


class Method(StrEnum):
    SES = "ses"
    HOLT = "holt"
    CROSTON = "croston"
    TSB = "tsb"


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
    zero for weeks without sales."""
    weeks = (last_week - first_week).days // 7 + 1
    series = [0.0] * max(weeks, 0)
    for day, quantity in daily:
        index = (week_start(day) - first_week).days // 7
        if 0 <= index < weeks:
            series[index] += quantity
    return series


def is_intermittent(series: Sequence[float]) -> bool:
    demands = sum(1 for y in series if y > 0)
    return demands == 0 or len(series) / demands > INTERMITTENT_ADI


# Each model: fit(series, params) → (one-step fitted values, h-step forecast function).
Fitted = tuple[list[float], Callable[[int], list[float]]]


def _ses(series: Sequence[float], alpha: float) -> Fitted:
    level = series[0]
    fitted = []
    for y in series:
        fitted.append(level)
        level = alpha * y + (1 - alpha) * level
    return fitted, lambda h: [level] * h


def _holt(series: Sequence[float], alpha: float, beta: float) -> Fitted:
    level, trend = series[0], (series[1] - series[0]) if len(series) > 1 else 0.0
    fitted = []
    for y in series:
        fitted.append(level + DAMPING * trend)
        previous = level
        level = alpha * y + (1 - alpha) * (level + DAMPING * trend)
        trend = beta * (level - previous) + (1 - beta) * DAMPING * trend

    def ahead(h: int) -> list[float]:
        return [max(level + trend * sum(DAMPING**i for i in range(1, k + 1)), 0.0) for k in range(1, h + 1)]

    return fitted, ahead


def _croston(series: Sequence[float], alpha: float) -> Fitted:
    """Croston with the Syntetos-Boylan approximation (× (1 − α/2)) against its bias."""
    first = next((i for i, y in enumerate(series) if y > 0), None)
    if first is None:
        return [0.0] * len(series), lambda h: [0.0] * h
    size, interval, since = series[first], float(first + 1), 0
    fitted = []
    for y in series:
        fitted.append((1 - alpha / 2) * size / interval)
        since += 1
        if y > 0:
            size = alpha * y + (1 - alpha) * size
            interval = alpha * since + (1 - alpha) * interval
            since = 0
    value = (1 - alpha / 2) * size / interval
    return fitted, lambda h: [value] * h


def _tsb(series: Sequence[float], alpha: float, beta: float) -> Fitted:
    """Teunter-Syntetos-Babai: the chance of demand decays in weeks without any, so a
    product that stopped selling is forecast towards zero (Croston never does)."""
    nonzero = [y for y in series if y > 0]
    size = nonzero[0] if nonzero else 0.0
    chance = len(nonzero) / len(series)
    fitted = []
    for y in series:
        fitted.append(chance * size)
        chance = beta * (1.0 if y > 0 else 0.0) + (1 - beta) * chance
        if y > 0:
            size = alpha * y + (1 - alpha) * size
    value = chance * size
    return fitted, lambda h: [value] * h


def _fit(method: Method, series: Sequence[float]) -> tuple[dict[str, float], Fitted]:
    """The grid parameters with the least one-step squared error (the first weeks, before
    the model has seen anything, are left out of the score)."""
    grids: dict[Method, list[dict[str, float]]] = {
        Method.SES: [{"alpha": a} for a in ALPHAS],
        Method.HOLT: [{"alpha": a, "beta": b} for a in ALPHAS for b in BETAS],
        Method.CROSTON: [{"alpha": a} for a in ALPHAS],
        Method.TSB: [{"alpha": a, "beta": b} for a in ALPHAS for b in BETAS],
    }
    models: dict[Method, Callable[..., Fitted]] = {
        Method.SES: _ses,
        Method.HOLT: _holt,
        Method.CROSTON: _croston,
        Method.TSB: _tsb,
    }
    burn_in = min(4, len(series) // 4)
    best: tuple[float, dict[str, float], Fitted] | None = None
    for params in grids[method]:
        fitted = models[method](series, **params)
        error = sum((y - f) ** 2 for y, f in zip(series[burn_in:], fitted[0][burn_in:], strict=True))
        if best is None or error < best[0]:
            best = (error, params, fitted)
    assert best is not None
    return best[1], best[2]


def candidates(series: Sequence[float]) -> tuple[Method, ...]:
    """Judged on the recent weeks: a product that sold now and then last spring but every
    week this autumn has regular demand now (on the UCI backtest this beats judging the
    whole history, 0.959 against 0.976 of seasonal-naive)."""
    recent = series[-RECENT_WEEKS:]
    return (Method.CROSTON, Method.TSB) if is_intermittent(recent) else (Method.SES, Method.HOLT)


@dataclass(frozen=True, slots=True)
class Forecast:
    method: Method
    params: dict[str, float]
    weeks: list[float]  # the next weeks, units
    sigma: float  # spread of the one-step errors (robust σ), units per week
    history: int  # weeks the forecast was fitted on
    mase: float | None = None  # backtest score, when one was run
    scores: dict[str, float] = field(default_factory=dict)  # each candidate's validation MAE, best first

    def mean(self, weeks: float) -> float:
        """Expected total demand over the next ``weeks`` weeks (a fraction of a week counts
        its share of that week; beyond the horizon the last week repeats)."""
        whole, part = divmod(max(weeks, 0.0), 1.0)
        path = self.weeks or [0.0]
        total = sum(path[min(k, len(path) - 1)] for k in range(int(whole)))
        return total + part * path[min(int(whole), len(path) - 1)]

    def quantile(self, q: float, weeks: float) -> float:
        """The q-quantile of total demand over the next ``weeks`` weeks (fractional weeks
        allowed, e.g. a 10-day lead time = 10/7), ≥ 0, non-decreasing in q and in weeks.

        Normal around the forecast with spread σ·√weeks, clipped at zero. Demand over a
        longer time is never smaller, so the quantile is the largest over any shorter
        span too: that only matters below the median, where −z·σ·√weeks can outgrow the
        mean for a few weeks."""
        if not 0 < q < 1:
            raise ValueError(f"quantile level must be between 0 and 1, got {q}")
        if weeks <= 0:
            return 0.0
        z = NormalDist().inv_cdf(q)
        spans = [float(k) for k in range(1, math.ceil(weeks))] + [weeks]
        return max(0.0, *(self.mean(w) + z * self.sigma * math.sqrt(w) for w in spans))


def _mae(actual: Sequence[float], predicted: Sequence[float]) -> float:
    return sum(abs(a - p) for a, p in zip(actual, predicted, strict=True)) / len(actual)


def robust_sigma(errors: Sequence[float]) -> float:
    """The spread of the one-step errors as 1.4826 × their median absolute deviation: the
    normal σ for ordinary weeks, not blown up by one wholesale order of 70,000 units (which
    safety stock could never cover and a purchase order should)."""
    if not errors:
        return 0.0
    centre = statistics.median(errors)
    return 1.4826 * statistics.median(abs(e - centre) for e in errors)


def _fit_forecast(method: Method, series: Sequence[float], horizon: int) -> Forecast:
    params, (fitted, ahead) = _fit(method, series)
    burn_in = min(4, len(series) // 4)
    errors = [y - f for y, f in zip(series[burn_in:], fitted[burn_in:], strict=True)]
    sigma = robust_sigma(errors)
    return Forecast(method, params, ahead(horizon), sigma, len(series))


def forecast(series: Sequence[float], horizon: int) -> Forecast:
    """The next ``horizon`` weeks with the method that did best on the history's last weeks."""
    if len(series) < MIN_WEEKS:
        raise NotEnoughHistory(weeks=len(series), needed=MIN_WEEKS)
    options = candidates(series)
    validation = max(2, min(8, len(series) // 4))
    train, held = series[:-validation], series[-validation:]
    scores = {m.value: _mae(held, _fit_forecast(m, train, validation).weeks) for m in options}
    chosen = min(options, key=lambda m: (scores[m.value], options.index(m)))
    scores = dict(sorted(scores.items(), key=lambda item: item[1]))
    found = _fit_forecast(chosen, series, horizon)
    return Forecast(found.method, found.params, found.weeks, found.sigma, found.history, scores=scores)


def seasonal_naive(series: Sequence[float], horizon: int, season: int) -> list[float]:
    """Each week as the same week one season earlier (season 1: the last week, repeated)."""
    last = list(series[-season:])
    return [last[i % season] for i in range(horizon)]


def mase(train: Sequence[float], actual: Sequence[float], predicted: Sequence[float], season: int = 1) -> float:
    """Mean absolute scaled error: the forecast's error over the in-sample error of the
    seasonal-naive forecast (Hyndman & Koehler 2006). Below 1 beats seasonal-naive."""
    scale = sum(abs(train[i] - train[i - season]) for i in range(season, len(train))) / max(len(train) - season, 1)
    if scale == 0:
        scale = max(sum(train) / len(train), 1.0)  # a flat history: scale by its level instead
    return _mae(actual, predicted) / scale


def backtest(series: Sequence[float], holdout: int, season: int = 1) -> tuple[Forecast, float, float]:
    """Fit on all but the last ``holdout`` weeks, forecast them: (forecast, its MASE, the
    seasonal-naive MASE) on the same weeks."""
    train, actual = series[:-holdout], series[-holdout:]
    found = forecast(train, holdout)
    ours = mase(train, actual, found.weeks, season)
    naive = mase(train, actual, seasonal_naive(train, holdout, season), season)
    return found, ours, naive
