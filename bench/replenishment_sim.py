"""Replenishment simulation on m5_dev: Ordergram's forecast-driven policy against plain min/max.

The last 52 complete weeks of daily demand of each of the 150 store × item series are
replayed (``domain.replenishment.replay``): lead time 7 days, the position reviewed every
evening, unmet demand lost. Each Monday (Walmart week start) the levels are recomputed from
what was known that day only:

* ours: ``domain.forecasting.forecast`` on the weekly history before that week (from the
  first week with a sale, at most 104 weeks, as ``/forecast`` does), then
  ``domain.replenishment.policy`` at the service level (a fill-rate target);
* min/max: min = average daily demand of the last 8 weeks × (lead time + 7), max = 2 × min.

Both start with their order-up-to level on hand and nothing on order. Reported per policy:
fill rate (units served / demanded), stock-out days (days with unmet demand, all series),
average units on hand and average stock value at ``sell_price`` (summed over series),
and purchase orders placed.

    python bench/replenishment_sim.py [--levels 0.9,0.95,0.98,0.99] [--series 150] [--jobs 1]

Targets: at the same or better fill rate than min/max, ours holds ≥ 15 % less average stock
value; at a 95 % service level its realised fill rate is ≥ 95 %.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from domain.forecasting import forecast  # noqa: E402
from domain.replenishment import (  # noqa: E402
    DemandQuantiles,
    NormalDemand,
    Replay,
    min_max,
    policy,
    replay,
)
from domain.weeks import NotEnoughHistory, pause_start  # noqa: E402

LEAD_DAYS = 7
REVIEW_DAYS = 7
SIM_WEEKS = 52
HISTORY_WEEKS = 104  # as domain.usecases.forecasts
MINMAX_WEEKS = 8
DATA = Path("shared") / "data" / "m5_dev" / "m5_dev.csv.gz"


def find_data() -> Path | None:
    """../shared/data from the checkout (or a worktree of it)."""
    for parent in ROOT.parents:
        if (parent / DATA).exists():
            return parent / DATA
    return None


@dataclass
class Series:
    demand: list[int]  # per day
    weeks: list[int]  # wm_yr_wk per day
    prices: list[float | None]


def load(path: Path) -> dict[tuple[str, str], Series]:
    series: dict[tuple[str, str], Series] = defaultdict(lambda: Series([], [], []))
    with gzip.open(path, "rt", encoding="utf-8") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: (r["store_id"], r["item_id"], r["date"]))
    for row in rows:
        one = series[(row["store_id"], row["item_id"])]
        one.demand.append(int(row["value"]))
        one.weeks.append(int(row["wm_yr_wk"]))
        one.prices.append(float(row["sell_price"]) if row["sell_price"] else None)
    for one in series.values():  # the last week has only 2 days: dropped
        cut = one.weeks.index(one.weeks[-1])
        del one.demand[cut:], one.weeks[cut:], one.prices[cut:]
    return dict(series)


def filled(prices: list[float | None]) -> list[float]:
    """A day off sale is valued at the last price before it (or the first one after)."""
    first = next((p for p in prices if p is not None), 0.0)
    out, last = [], first
    for p in prices:
        last = p if p is not None else last
        out.append(last)
    return out


def price_cut(one: Series, starts: list[int], offset: int, history: list[float], today: int) -> bool:
    """Whether the price today is below the price when the history's closing pause began (as
    the nightly job reads it from the audit trail: ``domain.usecases.forecasts.price_cuts``)."""
    began = pause_start(history)
    if began is None:
        return False
    then, now = one.prices[starts[offset + began]], one.prices[today]
    return then is not None and now is not None and now < then


def simulate(key: tuple[str, str], one: Series, levels: list[float]) -> dict[str, Replay]:
    """One series under min/max and under our policy at each service level."""
    starts = [i for i in range(len(one.weeks)) if i == 0 or one.weeks[i] != one.weeks[i - 1]]
    window = starts[-SIM_WEEKS:]
    begin = window[0]
    weekly = [sum(one.demand[a:b]) for a, b in zip(starts, [*starts[1:], len(one.demand)], strict=True)]
    ours: dict[float, list[tuple[int, int]]] = {level: [] for level in levels}
    plain: list[tuple[int, int]] = []
    for w, start in zip(range(len(starts) - SIM_WEEKS, len(starts)), window, strict=True):
        days = (starts[w + 1] if w + 1 < len(starts) else len(one.demand)) - start
        plain += [min_max(one.demand[start - 7 * MINMAX_WEEKS : start], LEAD_DAYS)] * days
        first_sale = next((i for i, y in enumerate(weekly[:w]) if y > 0), w)
        offset = max(first_sale, w - HISTORY_WEEKS)
        history = [float(y) for y in weekly[offset:w]]
        try:
            cut = price_cut(one, starts, offset, history, start)
            demand: DemandQuantiles = forecast(history, 2, price_cut=cut)
        except NotEnoughHistory:
            demand = NormalDemand(0.0, 0.0)
        for level in levels:
            found = policy(demand, lead_time_days=LEAD_DAYS, review_days=REVIEW_DAYS, service_level=level)
            ours[level] += [(found.reorder_point, found.order_up_to)] * days
    demand_days, prices = one.demand[begin:], filled(one.prices)[begin:]
    results = {"min/max": replay(demand_days, plain, prices, lead_time_days=LEAD_DAYS, on_hand=plain[0][1])}
    for level, daily in ours.items():
        results[f"ours {level:.1%}"] = replay(demand_days, daily, prices, lead_time_days=LEAD_DAYS, on_hand=daily[0][1])
    return results


def _one(args: tuple[tuple[str, str], Series, list[float]]) -> dict[str, Replay]:
    return simulate(*args)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="0.9,0.95,0.98,0.99", help="service levels (fill-rate targets) to run")
    parser.add_argument("--series", type=int, default=150)
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    args = parser.parse_args()
    levels = [float(v) for v in args.levels.split(",")]
    if 0.95 not in levels:
        levels.append(0.95)
    path = find_data()
    if path is None:
        print(f"m5_dev not found (looked for ../{DATA} above {ROOT}); nothing to simulate.")
        return 0
    started = time.perf_counter()
    data = load(path)
    keys = sorted(data)[: args.series]
    work = [(k, data[k], levels) for k in keys]
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            runs = list(pool.map(_one, work, chunksize=4))
    else:
        runs = [_one(w) for w in work]
    elapsed = time.perf_counter() - started
    totals: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0, 0.0, 0.0, 0])
    for run in runs:
        for name, r in run.items():
            t = totals[name]
            t[0] += r.demanded
            t[1] += r.served
            t[2] += r.stockout_days
            t[3] += r.units_on_hand / r.days
            t[4] += r.stock_value / r.days
            t[5] += r.orders
    print(
        f"m5_dev: {len(keys)} series, last {SIM_WEEKS} weeks, lead time {LEAD_DAYS} days, daily review, "
        f"order cycle {REVIEW_DAYS} days ({elapsed:.0f} s)"
    )
    print(f"{'policy':<10} {'fill rate':>9} {'stock-out days':>14} {'avg units':>10} {'avg value $':>11} {'orders':>7}")
    for name, (demanded, served, out, units, value, orders) in totals.items():
        print(f"{name:<10} {served / demanded:>9.2%} {out:>14,.0f} {units:>10,.0f} {value:>11,.0f} {orders:>7,.0f}")
    base = totals["min/max"]
    base_fill, base_value = base[1] / base[0], base[4]
    matching = [(n, t) for n, t in totals.items() if n != "min/max" and t[1] / t[0] >= base_fill]
    ok = True
    if matching:
        name, t = min(matching, key=lambda nt: nt[1][4])
        saved = 1 - t[4] / base_value
        passed = saved >= 0.15
        print(
            f"TARGET stock value at ≥ min/max fill rate ({base_fill:.2%}): {name} fills {t[1] / t[0]:.2%} "
            f"with {saved:.1%} less stock value (≥ 15 %): {'PASS' if passed else 'FAIL'}"
        )
    else:
        passed = False
        print(f"TARGET stock value at ≥ min/max fill rate ({base_fill:.2%}): no level reached it: FAIL")
    ok &= passed
    at95 = totals["ours 95.0%"]
    fill95 = at95[1] / at95[0]
    print(f"TARGET fill rate at a 95 % service level: {fill95:.2%} (≥ 95 %): {'PASS' if fill95 >= 0.95 else 'FAIL'}")
    ok &= fill95 >= 0.95
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
