"""Forecasting models as numpy operators: one pass gives a model's forecast path from every origin of a series."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

ALPHAS = (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5)  # level smoothing: one grid for every model
BETAS = (0.02, 0.05, 0.1, 0.2)  # TSB: how fast the chance of demand follows
TREND_ALPHAS = (0.05, 0.1, 0.2, 0.3)  # damped trend: level and trend grids, coarser (it costs their product)
TREND_BETAS = (0.02, 0.05, 0.1)
DAMPING = 0.9

# Every recursion here is linear in the series and causal, with its first state taken from
# the first observations, so the states after each week are one matrix product: operator @ y.
# The operator of a shorter series is the leading block of a longer one's, so one operator per
# model, grown to the longest series seen, serves every length (no refit per CV origin).
_operators: dict[str, Array] = {}


def _operator(name: str, n: int, build: Callable[[int], Array]) -> Array:
    cached = _operators.get(name)
    if cached is None or cached.shape[-1] < n:
        cached = _operators[name] = build(max(n, 2 * (0 if cached is None else cached.shape[-1]), 104))
    return cached[..., :n, :n]


def _ewma_build(n: int) -> Array:
    """(alphas, n, n): the level after week t of exponential smoothing started at y[0]."""
    alpha = np.array(ALPHAS)[:, None, None]
    t, i = np.indices((n, n))
    weights = alpha * (1 - alpha) ** np.maximum(t - i, 0)
    weights[:, :, 0] = (1 - alpha[:, :, 0]) ** t[:, 0]  # the start value, then smoothed on
    return np.where(i <= t, weights, 0.0)


def _ewma_beta_build(n: int) -> Array:
    beta = np.array(BETAS)[:, None, None]
    t, i = np.indices((n, n))
    weights = beta * (1 - beta) ** np.maximum(t - i, 0)
    weights[:, :, 0] = (1 - beta[:, :, 0]) ** t[:, 0]
    return np.where(i <= t, weights, 0.0)


def ewma(x: Array) -> Array:
    """Simple exponential smoothing of ``x`` for each α of the grid: (alphas, len(x)) levels."""
    return _operator("ses", len(x), _ewma_build) @ x


def _holt_build(n: int) -> Array:
    """(2, params, n, n): level and trend of damped-trend Holt, run on unit impulses."""
    alpha = np.array([g["alpha"] for g in holt_grid()])[:, None]
    beta = np.array([g["beta"] for g in holt_grid()])[:, None]
    x = np.eye(n)
    level = np.repeat(x[0][None, :], len(alpha), axis=0)
    trend = np.repeat((x[1] - x[0])[None, :], len(alpha), axis=0) if n > 1 else np.zeros_like(level)
    out = np.zeros((2, len(alpha), n, n))
    for t in range(n):
        previous = level
        level = alpha * x[t] + (1 - alpha) * (level + DAMPING * trend)
        trend = beta * (level - previous) + (1 - beta) * DAMPING * trend
        out[0, :, t], out[1, :, t] = level, trend
    return out


def holt_grid() -> list[dict[str, float]]:
    return [{"alpha": a, "beta": b} for a in TREND_ALPHAS for b in TREND_BETAS]


@dataclass(frozen=True, slots=True)
class Paths:
    """Forecasts from every week of a series, for each parameter setting: ``level`` plus
    ``trend`` × ``shape(k)`` for the k-th week ahead (no trend: the same every week)."""

    level: Array  # (params, weeks)
    trend: Array | None = None  # (params, weeks)
    shape: Callable[[int], Array] | None = None  # weeks ahead → multiplier of the trend, (weeks ahead,)
    season: Callable[[int], Array] | None = None  # weeks ahead → multiplier of the level, (weeks, weeks ahead)

    def pick(self, index: int) -> Paths:
        trend = None if self.trend is None else self.trend[index : index + 1]
        return Paths(self.level[index : index + 1], trend, self.shape, self.season)

    def at(self, origins: NDArray[np.intp], horizon: int) -> Array:
        """(params, origins, horizon): the forecasts, never below zero."""
        level = self.level[:, origins, None]
        if self.season is not None:
            level = level * self.season(horizon)[None, origins, :]
        if self.trend is not None and self.shape is not None:
            level = level + self.trend[:, origins, None] * self.shape(horizon)
        # Clipped straight into the full shape: the same values as clipping a broadcast view.
        clipped: Array = np.maximum(level, 0.0, out=np.empty((len(self.level), len(origins), horizon)))
        return clipped


@functools.lru_cache(maxsize=32)
def _damped(horizon: int) -> Array:
    return _frozen(np.cumsum(DAMPING ** np.arange(1, horizon + 1)))


@functools.lru_cache(maxsize=32)
def _linear(horizon: int) -> Array:
    return _frozen(np.arange(horizon, dtype=float))


def _frozen(array: Array) -> Array:
    """Read-only: kept per length and shared by every series the job forecasts."""
    array.flags.writeable = False
    return array


def ses(y: Array) -> Paths:
    return Paths(ewma(y))


def holt(y: Array) -> Paths:
    states = _operator("holt", len(y), _holt_build) @ y  # (2, params, n)
    return Paths(states[0], states[1], _damped)


def theta(y: Array, smoothed: Array | None = None) -> Paths:
    """Theta (Assimakopoulos & Nikolopoulos; as SES with drift, Hyndman & Billah): the SES
    level plus half the least-squares slope of the history up to the origin. ``smoothed``:
    ``ewma(y)`` when the caller has it already."""
    t, count, sum_t, denominator, share = _theta_terms(len(y))
    sum_y, sum_ty = np.cumsum(y), np.cumsum(t * y)
    slope = np.divide(count * sum_ty - sum_t * sum_y, denominator, out=np.zeros_like(y), where=denominator > 0)
    drift = slope / 2
    start = drift * share  # the first week ahead's share of it
    level = ewma(y) if smoothed is None else smoothed
    return Paths(level + start, np.repeat(drift[None, :], len(ALPHAS), axis=0), _linear)


@functools.lru_cache(maxsize=32)
def _theta_terms(n: int) -> tuple[Array, Array, Array, Array, Array]:
    """Theta's terms that depend on the length alone, kept per length (the same arrays, so the
    same floats, as worked out for each series)."""
    t = np.arange(n, dtype=float)
    count = t + 1
    sum_t, sum_tt = np.cumsum(t), np.cumsum(t * t)
    denominator = count * sum_tt - sum_t**2
    alpha = np.array(ALPHAS)[:, None]
    share = 1 / alpha - (1 - alpha) ** count / alpha
    return t, _frozen(count), _frozen(sum_t), _frozen(denominator), _frozen(share)


DemandStates = tuple[Array, Array, NDArray[np.intp]]


def demand_states(y: Array) -> DemandStates:
    """Smoothed demand sizes and intervals (alphas, demands) and, per week, the index of the
    latest demand at or before it (−1 before the first): what Croston and TSB share."""
    where = np.flatnonzero(y > 0)
    if len(where) == 0:
        return np.zeros((len(ALPHAS), 1)), np.ones((len(ALPHAS), 1)), np.full(len(y), -1)
    intervals = np.empty(len(where))
    intervals[0] = where[0] + 1
    intervals[1:] = where[1:] - where[:-1]
    if len(intervals) > 1:
        intervals[0] = intervals[1]  # the history starts at a sale: the first interval is not seen
    latest = np.cumsum(y > 0) - 1
    return ewma(y[where]), ewma(intervals), latest


def croston(y: Array, states: DemandStates | None = None) -> Paths:
    """Croston with the Syntetos-Boylan approximation (× (1 − α/2)) against its bias."""
    sizes, intervals, latest = demand_states(y) if states is None else states
    alpha = np.array(ALPHAS)[:, None]
    rate = (1 - alpha / 2) * sizes / intervals
    return Paths(np.where(latest >= 0, rate[:, np.maximum(latest, 0)], 0.0))


def tsb_grid() -> list[dict[str, float]]:
    return [{"alpha": a, "beta": b} for a in ALPHAS for b in BETAS]


def tsb(y: Array, states: DemandStates | None = None) -> Paths:
    """Teunter-Syntetos-Babai: the chance of demand decays in weeks without any, so a
    product that stopped selling is forecast towards zero (Croston never does)."""
    sizes, _, latest = demand_states(y) if states is None else states
    chance = _operator("tsb", len(y), _ewma_beta_build) @ (y > 0).astype(float)  # (betas, n)
    size = np.where(latest >= 0, sizes[:, np.maximum(latest, 0)], 0.0)  # (alphas, n)
    return Paths((size[:, None, :] * chance[None, :, :]).reshape(-1, len(y)))


def aggregate(y: Array, bucket: int) -> Paths:
    """ADIDA: SES on the demand of ``bucket``-week blocks that end at each origin, spread
    evenly over the weeks ahead; temporal aggregation makes intermittent demand smoother."""
    if bucket == 1:
        return ses(y)
    sums = np.convolve(y, np.ones(bucket))[: len(y)]  # the last `bucket` weeks up to each week
    levels = np.zeros((len(ALPHAS), len(y)))
    for phase in range(bucket):
        weeks = np.arange(bucket - 1 + phase, len(y), bucket)
        if len(weeks):
            levels[:, weeks] = ewma(sums[weeks]) / bucket
    first = levels[:, min(bucket - 1, len(y) - 1)]
    levels[:, : bucket - 1] = first[:, None]  # before the first full block: its value
    return Paths(levels)


YEAR = 52


def is_seasonal(y: Array) -> bool:
    """At least two years, and the weeks a year apart move together more than chance allows:
    the autocorrelation at 52 weeks of the series less its straight-line trend (so growth
    does not pass for a season) above 2/√n, the usual white-noise bound."""
    if len(y) < 2 * YEAR:
        return False
    t = np.arange(len(y), dtype=float)
    centred = t - t.mean()
    slope = float(centred @ (y - y.mean())) / float(centred @ centred)  # least squares
    rest = y - y.mean() - slope * centred
    power = float(rest @ rest)
    if power <= 1e-12 * max(float(y @ y), 1.0):
        return False
    return float(rest[YEAR:] @ rest[:-YEAR]) / power > 2 / math.sqrt(len(y))


def seasonal(y: Array, smoothed: Array | None = None) -> Paths:
    """SES times a yearly index: the week ahead's demand one (and two) years earlier, averaged
    over three weeks, over the 13-week average around the origin's week that year. Without a
    year before the origin the index is 1."""
    weeks = np.arange(len(y))
    edges = np.concatenate([[y[0]], y, [y[-1]]])
    smooth = np.convolve(edges, np.ones(3) / 3, mode="valid")
    around = np.convolve(y, np.ones(13) / 13, mode="same")

    def season(horizon: int) -> Array:
        ahead = weeks[:, None] + np.arange(1, horizon + 1)[None, :]
        total, count = np.zeros(ahead.shape), np.zeros(ahead.shape)
        for back in (YEAR, 2 * YEAR):
            anchor = around[np.maximum(weeks - back, 0)][:, None]
            usable = (weeks[:, None] >= back) & (anchor > 0)
            then = smooth[np.clip(ahead - back, 0, len(y) - 1)]
            ratio = np.clip(np.divide(then, anchor, out=np.ones(ahead.shape), where=usable), 0.0, 5.0)
            total += np.where(usable, ratio, 0.0)
            count += usable
        index: Array = np.where(count > 0, total / np.maximum(count, 1), 1.0)
        return index

    return Paths(ewma(y) if smoothed is None else smoothed, season=season)
