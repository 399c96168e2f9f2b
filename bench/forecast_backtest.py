"""Backtest of the demand forecaster against statsforecast on M5 store-level demand, and on UCI Online Retail.

m5_dev (``../shared/data/m5_dev``, 150 item-store series, 2011–2016): weekly demand (the sum
per ``wm_yr_wk``, the last, two-day week dropped), forecast 12 weeks ahead from two origins,
12 and 26 weeks before the end. Each forecast is scored by MASE: its mean absolute error over
the in-sample mean absolute one-step (naive) change. Ordergram (``domain.forecasting``) runs
against statsforecast's AutoETS, AutoTheta, IMAPA, ADIDA and CrostonOptimized on the same
series in the same run; target: Ordergram's mean MASE ≤ 0.97 × the best of them at each
origin. Then daily (28 days ahead from the same two dates, with seasonal-naive-7 too) and the
UCI Online Retail weekly backtest (200 best sellers, last 12 weeks held out, against naive and
the same five: another shop's demand, where no choice was tuned).

statsforecast is a bench-only extra (``pip install -e '.[bench]'``), never imported by the
package; without it the bench prints Ordergram's figures alone. The data is read from
``../shared/data`` when present; a missing data set is reported and skipped.

    python bench/forecast_backtest.py [--skip-daily] [--skip-daily-field] [--skip-uci] [--top 8] [--cache /tmp/fb]

``--cache DIR`` keeps statsforecast's forecasts (keyed by the data, the origin and the
horizon) so a re-run after a change to Ordergram's forecaster takes seconds, not minutes;
``--top N`` prints the series where Ordergram loses and gains most against the best model.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import pickle
import statistics
import sys
import time
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from domain.forecasting import forecast, mase, seasonal_naive  # noqa: E402
from domain.weeks import week_start, weekly  # noqa: E402

# ../shared/data beside the checkout (a git worktree sits one level deeper)
DATA = next((p for p in (ROOT.parent / "shared" / "data", ROOT.parents[1] / "shared" / "data") if p.exists()), ROOT)
M5 = DATA / "m5_dev" / "m5_dev.csv.gz"
UCI = DATA / "online_retail" / "online_retail.csv.gz"
FIELD = ("AutoETS", "AutoTheta", "IMAPA", "ADIDA", "CrostonOptimized")
TARGET = 0.97  # Ordergram's mean MASE over the best of the field's, on m5_dev at each origin
Series = dict[str, list[float]]


def load_m5(path: Path) -> tuple[Series, Series]:
    """Weekly and daily units per item and store, oldest first."""
    weeks: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    days: dict[str, dict[str, float]] = defaultdict(dict)
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            key = f"{row['item_id']}@{row['store_id']}"
            weeks[key][int(row["wm_yr_wk"])] += float(row["value"])
            days[key][row["date"]] = float(row["value"])
    weekly_series = {k: [v[w] for w in sorted(v)][:-1] for k, v in sorted(weeks.items())}  # last week: 2 days
    daily_series = {k: [v[d] for d in sorted(v)] for k, v in sorted(days.items())}
    return weekly_series, daily_series


def field_forecasts(
    series: Series, cut: int, horizon: int, season: int, cache: Path | None = None
) -> tuple[dict[str, dict[str, list[float]]], float]:
    """statsforecast's models on each series up to ``cut`` points before the end (empty
    without statsforecast), from ``cache`` when it has them; and the seconds they took."""
    digest = hashlib.sha256(repr((sorted(series.items()), cut, horizon, season, FIELD)).encode()).hexdigest()[:16]
    stored = cache / f"field-{digest}.pkl" if cache else None
    if stored and stored.exists():
        with stored.open("rb") as f:
            found: tuple[dict[str, dict[str, list[float]]], float] = pickle.load(f)  # our own file, written below
        return found
    computed = _run_field(series, cut, horizon, season)
    if stored and computed[0]:
        stored.parent.mkdir(parents=True, exist_ok=True)
        with stored.open("wb") as f:
            pickle.dump(computed, f)
    return computed


def _run_field(series: Series, cut: int, horizon: int, season: int) -> tuple[dict[str, dict[str, list[float]]], float]:
    try:
        import pandas as pd
        from statsforecast import StatsForecast
        from statsforecast.models import ADIDA, IMAPA, AutoETS, AutoTheta, CrostonOptimized, SeasonalNaive
    except ImportError:
        return {}, 0.0
    rows = [(key, i, y) for key, values in series.items() for i, y in enumerate(values[: len(values) - cut])]
    frame = pd.DataFrame(rows, columns=["unique_id", "ds", "y"])
    models = [
        AutoETS(season_length=season),
        AutoTheta(season_length=season),
        IMAPA(),
        ADIDA(),
        CrostonOptimized(),
    ]
    if season > 1:
        models.append(SeasonalNaive(season_length=season))
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = StatsForecast(models=models, freq=1, n_jobs=1).forecast(df=frame, h=horizon)
    took = time.perf_counter() - started
    names = [*FIELD, *(["SeasonalNaive"] if season > 1 else [])]
    by_series: dict[str, dict[str, list[float]]] = {}
    for key, group in found.groupby("unique_id"):
        by_series[str(key)] = {name: [float(v) for v in group[name]] for name in names}
    return by_series, took


@dataclass(frozen=True)
class Options:
    field: bool = True  # run statsforecast (or read its cached forecasts)
    cache: Path | None = None
    top: int = 0  # series to print where Ordergram loses and gains most


def score(
    series: Series,
    cut: int,
    horizon: int,
    season: int,
    label: str,
    anchors: Sequence[str] = (),
    options: Options = Options(),
    target: float | None = TARGET,
) -> dict[str, float]:
    """Mean MASE per method forecasting ``horizon`` points from ``cut`` points before the end;
    ``target``: the share of the best of the field to print a verdict against (None: none)."""
    the_field, field_time = field_forecasts(series, cut, horizon, season, options.cache) if options.field else ({}, 0.0)
    scores: dict[str, list[float]] = defaultdict(list)
    methods: Counter[str] = Counter()
    started = time.perf_counter()
    for key, values in series.items():
        train, actual = values[: len(values) - cut], values[len(values) - cut : len(values) - cut + horizon]
        found = forecast(train, horizon, per_week=season)  # season 7: daily points, a pause is 26 weeks of them
        methods[found.method.value] += 1
        scores["ordergram"].append(mase(train, actual, found.weeks))
        for name, predicted in the_field.get(key, {}).items():
            scores[name].append(mase(train, actual, predicted))
        for name, make in _anchors(season).items():
            if name in anchors:
                scores[name].append(mase(train, actual, make(train, horizon)))
    ours_time = time.perf_counter() - started
    means = {name: statistics.mean(values) for name, values in scores.items()}
    print(f"\n{label}: {len(series)} series, {horizon} ahead from {cut} before the end")
    print(f"  methods chosen: {dict(methods.most_common())}")
    best = min((means[name] for name in FIELD if name in means), default=None)
    for name, value in sorted(means.items(), key=lambda item: item[1]):
        versus = f"  {value / best:.3f} × best of the field" if best else ""
        print(f"  {name:<18} mean MASE {value:8.3f}   median {statistics.median(scores[name]):6.3f}{versus}")
    if best:
        share = means["ordergram"] / best
        if target is None:
            print(f"  ordergram / best of the field = {share:.3f}")
        else:
            verdict = "met" if share <= target else "NOT met"
            print(f"  ordergram / best of the field = {share:.3f}  (target ≤ {target}: {verdict})")
        _without_dormant(series, cut, scores)
        _without_the_largest(series, scores)
        if options.top:
            _contributors(series, scores, min((n for n in FIELD if n in means), key=lambda n: means[n]), options.top)
    else:
        print("  (statsforecast skipped: --skip-daily-field, or not installed: pip install -e '.[bench]')")
    per = 1000 / len(series)
    print(f"  time per 1,000 series: ordergram {ours_time * per:.1f} s, statsforecast's five {field_time * per:.1f} s")
    return means


def _anchors(season: int) -> dict[str, Callable[[Sequence[float], int], list[float]]]:
    return {f"seasonal-naive-{season}": lambda train, h: seasonal_naive(train, h, season)}


def _without_dormant(series: Series, cut: int, scores: dict[str, list[float]]) -> None:
    """The same means without the series that sold nothing in the 13 periods (weeks: a quarter)
    before the origin: whether and when such a product sells again is not in its sales history,
    and one of them (a few sales in five years, then 200 units) scores a MASE near 1,000."""
    keep = [
        i for i, values in enumerate(series.values()) if sum(values[len(values) - cut - 13 : len(values) - cut]) > 0
    ]
    means = {name: statistics.mean(values[i] for i in keep) for name, values in scores.items() if name != "ordergram"}
    ours = statistics.mean(scores["ordergram"][i] for i in keep)
    best = min(means[name] for name in FIELD)
    print(
        f"  without the {len(series) - len(keep)} series with no sales in the 13 before: ordergram {ours:.3f}, ", end=""
    )
    print(f"best of the field {best:.3f} ({min(FIELD, key=lambda n: means[n])}), ratio {ours / best:.3f}")


def _without_the_largest(series: Series, scores: dict[str, list[float]]) -> None:
    """The means without the one series whose MASE, over every method, is the largest: a
    series with a tiny in-sample scale (a few units in years) can outweigh all the others."""
    names = ["ordergram", *(n for n in FIELD if n in scores)]
    worst = max(range(len(series)), key=lambda i: min(scores[n][i] for n in names))
    means = {n: statistics.mean(v for i, v in enumerate(scores[n]) if i != worst) for n in names}
    best = min(FIELD, key=lambda n: means[n])
    print(
        f"  without {list(series)[worst]} (MASE ≥ {min(scores[n][worst] for n in names):.0f} for every method): "
        f"ordergram {means['ordergram']:.3f}, best of the field {means[best]:.3f} ({best}), "
        f"ratio {means['ordergram'] / means[best]:.3f}"
    )


def _contributors(series: Series, scores: dict[str, list[float]], best: str, top: int) -> None:
    """The series where Ordergram's MASE is furthest above and below the best model's."""
    gaps = sorted(((scores["ordergram"][i] - scores[best][i], key) for i, key in enumerate(series)), key=lambda g: g[0])
    total_loss = sum(g for g, _ in gaps if g > 0)
    total_gain = -sum(g for g, _ in gaps if g < 0)
    print(f"  against {best}, summed over series: ordergram loses {total_loss:.1f} MASE, gains {total_gain:.1f}")
    keys = list(series)
    for label, chosen in (("loses most", gaps[::-1][:top]), ("gains most", gaps[:top])):
        cells = [
            f"{key} {scores['ordergram'][keys.index(key)]:.2f} vs {scores[best][keys.index(key)]:.2f}"
            for _, key in chosen
        ]
        print(f"    {label}: " + "; ".join(cells))


def load_uci(path: Path) -> tuple[dict[str, list[tuple[date, int]]], date, date]:
    daily: dict[str, list[tuple[date, int]]] = defaultdict(list)
    first, last = date.max, date.min
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code, quantity = row["StockCode"], int(row["Quantity"])
            if row["InvoiceNo"].startswith("C") or quantity <= 0 or not code[:1].isdigit():
                continue
            day = datetime.strptime(row["InvoiceDate"], "%Y-%m-%d %H:%M:%S").date()
            daily[code].append((day, quantity))
            first, last = min(first, day), max(last, day)
    return daily, week_start(first), week_start(last)


def uci(products: int = 200, holdout: int = 12, options: Options = Options()) -> None:
    """Weekly units of the best sellers of UCI Online Retail (Dec 2010 – Dec 2011, one year:
    no yearly season to learn), the last 12 weeks held out, against naive and statsforecast's
    five: demand from another shop, a check that choices made on m5_dev generalise."""
    daily, first_week, partial_week = load_uci(UCI)
    last_week = partial_week.fromordinal(partial_week.toordinal() - 7)  # the data stops mid-week
    totals = Counter({code: sum(q for _, q in rows) for code, rows in daily.items()})
    series = {code: weekly(daily[code], first_week, last_week) for code, _ in totals.most_common(products)}
    weeks = (last_week - first_week).days // 7 + 1
    label = f"UCI Online Retail: top {len(series)} products, {weeks} weeks, last {holdout} held out"
    score(series, holdout, holdout, 1, label, anchors=("seasonal-naive-1",), options=options, target=None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-daily", action="store_true")
    parser.add_argument("--skip-daily-field", action="store_true", help="daily without statsforecast (~1 h)")
    parser.add_argument("--skip-uci", action="store_true")
    parser.add_argument("--top", type=int, default=0, help="series to print where ordergram loses/gains most")
    parser.add_argument("--cache", type=Path, help="directory keeping statsforecast's forecasts between runs")
    args = parser.parse_args()
    options = Options(cache=args.cache, top=args.top)
    if M5.exists():
        weekly_series, daily_series = load_m5(M5)
        for cut in (12, 26):
            score(weekly_series, cut, 12, 1, f"m5_dev weekly, origin {cut} weeks before the end", options=options)
        if not args.skip_daily:
            daily = Options(field=not args.skip_daily_field, cache=args.cache, top=args.top)
            for cut in (12, 26):
                label = f"m5_dev daily, origin {7 * cut} days before the end"
                score(daily_series, 7 * cut, 28, 7, label, anchors=("seasonal-naive-7",), options=daily)
    else:
        print(f"{M5} is not here: the m5_dev backtest is skipped (see its README in ../shared/data)")
    if args.skip_uci:
        return
    if UCI.exists():
        uci(options=options)
    else:
        print(f"{UCI} is not here: the UCI Online Retail backtest is skipped")


if __name__ == "__main__":
    main()
