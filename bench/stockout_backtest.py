"""What leaving a stock-out's weeks out of the history is worth, on m5_dev's real weekly demand.

A shop's history has weeks when nothing was on hand: those weeks sold nothing because there
was nothing to sell, not because nobody wanted it. m5_dev (``../shared/data/m5_dev``, 150
item-store series, 2011–2016) is made to have one: the last ``k`` weeks before the origin
are set to what a stock-out leaves (0 sold), then the next 12 weeks are forecast three ways:

* **as sold** — the zeros read as demand (Ordergram before ``domain.stockouts``);
* **left out** — the stock-out's weeks left out of the history (``in_stock_weeks``, as
  ``/forecast`` and the nightly job do when the stock movements show none on hand);
* **no stock-out** — the true history, for reference.

Each is scored by MASE (mean absolute error over the in-sample one-step naive error of the
true history) and by its 12-week total as a share of what was actually demanded, over the
series that sold in the weeks made a stock-out (a stock-out in weeks that sold nothing
changes nothing). Also the reorder point each gives (``domain.replenishment.policy``, 7-day
lead time, 95 % fill rate), summed, against the true history's.

    python bench/stockout_backtest.py [--weeks 2,4,8] [--origins 12,26]

Without the data set it says so and exits: nothing is made up in its place.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from domain.forecasting import forecast, mase  # noqa: E402
from domain.replenishment import policy  # noqa: E402
from domain.stockouts import OUT_DAYS, in_stock_weeks  # noqa: E402

DATA = next((p for p in (ROOT.parent / "shared" / "data", ROOT.parents[1] / "shared" / "data") if p.exists()), ROOT)
M5_FILE = DATA / "m5_dev" / "m5_dev.csv.gz"
AHEAD = 12


def load_weekly(path: Path) -> dict[str, list[float]]:
    """Units per item and store and Walmart week, oldest first (the last, two-day week dropped)."""
    weeks: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            weeks[f"{row['item_id']}@{row['store_id']}"][int(row["wm_yr_wk"])] += float(row["value"])
    return {key: [v[w] for w in sorted(v)][:-1] for key, v in sorted(weeks.items())}


def _point(history: list[float]) -> int:
    return policy(forecast(history, 2), lead_time_days=7, service_level=0.95).reorder_point


class Tally:
    """Each way of reading a history: its forecasts' MASE and 12-week total over what was then
    demanded, per series, and the reorder points they give, summed."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names
        self.scores: dict[str, list[float]] = defaultdict(list)
        self.shares: dict[str, list[float]] = defaultdict(list)
        self.points: dict[str, int] = defaultdict(int)

    def add(self, name: str, history: list[float], train: list[float], actual: list[float]) -> None:
        found = forecast(history, AHEAD)
        self.scores[name].append(mase(train, actual, found.weeks))
        self.shares[name].append(sum(found.weeks) / sum(actual))
        self.points[name] += _point(history)

    @property
    def count(self) -> int:
        return len(self.scores[self.names[0]])

    def print(self) -> None:
        head = f"  {'history':<14}{'mean MASE':>10}{'median':>8}"
        print(f"{head}{'forecast / actual (median)':>29}{'reorder points':>16}")
        for name in self.names:
            print(
                f"  {name:<14}{statistics.fmean(self.scores[name]):>10.3f}{statistics.median(self.scores[name]):>8.3f}"
                f"{statistics.median(self.shares[name]):>28.0%} {self.points[name]:>15,}"
            )


def run(series: dict[str, list[float]], out_weeks: int, origin: int) -> None:
    tally = Tally(("as sold", "left out", "no stock-out"))
    started = time.process_time()
    for full in series.values():
        cut = len(full) - origin
        train, actual = full[:cut], full[cut : cut + AHEAD]
        if sum(train[-out_weeks:]) == 0 or sum(actual) == 0:
            continue  # the stock-out would change nothing, or there is nothing to score a share on
        censored = train[:-out_weeks] + [0.0] * out_weeks
        kept, _ = in_stock_weeks(censored, [0] * (cut - out_weeks) + [OUT_DAYS + 3] * out_weeks)
        for name, history in zip(tally.names, (censored, kept, train), strict=True):
            tally.add(name, history, train, actual)
    print(
        f"m5_dev weekly, {out_weeks} weeks out of stock just before the origin {origin} weeks before the end: "
        f"{tally.count} of {len(series)} series sold in those weeks ({time.process_time() - started:.0f} s of CPU)"
    )
    tally.print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", default="2,4,8", help="weeks out of stock before the origin")
    parser.add_argument("--origins", default="12,26", help="origins, weeks before the end")
    args = parser.parse_args()
    if not M5_FILE.exists():
        print(f"m5_dev not found at {M5_FILE}: nothing to measure (see ../shared/data/m5_dev/README.md)")
        return
    series = load_weekly(M5_FILE)
    for origin in (int(o) for o in args.origins.split(",")):
        for weeks in (int(w) for w in args.weeks.split(",")):
            run(series, weeks, origin)
            print()


if __name__ == "__main__":
    main()
