"""The forecaster's shortcuts give the same floats, bit for bit, as the arithmetic they replaced.

The oracle below is the code before the shortcuts (2026-12-06), verbatim: patched back in, it
forecasts and sets the policy of 1,000 random series, and every float of every result must
be identical (``repr`` tells -0.0 and the last bit apart). A shortcut that changes one rounding
fails here, not as a shop's reorder point moving by one unit."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

import numpy as np
import pytest

import domain.forecast_models as models
import domain.forecasting as forecasting
import domain.usecases.forecasts as usecases
from domain import replenishment
from domain.forecasting import Forecast, _gamma_quantile_rows, _gamma_quantiles, _Scored, _z, forecast, robust_sigma
from domain.replenishment import CLASS_LEVELS, ProductClass, ServiceLevels
from domain.usecases.forecasts import suggest
from domain.weeks import NotEnoughHistory

# --- the oracle: the code the shortcuts replaced ---------------------------------------------


def _old_quantiles(self: Forecast, levels: Sequence[float], weeks: float) -> list[float]:
    for q in levels:
        if not 0 < q < 1:
            raise ValueError(f"quantile level must be between 0 and 1, got {q}")
    if weeks <= 0:
        return [0.0] * len(levels)
    z = _z(tuple(levels))
    if weeks < 1:
        pro_rata: list[float] = np.maximum(_gamma_quantiles(self.centre(weeks), self.deviation(weeks), z), 0.0).tolist()
        return pro_rata
    whole = np.stack([_gamma_quantiles(self.centre(k), self.deviation(k), z) for k in range(1, math.ceil(weeks) + 1)])
    k = int(weeks)
    part = whole[k - 1] if weeks == k else whole[k - 1] + (weeks - k) * (whole[k] - whole[k - 1])
    found: list[float] = np.maximum(np.maximum(whole[:k].max(axis=0), part), 0.0).tolist()
    return found


def _old_robust_sigma(errors: Sequence[float]) -> float:
    errors = [float(e) for e in errors]  # the old call passed a list of floats
    if not errors:
        return 0.0
    centre = statistics.median(errors)
    return 1.4826 * statistics.median(abs(e - centre) for e in errors)


def _old_scored_init(self: _Scored, y: models.Array, origins: np.ndarray, weeks: int) -> None:
    padded = np.concatenate([y, np.full(weeks, np.nan)])
    windows = padded[1 + origins[:, None] + np.arange(weeks)]
    self.origins, self.weeks = origins, weeks
    self.valid = (~np.isnan(windows)).astype(float)
    self.actual = np.where(self.valid > 0, windows, 0.0)
    self.count = float(self.valid.sum())
    self.sums = self.valid.sum(axis=1), self.actual.sum(axis=1), (self.actual**2).sum(axis=1)


def _old_error(self: _Scored, paths: models.Paths) -> models.Array:
    count, total, squares = self.sums
    level = paths.level[:, self.origins]
    error = squares - 2 * level * total + level**2 * count
    if paths.season is not None:
        season = paths.season(self.weeks)[self.origins]
        error = (
            squares - 2 * level * (self.actual * season).sum(axis=1) + level**2 * (self.valid * season**2).sum(axis=1)
        )
    if paths.trend is not None and paths.shape is not None:
        shape, trend = paths.shape(self.weeks), paths.trend[:, self.origins]
        error += trend**2 * (self.valid @ shape**2) + 2 * trend * (level * (self.valid @ shape) - self.actual @ shape)
    summed: models.Array = error.sum(axis=1) / self.count
    return summed


def _old_at(self: models.Paths, origins: np.ndarray, horizon: int) -> models.Array:
    level = self.level[:, origins, None]
    if self.season is not None:
        level = level * self.season(horizon)[None, origins, :]
    if self.trend is not None and self.shape is not None:
        level = level + self.trend[:, origins, None] * self.shape(horizon)
    clipped: models.Array = np.maximum(np.broadcast_to(level, (len(self.level), len(origins), horizon)), 0.0)
    return clipped


def _old_damped(horizon: int) -> models.Array:
    shape: models.Array = np.cumsum(models.DAMPING ** np.arange(1, horizon + 1))
    return shape


def _old_linear(horizon: int) -> models.Array:
    return np.arange(horizon, dtype=float)


def _old_theta(y: models.Array, smoothed: models.Array | None = None) -> models.Paths:
    t = np.arange(len(y), dtype=float)
    count = t + 1
    sum_t, sum_tt = np.cumsum(t), np.cumsum(t * t)
    sum_y, sum_ty = np.cumsum(y), np.cumsum(t * y)
    denominator = count * sum_tt - sum_t**2
    slope = np.divide(count * sum_ty - sum_t * sum_y, denominator, out=np.zeros_like(y), where=denominator > 0)
    alpha = np.array(models.ALPHAS)[:, None]
    drift = slope / 2
    start = drift * (1 / alpha - (1 - alpha) ** count / alpha)
    return models.Paths(models.ewma(y) + start, np.repeat(drift[None, :], len(models.ALPHAS), axis=0), _old_linear)


def _old_expected_shortage(sample: Sequence[float], stock: float) -> float:
    return sum(w * (d - stock) for w, d in zip(replenishment.WEIGHTS, sample, strict=True) if d > stock)


def _old_policy(
    demand: replenishment.DemandQuantiles,
    *,
    lead_time_days: int,
    service_level: float,
    review_days: int = replenishment.REVIEW_DAYS,
    product_class: ProductClass | None = None,
) -> replenishment.Policy:
    grid, cycle = replenishment.GRID, replenishment.CYCLE_LEVELS
    lead = max(lead_time_days, 1) / 7
    cover = lead + max(review_days, 1) / 7
    over_lead = demand.quantiles(replenishment._OVER_LEAD, lead)
    sample, at_lead = over_lead[:grid], over_lead[grid : grid + len(cycle)]
    shown = dict(zip(replenishment.SHOWN, over_lead[grid + len(cycle) :], strict=True))
    at_cover = demand.quantiles(cycle, cover)
    mean_lead = sum(w * d for w, d in zip(replenishment.WEIGHTS, sample, strict=True))

    def levels(index: int) -> tuple[float, int, int, float]:
        point = max(1, math.ceil(at_lead[index] - 1e-9))
        top = max(point + 1, math.ceil(at_cover[index] - 1e-9))
        return cycle[index], point, top, 1 - _old_expected_shortage(sample, point) / (top - point)

    low, high = 0, len(cycle) - 1
    while low < high:
        middle = (low + high) // 2
        if levels(middle)[3] >= service_level:
            high = middle
        else:
            low = middle + 1
    p, point, top, fill = levels(low)
    if mean_lead <= 0:
        point, top, fill = 0, 0, 1.0
    return replenishment.Policy(
        point, top, service_level, p, fill, lead_time_days, review_days, mean_lead, product_class, shown
    )


def _with_old_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Forecast, "quantiles", _old_quantiles)
    monkeypatch.setattr(forecasting, "robust_sigma", _old_robust_sigma)
    monkeypatch.setattr(_Scored, "__init__", _old_scored_init)
    monkeypatch.setattr(_Scored, "error", _old_error)
    monkeypatch.setattr(models.Paths, "at", _old_at)
    monkeypatch.setattr(models, "_damped", _old_damped)
    monkeypatch.setattr(models, "theta", _old_theta)
    seasonal = models.seasonal
    monkeypatch.setattr(models, "seasonal", lambda y, smoothed=None: seasonal(y))  # its own smoothing
    monkeypatch.setattr(usecases, "policy", _old_policy)


# --- the series and what is compared ---------------------------------------------------------


def _random_series(count: int, seed: int) -> list[list[float]]:
    """Smooth, intermittent, lumpy, trending and seasonal demand of 8 weeks to five years,
    some ending in a long pause, some starting with zeros (the job's 104 weeks among them)."""
    rng = np.random.default_rng(seed)
    series = []
    for i in range(count):
        weeks = 104 if i % 3 == 0 else int(rng.integers(8, 270))
        t, level = np.arange(weeks), rng.uniform(0.2, 60)
        kind = i % 5
        if kind == 0:
            y = rng.poisson(level, weeks)
        elif kind == 1:
            y = (rng.random(weeks) < 1 / rng.uniform(2, 12)) * rng.poisson(rng.uniform(1, 6), weeks)
        elif kind == 2:
            y = (rng.random(weeks) < 1 / rng.uniform(2, 8)) * rng.integers(1, 80, weeks)
        elif kind == 3:
            y = rng.poisson(np.maximum(level * (1 + rng.uniform(-0.02, 0.03) * t), 0))
        else:
            y = rng.poisson(level * (1 + 0.7 * np.sin(2 * np.pi * t / 52 + rng.uniform(0, 6.3))))
        values = [float(v) for v in y]
        if i % 7 == 0:
            values += [0.0] * int(rng.integers(10, 40))
        if i % 11 == 0:
            values = [0.0] * int(rng.integers(1, 60)) + values
        series.append(values)
    return series


def _results(series: list[list[float]]) -> list[str]:
    levels = ServiceLevels(0.95, CLASS_LEVELS)
    found = []
    for i, values in enumerate(series):
        try:
            result = forecast(values, (2, 4, 13, 20)[i % 4], price_cut=i % 5 == 0)
        except NotEnoughHistory:
            found.append("not enough")
            continue
        lead, product_class = (1, 3, 7, 10, 14, 30, 60)[i % 7], (None, ProductClass.A, ProductClass.C)[i % 3]
        policy = suggest(result, lead, levels, product_class)
        asked = (result.quantiles([0.1, 0.5, 0.9], (0.3, 1.0, 2.5, 17.0)[i % 4]), result.quantile(0.7, 0.5))
        found.append(repr((result, policy, asked, result.mean(3.3), result.deviation(20.0), result.centre(1.5))))
    return found


def test_forecasts_and_policies_of_1000_random_series_are_bit_identical_to_the_code_before_the_shortcuts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    series = _random_series(1000, seed=20261206)
    now = _results(series)
    _with_old_code(monkeypatch)
    before = _results(series)
    assert sum(r != "not enough" for r in now) > 900
    differing = [i for i, (a, b) in enumerate(zip(now, before, strict=True)) if a != b]
    assert not differing, f"{len(differing)} series differ, the first: {now[differing[0]]} != {before[differing[0]]}"


def test_gamma_quantiles_in_one_pass_are_the_row_by_row_ones_bit_for_bit() -> None:
    rng = np.random.default_rng(3)
    z = _z(tuple(replenishment.LEVELS))
    means = [0.0, -1.0, 5.0, 5.0, 1e-12, *rng.uniform(0, 300, 500).tolist()]
    deviations = [1.0, 1.0, 0.0, 1e-12, 50.0, *(rng.uniform(0, 3, 500) * rng.uniform(0, 300, 500)).tolist()]
    rows = _gamma_quantile_rows(means, deviations, z)
    one_by_one = [_gamma_quantiles(m, d, z) for m, d in zip(means, deviations, strict=True)]
    assert rows.tobytes() == np.stack(one_by_one).tobytes()


@pytest.mark.parametrize("length", [0, 1, 2, 7, 103, 104])
def test_the_robust_sigma_is_statistics_median_bit_for_bit(length: int) -> None:
    errors = np.random.default_rng(length).normal(0, 7, length).round(1)  # ties, as weekly units give
    assert repr(robust_sigma(errors)) == repr(_old_robust_sigma(errors.tolist()))
