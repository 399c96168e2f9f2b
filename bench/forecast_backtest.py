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
from domain.weeks import RESTART_WEEKS, pause_start, week_start, weekly  # noqa: E402

# ../shared/data beside the checkout (a git worktree sits one level deeper)
DATA = next((p for p in (ROOT.parent / "shared" / "data", ROOT.parents[1] / "shared" / "data") if p.exists()), ROOT)
M5_FILE = DATA / "m5_dev" / "m5_dev.csv.gz"
UCI = DATA / "online_retail" / "online_retail.csv.gz"
FIELD = ("AutoETS", "AutoTheta", "IMAPA", "ADIDA", "CrostonOptimized")
TARGET = 0.97  # Ordergram's mean MASE over the best of the field's, on m5_dev at each origin
Series = dict[str, list[float]]
Prices = dict[str, list[float | None]]  # the shelf price of each point (None: not on sale)


@dataclass(frozen=True)
class M5:
    weekly: Series
    daily: Series
    weekly_prices: Prices
    daily_prices: Prices


def load_m5(path: Path) -> M5:
    """Weekly and daily units per item and store, oldest first, and their prices."""
    weeks: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    days: dict[str, dict[str, float]] = defaultdict(dict)
    week_prices: dict[str, dict[int, float | None]] = defaultdict(dict)
    day_prices: dict[str, dict[str, float | None]] = defaultdict(dict)
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            key, week = f"{row['item_id']}@{row['store_id']}", int(row["wm_yr_wk"])
            weeks[key][week] += float(row["value"])
            days[key][row["date"]] = float(row["value"])
            price = float(row["sell_price"]) if row["sell_price"] else None
            week_prices[key][week] = price  # one price a Walmart week
            day_prices[key][row["date"]] = price
    return M5(
        {k: [v[w] for w in sorted(v)][:-1] for k, v in sorted(weeks.items())},  # last week: 2 days
        {k: [v[d] for d in sorted(v)] for k, v in sorted(days.items())},
        {k: [v[w] for w in sorted(v)][:-1] for k, v in sorted(week_prices.items())},
        {k: [v[d] for d in sorted(v)] for k, v in sorted(day_prices.items())},
    )


def price_cut(train: Sequence[float], prices: Sequence[float | None], per_week: int) -> bool:
    """What the shop knows when it forecasts: whether its price now (that of the first point
    forecast) is below its price when the history's closing pause began."""
    start = pause_start(train, per_week)
    if start is None:
        return False
    then, now = prices[start], prices[len(train)]
    return then is not None and now is not None and now < then


def relaunches(series: Series, prices: Prices, ahead: int = 12) -> None:
    """Each week that follows ``RESTART_WEEKS`` or more without a sale: whether the series sold
    again within ``ahead`` weeks, when its price was cut that week (below its price when the
    pause began) and when it was not: the evidence ``domain.forecasting.before_pause`` acts on."""
    counts = {True: [0, 0], False: [0, 0]}
    for key, values in series.items():
        for t in range(1, len(values) - ahead + 1):
            cut = price_cut(values[:t], prices[key], 1)
            if pause_start(values[:t]) is None:
                continue
            counts[cut][0] += 1
            counts[cut][1] += sum(values[t : t + ahead]) > 0
    (cuts, sold), (others, sold_too) = counts[True], counts[False]
    print(
        f"\nm5_dev weekly: weeks after {RESTART_WEEKS} or more without a sale, and whether a sale came within {ahead}"
    )
    print(f"  the price cut below the pause's: {cuts:5d} weeks, sold again in {sold / max(cuts, 1):.0%}")
    print(f"  no such cut:                      {others:5d} weeks, sold again in {sold_too / max(others, 1):.0%}")


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
    prices: Prices | None = None,
) -> dict[str, float]:
    """Mean MASE per method forecasting ``horizon`` points from ``cut`` points before the end;
    ``target``: the share of the best of the field to print a verdict against (None: none).
    With ``prices``, Ordergram is told of a price cut in a closing pause (``price_cut``), and
    scored without it too ("ordergram, no prices"): the field's models see sales only."""
    the_field, field_time = field_forecasts(series, cut, horizon, season, options.cache) if options.field else ({}, 0.0)
    scores: dict[str, list[float]] = defaultdict(list)
    methods: Counter[str] = Counter()
    relaunched: list[str] = []
    started = time.perf_counter()
    for key, values in series.items():
        train, actual = values[: len(values) - cut], values[len(values) - cut : len(values) - cut + horizon]
        told = prices is not None and price_cut(train, prices[key], season)
        # season 7: daily points, a pause is 26 weeks of them
        found = forecast(train, horizon, per_week=season, price_cut=told)
        methods[found.method.value] += 1
        scores["ordergram"].append(mase(train, actual, found.weeks))
        if prices is not None:
            unseen = forecast(train, horizon, per_week=season) if told else found
            scores["ordergram, no prices"].append(mase(train, actual, unseen.weeks))
        if found.relaunch:
            relaunched.append(key)
        for name, predicted in the_field.get(key, {}).items():
            scores[name].append(mase(train, actual, predicted))
        for name, make in _anchors(season).items():
            if name in anchors:
                scores[name].append(mase(train, actual, make(train, horizon)))
    ours_time = time.perf_counter() - started
    means = {name: statistics.mean(values) for name, values in scores.items()}
    print(f"\n{label}: {len(series)} series, {horizon} ahead from {cut} before the end")
    print(f"  methods chosen: {dict(methods.most_common())}")
    if prices is not None:
        print(f"  a price cut in a closing pause, read as a relaunch: {len(relaunched)} series {relaunched}")
    best = min((means[name] for name in FIELD if name in means), default=None)
    for name, value in sorted(means.items(), key=lambda item: item[1]):
        versus = f"  {value / best:.3f} × best of the field" if best else ""
        print(f"  {name:<20} mean MASE {value:8.3f}   median {statistics.median(scores[name]):6.3f}{versus}")
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
    if M5_FILE.exists():
        m5 = load_m5(M5_FILE)
        relaunches(m5.weekly, m5.weekly_prices)
        for cut in (12, 26):
            label = f"m5_dev weekly, origin {cut} weeks before the end"
            score(m5.weekly, cut, 12, 1, label, options=options, prices=m5.weekly_prices)
        if not args.skip_daily:
            daily = Options(field=not args.skip_daily_field, cache=args.cache, top=args.top)
            for cut in (12, 26):
                label = f"m5_dev daily, origin {7 * cut} days before the end"
                score(m5.daily, 7 * cut, 28, 7, label, ("seasonal-naive-7",), daily, prices=m5.daily_prices)
    else:
        print(f"{M5_FILE} is not here: the m5_dev backtest is skipped (see its README in ../shared/data)")
    if args.skip_uci:
        return
    if UCI.exists():
        uci(options=options)
    else:
        print(f"{UCI} is not here: the UCI Online Retail backtest is skipped")


if __name__ == "__main__":
    main()
