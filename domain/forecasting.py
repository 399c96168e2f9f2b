"""Weekly demand forecasts per product and warehouse, the model chosen by rolling-origin cross-validation.

The candidates (``domain.forecast_models``): simple exponential smoothing, damped-trend
Holt, Theta, Croston with the Syntetos-Boylan correction, TSB, IMAPA-style temporal
aggregation, and the inverse-error combination of the best two. Each is scored on its
forecasts from many weekly origins of the series' own history (see ``forecast``); the
history starts at the first sale, or at a relaunch after half a year without any; one that
ends in such a pause, from a product that came back from one before, is read up to the pause.

The models are a few linear recursions in numpy, written here on purpose: statsforecast
(with pandas, scipy, statsmodels and pyarrow: +480 MB installed) takes 7–8 s and 220 MB to
import, against 0.5 s and 28 MB for this module, and measured on the same data it is no
more accurate (``bench/forecast_backtest.py``; speed: ``bench/forecast_speed.py``).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from statistics import NormalDist

import numpy as np
from numpy.typing import NDArray

from domain import forecast_models as models
from domain.weeks import MIN_WEEKS, RESTART_WEEKS, NotEnoughHistory

CV_ORIGINS = 104  # rolling origins scored: up to two years of them (more origins, steadier choice)
MAX_HISTORY = 260  # five years of weeks: older demand says little, and the operators grow with its square
CV_HORIZON = 13  # weeks ahead scored from each origin: a quarter
COMBINE_TOP = 2  # models in the combination: the two with the least error, weighted by its inverse


class Method(StrEnum):
    SES = "ses"
    HOLT = "holt"
    THETA = "theta"
    CROSTON = "croston"
    TSB = "tsb"
    IMAPA = "imapa"
    SEASONAL = "seasonal"
    COMBINED = "combined"


@dataclass(frozen=True, slots=True)
class Forecast:
    method: Method
    params: dict[str, float]
    weeks: list[float]  # the next weeks, units
    sigma: float  # spread of the one-step errors (robust σ), units per week
    history: int  # weeks the forecast was fitted on
    mase: float | None = None  # backtest score, when one was run
    # Each candidate's cross-validation error, best first: the root mean squared error of its
    # forecasts 1…13 weeks ahead from each of the last (up to) 104 weekly origins, over the
    # root mean squared week-to-week change of the history (RMSSE, the M5 competition's
    # measure: below 1 beats the naive forecast).
    scores: dict[str, float] = field(default_factory=dict)
    # Root mean square of the chosen forecast's cross-validation error on total demand over
    # the next 1, 2, … weeks: the spread the quantiles use (its standard deviation).
    spread: list[float] = field(default_factory=list)
    # The mean of that error (actual − forecast) per span: the quantiles' centre is corrected
    # by it, as a choice by absolute error leans low on intermittent demand.
    bias: list[float] = field(default_factory=list)
    # Weeks without a sale at the end of the history, when they were read as a pause (the
    # forecast is the rate before it, see ``before_pause``); 0 otherwise.
    paused: int = 0
    # Whether that pause was read so because the price was cut during it (``price_cut``).
    relaunch: bool = False

    def mean(self, weeks: float) -> float:
        """Expected total demand over the next ``weeks`` weeks (a fraction of a week counts
        its share of that week; beyond the horizon the last week repeats)."""
        whole, part = divmod(max(weeks, 0.0), 1.0)
        path = self.weeks or [0.0]
        total = sum(path[min(k, len(path) - 1)] for k in range(int(whole)))
        return total + part * path[min(int(whole), len(path) - 1)]

    def deviation(self, weeks: float) -> float:
        """The standard deviation of total demand over ``weeks`` weeks: the cross-validation
        spread at that span (between whole weeks interpolated, past the last one growing with
        √weeks), or σ·√weeks without one."""
        if not self.spread:
            return self.sigma * math.sqrt(weeks)
        return _at_span(self.spread, weeks, math.sqrt(weeks / len(self.spread)))

    def centre(self, weeks: float) -> float:
        """The forecast total over ``weeks`` weeks corrected by the cross-validation bias."""
        if not self.bias:
            return self.mean(weeks)
        return max(0.0, self.mean(weeks) + _at_span(self.bias, weeks, weeks / len(self.bias)))

    def quantile(self, q: float, weeks: float) -> float:
        """The q-quantile of total demand over the next ``weeks`` weeks (fractional weeks
        allowed, e.g. a 10-day lead time = 10/7), ≥ 0, non-decreasing in q and in weeks.

        Demand is never negative and, week by week, skewed (most weeks few, some many), so
        the distribution is a gamma with the forecast's mean (bias-corrected) and the
        cross-validation spread, its quantile by the Wilson-Hilferty approximation. Demand over a longer
        time is never smaller, so the quantile is the largest over any shorter span too
        (that only matters below the median)."""
        return self.quantiles([q], weeks)[0]

    def quantiles(self, levels: Sequence[float], weeks: float) -> list[float]:
        """``quantile`` at each of ``levels``, in one numpy pass over levels and whole weeks
        (a policy asks for about a hundred; the nightly job computes 50,000 policies)."""
        for q in levels:
            if not 0 < q < 1:
                raise ValueError(f"quantile level must be between 0 and 1, got {q}")
        if weeks <= 0:
            return [0.0] * len(levels)
        z = _z(tuple(levels))
        if weeks < 1:  # mean and spread both scale with the span: the week's quantile, pro rata
            pro_rata: list[float] = np.maximum(
                _gamma_quantiles(self.centre(weeks), self.deviation(weeks), z), 0.0
            ).tolist()
            return pro_rata
        spans = range(1, math.ceil(weeks) + 1)
        whole = _gamma_quantile_rows([self.centre(k) for k in spans], [self.deviation(k) for k in spans], z)
        # Between whole weeks the quantile is interpolated between theirs, so that it never
        # exceeds the next whole week's (a spread that grows faster than the mean could).
        k = int(weeks)
        part = whole[k - 1] if weeks == k else whole[k - 1] + (weeks - k) * (whole[k] - whole[k - 1])
        found: list[float] = np.maximum(np.maximum(whole[:k].max(axis=0), part), 0.0).tolist()
        return found


@functools.lru_cache(maxsize=64)
def _z(levels: tuple[float, ...]) -> NDArray[np.float64]:
    """Standard normal quantiles: the level grids asked for are few and fixed (a policy's)."""
    return np.array([NormalDist().inv_cdf(q) for q in levels])


def _gamma_quantiles(mean: float, deviation: float, z: NDArray[np.float64]) -> NDArray[np.float64]:
    """The gamma's quantiles at the normal quantiles ``z`` (Wilson-Hilferty), its shape worked out once."""
    if mean <= 0:
        return np.zeros_like(z)
    if deviation <= mean * 1e-9:
        return np.full_like(z, mean)
    shape = (mean / deviation) ** 2
    if shape < 1e-6:  # nearly all the chance at zero, a long thin tail: every usable quantile is 0
        return np.zeros_like(z)
    found: NDArray[np.float64] = mean * np.maximum(1 - 1 / (9 * shape) + z / (3 * math.sqrt(shape)), 0.0) ** 3
    return found


def _gamma_quantile_rows(means: list[float], deviations: list[float], z: NDArray[np.float64]) -> NDArray[np.float64]:
    """``_gamma_quantiles`` of each (mean, deviation), one row each, in one numpy pass.

    Bit for bit the same as row by row (``tests/unit/test_forecast_speed.py``): each row's
    scalars are worked out in Python as there, and the array steps are the same IEEE
    operations on the same operands, only over two dimensions; the special rows (no demand,
    no spread, all the chance at zero) are filled by the scalar function itself."""
    special, offsets, scales = [], [], []
    for index, (mean, deviation) in enumerate(zip(means, deviations, strict=True)):
        shape = (mean / deviation) ** 2 if mean > 0 and deviation > mean * 1e-9 else 0.0
        if shape < 1e-6:
            special.append(index)
            shape = 1.0
        offsets.append(1 - 1 / (9 * shape))
        scales.append(3 * math.sqrt(shape))
    rows: NDArray[np.float64] = (
        np.array(means)[:, None] * np.maximum(np.array(offsets)[:, None] + z / np.array(scales)[:, None], 0.0) ** 3
    )
    for index in special:
        rows[index] = _gamma_quantiles(means[index], deviations[index], z)
    return rows


def _at_span(values: list[float], weeks: float, beyond: float) -> float:
    """``values`` per whole span 1, 2, … interpolated at ``weeks`` (0 at 0); past the last, it
    times ``beyond``."""
    if weeks >= len(values):
        return values[-1] * beyond
    points = [0.0, *values]
    whole = int(weeks)
    return points[whole] + (weeks - whole) * (points[whole + 1] - points[whole])


def robust_sigma(errors: Sequence[float] | NDArray[np.float64]) -> float:
    """The spread of the one-step errors as 1.4826 × their median absolute deviation: the
    normal σ for ordinary weeks, not blown up by one wholesale order of 70,000 units (which
    safety stock could never cover and a purchase order should)."""
    if not len(errors):
        return 0.0
    values = np.sort(np.asarray(errors, dtype=float))
    centre = _median_of_sorted(values)
    return 1.4826 * _median_of_sorted(np.sort(np.abs(values - centre)))


def _median_of_sorted(values: NDArray[np.float64]) -> float:
    """``statistics.median`` of sorted values, bit for bit: the middle one, or the two middle
    ones' sum halved (in numpy: the nightly job takes 50,000 of them)."""
    middle = len(values) // 2
    if len(values) % 2:
        return float(values[middle])
    return (float(values[middle - 1]) + float(values[middle])) / 2


def since_restart(series: Sequence[float]) -> list[float]:
    """The history worth fitting: from the first sale, or from the sale that ended the
    latest zero run of ``RESTART_WEEKS`` or more (a product relaunched, re-listed or back
    from a long stock-out sells at its new rate, not at the average over the gap), as long as
    ``MIN_WEEKS`` remain; otherwise the last ``MIN_WEEKS``."""
    start, zeros = 0, 0
    for index, y in enumerate(series):
        if y > 0:
            if zeros >= RESTART_WEEKS or zeros == index:
                start = index
            zeros = 0
        else:
            zeros += 1
    start = min(start, len(series) - MIN_WEEKS)
    return list(series[max(start, 0) :])


def before_pause(series: Sequence[float], per_week: int = 1, price_cut: bool = False) -> tuple[list[float], int]:
    """The history to forecast from and the weeks of the pause it ends in: a history that ends
    in ``RESTART_WEEKS`` or more without a sale is read up to that pause when the product has
    come back from such a pause before and ``MIN_WEEKS`` remain before it; otherwise as it is,
    with a pause of 0 (read as gone: its forecast decays towards zero).

    Weeks without a sale are, for a product that has been off the shelf and back before
    (out of stock, de-listed until the next price cut), weeks it could not be bought: they say
    nothing about its demand, and forecasting their zero would never reorder it (the death
    spiral of censored demand). Such a product is forecast at its rate before the pause; its
    own history, not a guess, says which it is. The pause length is shown with the forecast.
    ``per_week``: points per week (7 for a daily series): the pause is a span of time.

    ``price_cut``: the shop's price now is below its price when the pause began. A retailer
    cuts the price of a product that has not sold for months to sell it again (relaunched,
    re-listed, cleared), so the pause is read as one even the first time, from at least the
    last ``MIN_WEEKS`` before it. Measured on m5_dev: each of the 31 times a series' price
    was cut after half a year without a sale, it sold again within 12 weeks; without a cut,
    half the time (``bench/forecast_backtest.py`` prints the events)."""
    history = since_restart(series)
    pause = 0
    while pause < len(history) and history[-1 - pause] == 0:  # the closing weeks without a sale
        pause += 1
    span = RESTART_WEEKS * per_week
    if pause >= span and price_cut and len(series) - pause >= MIN_WEEKS:
        before = series[: len(series) - pause]
        return list(before[-max(MIN_WEEKS, len(history) - pause) :]), pause
    if pause < span or len(history) - pause < MIN_WEEKS or not _came_back(series[: len(series) - pause], span):
        return history, 0
    return history[: len(history) - pause], pause


def _came_back(series: Sequence[float], span: int) -> bool:
    """Whether, after its first sale, the series sold again after ``span`` or more without."""
    run, sold = 0, False
    for y in series:
        if y > 0:
            if sold and run >= span:
                return True
            sold, run = True, 0
        else:
            run += 1
    return False


def _imapa_levels(y: models.Array) -> list[models.Paths]:
    """IMAPA (Petropoulos & Kourentzes) is the mean of ADIDA over aggregation levels of 1 week
    up to the average interval between demands (2…4), each with its best α: the levels above
    one week (one week's is SES)."""
    demands = int(np.count_nonzero(y))
    top = min(4, max(2, round(len(y) / demands))) if demands else 2
    return [models.aggregate(y, bucket) for bucket in range(2, top + 1)]


def _best_of_each(scoring: _Scored, families: Sequence[models.Paths]) -> list[int]:
    """Each level-only family's best setting, all scored in one pass: the error is worked out
    row by row, so it is the same as one family at a time, for a fraction of numpy's per-call
    cost (the nightly job forecasts 50,000 series)."""
    errors = scoring.error(models.Paths(np.concatenate([paths.level for paths in families])))
    ends = np.cumsum([len(paths.level) for paths in families])
    return [int(np.argmin(errors[end - len(paths.level) : end])) for paths, end in zip(families, ends, strict=True)]


_ALPHA_GRID = [{"alpha": a} for a in models.ALPHAS]
_HOLT_GRID, _TSB_GRID = models.holt_grid(), models.tsb_grid()


@dataclass(frozen=True, slots=True)
class _Layout:
    """What scoring needs of a history's length alone, kept per length: the job's 50,000
    series are a few lengths (mostly its 104 weeks), and these do not depend on the demand."""

    index: NDArray[np.intp]  # (origins, weeks ahead) into the history padded with ``weeks`` zeros
    valid: models.Array  # 1 where that week is in the history, else 0
    count: float
    per_origin: models.Array  # ``valid`` summed per origin
    shaped: dict[object, tuple[models.Array, models.Array]]  # a trend shape's ``valid @ shape²``, ``valid @ shape``


@functools.lru_cache(maxsize=64)
def _layout_of(length: int, origins: bytes, weeks: int) -> _Layout:
    starts = np.frombuffer(origins, dtype=np.intp)
    index = 1 + starts[:, None] + np.arange(weeks)  # the weeks after each origin
    valid = (index < length).astype(float)
    for array in (index, valid):
        array.flags.writeable = False  # shared by every series of this length
    return _Layout(index, valid, float(valid.sum()), valid.sum(axis=1), {})


def _layout(length: int, origins: NDArray[np.intp], weeks: int) -> _Layout:
    return _layout_of(length, np.ascontiguousarray(origins, dtype=np.intp).tobytes(), weeks)


class _Scored:
    """The weeks each origin's forecast is scored on (zero and masked after the data), and
    the sums that give any candidate's squared error without building its forecasts."""

    def __init__(self, y: models.Array, origins: NDArray[np.intp], weeks: int) -> None:
        layout = _layout(len(y), origins, weeks)
        self.origins, self.weeks = origins, weeks
        self.valid, self.count, self._shaped = layout.valid, layout.count, layout.shaped
        # Zeros after the data where NaN masked by ``valid`` stood: the same values in ``actual``.
        self.actual = np.concatenate([y, np.zeros(weeks)])[layout.index]
        self.sums = layout.per_origin, self.actual.sum(axis=1), (self.actual**2).sum(axis=1)

    def error(self, paths: models.Paths) -> models.Array:
        """Mean squared error over the scored origins and weeks ahead, per parameter setting
        (before clipping at zero, so a trend into the negative counts as the miss it is).

        Squared, not absolute: the absolute error rewards forecasting zero for demand that
        comes one week in three (zero is the median), which empties shelves; the squared
        error is least at the mean, which a reorder policy needs."""
        count, total, squares = self.sums
        level = paths.level[:, self.origins]
        error = squares - 2 * level * total + level**2 * count
        if paths.season is not None:
            season = paths.season(self.weeks)[self.origins]
            error = (
                squares
                - 2 * level * (self.actual * season).sum(axis=1)
                + level**2 * (self.valid * season**2).sum(axis=1)
            )
        if paths.trend is not None and paths.shape is not None:
            shape, trend = paths.shape(self.weeks), paths.trend[:, self.origins]
            if paths.shape not in self._shaped:  # the same for every series of this length
                self._shaped[paths.shape] = self.valid @ shape**2, self.valid @ shape
            squared, plain = self._shaped[paths.shape]
            error += trend**2 * squared + 2 * trend * (level * plain - self.actual @ shape)
        summed: models.Array = error.sum(axis=1) / self.count
        return summed

    def exact(self, path: models.Array) -> float:
        """The mean squared error of forecasts as given, (origins, weeks ahead)."""
        return float((((self.actual - path) ** 2) * self.valid).sum() / self.count)

    def exact_each(self, paths: models.Array) -> list[float]:
        """``exact`` of each of (candidates, origins, weeks ahead) in one pass."""
        squared = ((self.actual - paths) ** 2) * self.valid
        return [float(v) for v in squared.reshape(len(paths), -1).sum(axis=1) / self.count]


def forecast(series: Sequence[float], horizon: int, per_week: int = 1, *, price_cut: bool = False) -> Forecast:
    """The next ``horizon`` weeks by the candidate with the least rolling-origin
    cross-validation error, or by a combination of candidates when that scores better.

    Each candidate (a model with one parameter setting) forecasts 1…13 weeks ahead from each
    of the last 104 weeks (origins), seeing only the weeks up to that origin, and is scored by
    its squared error on the weeks that followed; many origins, not one window, so a lucky
    quarter does not decide. Each model's best setting then competes, with the combination
    of the best two weighted by inverse error (combinations are rarely far off and often
    best: M4, M5). The models' recursions are linear, so every origin's state comes from one
    pass (``domain.forecast_models``), not a refit per origin. ``per_week`` and ``price_cut``:
    see ``before_pause``."""
    if len(series) < MIN_WEEKS:
        raise NotEnoughHistory(weeks=len(series), needed=MIN_WEEKS)
    history, pause = before_pause(series[-MAX_HISTORY:], per_week, price_cut)
    y = np.asarray(history, dtype=float)
    n, scored = len(y), max(1, min(horizon, CV_HORIZON))
    ahead = max(horizon, scored)
    origins = np.arange(max(MIN_WEEKS // 2 - 1, n - 1 - CV_ORIGINS), n)  # the last one: the forecast
    scoring = _Scored(y, origins[:-1], scored)
    states = models.demand_states(y)  # what Croston and TSB share
    ses, croston, tsb, aggregated = models.ses(y), models.croston(y, states), models.tsb(y, states), _imapa_levels(y)
    s, c, t, *a = _best_of_each(scoring, [ses, croston, tsb, *aggregated])
    imapa = np.mean([ses.level[s], *(paths.level[k] for paths, k in zip(aggregated, a, strict=True))], axis=0)
    flat = models.Paths(np.stack([ses.level[s], croston.level[c], tsb.level[t], imapa])).at(origins, ahead)
    holt, theta = models.holt(y), models.theta(y, ses.level)
    h, th = int(np.argmin(scoring.error(holt))), int(np.argmin(scoring.error(theta)))
    best: dict[Method, tuple[dict[str, float], models.Array]] = {
        Method.SES: (_ALPHA_GRID[s], flat[0]),
        Method.HOLT: (_HOLT_GRID[h], holt.pick(h).at(origins, ahead)[0]),
        Method.THETA: (_ALPHA_GRID[th], theta.pick(th).at(origins, ahead)[0]),
        Method.CROSTON: (_ALPHA_GRID[c], flat[1]),
        Method.TSB: (_TSB_GRID[t], flat[2]),
        Method.IMAPA: ({}, flat[3]),
    }
    if models.is_seasonal(y):
        paths = models.seasonal(y, ses.level)
        chosen = int(np.argmin(scoring.error(paths)))
        best[Method.SEASONAL] = _ALPHA_GRID[chosen], paths.pick(chosen).at(origins, ahead)[0]
    stacked = np.stack([path for _, path in best.values()])
    errors = dict(zip(best, scoring.exact_each(stacked[:, :-1, :scored]), strict=True))
    weights = 1 / np.maximum(np.array(list(errors.values())), 1e-9)
    weights[weights < np.sort(weights)[-COMBINE_TOP]] = 0.0  # only the best few: a bad model's share only hurts
    weights /= weights.sum()
    combined = np.tensordot(weights, stacked, axes=1)
    shares = {m.value: round(float(w), 3) for m, w in zip(best, weights, strict=True) if w > 0}
    best[Method.COMBINED] = shares, combined
    errors[Method.COMBINED] = scoring.exact(combined[:-1, :scored])
    method = min(errors, key=lambda m: errors[m])
    params, path = best[method]
    misses = (scoring.actual - path[:-1, :scored]) * scoring.valid
    counts = scoring.valid.sum(axis=0)
    seen = counts > 0
    totals = np.cumsum(misses, axis=1)
    bias = (totals * scoring.valid).sum(axis=0)[seen] / counts[seen]
    spread = np.sqrt(np.maximum((totals**2 * scoring.valid).sum(axis=0)[seen] / counts[seen] - bias**2, 0.0))
    scale = float(np.sqrt(np.mean(np.diff(y) ** 2))) or max(float(np.mean(y)), 1.0)
    return Forecast(
        method,
        params,
        [float(v) for v in path[-1, :horizon]],
        robust_sigma(misses[:, 0]),
        n,
        scores={m.value: math.sqrt(errors[m]) / scale for m in sorted(errors, key=lambda m: errors[m])},
        spread=[float(v) for v in spread],
        bias=[float(v) for v in bias],
        paused=pause,
        relaunch=bool(pause) and price_cut,
    )


def _mae(actual: Sequence[float], predicted: Sequence[float]) -> float:
    return sum(abs(a - p) for a, p in zip(actual, predicted, strict=True)) / len(actual)


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
