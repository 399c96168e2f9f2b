"""Backtest of the demand forecaster on the UCI Online Retail data.

Weekly units of the 200 best-selling products (Dec 2010 – Dec 2011, cancellations and
non-product codes left out, the last incomplete week dropped); the last 12 weeks are held
out. Each product's forecast (``domain.forecasting``: method chosen per series) is scored
by MASE, as are two baselines on the same weeks: seasonal-naive and SES with α = 0.3.

The data covers one year, so a 52-week seasonal-naive cannot be built for the held-out
weeks (their counterparts a year earlier predate the data); the season is one week, i.e.
the naive forecast, unless ``--season`` says otherwise (e.g. 4 for a four-weekly cycle).

    python bench/forecast_backtest.py [--products 200] [--holdout 12] [--season 1]

Target: mean MASE below 0.9 × that of seasonal-naive.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import statistics
import sys
import time
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from domain.forecasting import backtest, mase, week_start, weekly  # noqa: E402

UCI = ROOT.parent / "shared" / "data" / "online_retail" / "online_retail.csv.gz"


def _ses(series: list[float], alpha: float) -> float:
    level = series[0]
    for y in series:
        level += alpha * (y - level)
    return level


def load(path: Path) -> tuple[dict[str, list[tuple[date, int]]], date, date]:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--holdout", type=int, default=12)
    parser.add_argument("--season", type=int, default=1)
    args = parser.parse_args()
    if not UCI.exists():
        sys.exit(f"{UCI} is not here: this benchmark needs the UCI Online Retail data (see README)")
    started = time.perf_counter()
    daily, first_week, partial_week = load(UCI)
    last_week = partial_week.fromordinal(partial_week.toordinal() - 7)  # the data stops mid-week
    totals = Counter({code: sum(q for _, q in rows) for code, rows in daily.items()})
    top = [code for code, _ in totals.most_common(args.products)]
    loaded = time.perf_counter() - started

    ours, naive, ses = [], [], []
    methods: Counter[str] = Counter()
    started = time.perf_counter()
    for code in top:
        series = weekly(daily[code], first_week, last_week)
        found, score, naive_score = backtest(series, args.holdout, args.season)
        train, actual = series[: -args.holdout], series[-args.holdout :]
        ours.append(score)
        naive.append(naive_score)
        ses.append(mase(train, actual, [_ses(train, 0.3)] * args.holdout, args.season))
        methods[found.method.value] += 1
    fitted = time.perf_counter() - started

    weeks = (last_week - first_week).days // 7 + 1
    span = f"{weeks} weeks ({first_week} – {last_week})"
    print(f"UCI Online Retail: top {len(top)} products, {span}, last {args.holdout} held out")
    print(f"methods chosen: {dict(methods.most_common())}")
    print(f"mean MASE  ordergram: {statistics.mean(ours):.3f}   median {statistics.median(ours):.3f}")
    print(f"mean MASE  seasonal-naive (season {args.season}): {statistics.mean(naive):.3f}")
    print(f"mean MASE  SES(alpha=0.3): {statistics.mean(ses):.3f}")
    ratio = statistics.mean(ours) / statistics.mean(naive)
    print(f"ordergram / seasonal-naive = {ratio:.3f}  (target < 0.9: {'met' if ratio < 0.9 else 'NOT met'})")
    print(f"ordergram / SES(0.3)       = {statistics.mean(ours) / statistics.mean(ses):.3f}")
    worst = sorted(range(len(top)), key=lambda i: -naive[i])[:2]
    rest = [i for i in range(len(top)) if i not in worst]
    print(
        f"without the 2 series every method misses most ({', '.join(top[i] for i in worst)}, "
        f"MASE {', '.join(f'{naive[i]:.0f}' for i in worst)}): ordergram / seasonal-naive = "
        f"{statistics.mean(ours[i] for i in rest) / statistics.mean(naive[i] for i in rest):.3f}"
    )
    better = sum(1 for a, b in zip(ours, naive, strict=True) if a < b)
    print(f"products where ordergram beats seasonal-naive: {better}/{len(top)}")
    print(f"time: load {loaded:.1f} s, fit and forecast {fitted:.1f} s ({1000 * fitted / len(top):.0f} ms per product)")


if __name__ == "__main__":
    main()
