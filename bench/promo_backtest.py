"""What leaving a promotion's weeks out of the history is worth, on m5_dev's real weekly demand.

m5_dev (``../shared/data/m5_dev``, 150 item-store series, 2011–2016) has no promotions to read:
its events are holidays, SNAP is food stamps, and its temporary price cuts are few (33 weeks of
the 150 series, 5 % or more below the last 8 weeks' price and back within 4) and sold no more
(median 0.5× the weeks before; ``--price-cuts`` counts them). So each series is given one: ``k``
weeks ending ``gap`` weeks before the origin sell ``lift`` times what they really sold, and the
next 12 weeks are forecast three ways:

* **as sold** — the promotion's weeks read as demand (Ordergram before ``domain.promotion_weeks``);
* **left out** — those weeks left out (``regular_weeks``, as ``/forecast`` and the nightly job
  do for the weeks a promotion covered the product);
* **no promotion** — the true history, for reference.

Each is scored by MASE (over the in-sample one-step naive error of the true history) and by
its 12-week total as a share of what was then demanded, over the series that sold in those
weeks; and the reorder point each gives (7-day lead time, 95 % fill rate), summed.

    python bench/promo_backtest.py [--weeks 1,3] [--gaps 0,6] [--lift 4] [--origins 12,26]

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
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from stockout_backtest import AHEAD, M5_FILE, Tally, load_weekly  # noqa: E402

from domain.promotion_weeks import regular_weeks  # noqa: E402

MONDAY = date(2011, 1, 31)  # any Monday: the spans' dates are not scored


def run(series: dict[str, list[float]], weeks: int, gap: int, lift: float, origin: int) -> None:
    tally = Tally(("as sold", "left out", "no promotion"))
    started = time.process_time()
    for full in series.values():
        cut = len(full) - origin
        train, actual = full[:cut], full[cut : cut + AHEAD]
        first = cut - gap - weeks
        if sum(train[first : first + weeks]) == 0 or sum(actual) == 0:
            continue  # a promotion of nothing lifts nothing, or there is nothing to score a share on
        lifted = [y * lift if first <= i < first + weeks else y for i, y in enumerate(train)]
        marked = [("Sale",) if first <= i < first + weeks else () for i in range(cut)]
        kept, _, _ = regular_weeks(lifted, [0] * cut, marked, MONDAY)
        for name, history in zip(tally.names, (lifted, kept, train), strict=True):
            tally.add(name, history, train, actual)
    print(
        f"m5_dev weekly, {weeks} weeks at ×{lift:g} on promotion ending {gap} weeks before the origin "
        f"{origin} weeks before the end: {tally.count} of {len(series)} series "
        f"({time.process_time() - started:.0f} s of CPU)"
    )
    tally.print()


def price_cuts(path: Path) -> None:
    """m5_dev's temporary price cuts (5 % or more below the last 8 weeks' top price, back within
    4 weeks) and what they sold against the 8 weeks before at the regular price."""
    units: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    prices: dict[str, dict[int, float]] = defaultdict(dict)
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            key, week = f"{row['item_id']}@{row['store_id']}", int(row["wm_yr_wk"])
            units[key][week] += float(row["value"])
            if row["sell_price"]:
                prices[key][week] = float(row["sell_price"])
    found, lifts = 0, []
    for key, sold in units.items():
        order = sorted(sold)[:-1]
        p, u = [prices[key].get(w) for w in order], [sold[w] for w in order]
        for i in range(8, len(order) - 4):
            top = max((x for x in p[i - 8 : i] if x is not None), default=None)
            now = p[i]
            if top is None or now is None or now >= 0.95 * top:
                continue
            if not any(x is not None and x >= 0.99 * top for x in p[i + 1 : i + 5]):
                continue  # a lasting cut, not a promotion
            found += 1
            before = [u[j] for j in range(i - 8, i) if (x := p[j]) is not None and x >= 0.99 * top]
            if before and statistics.fmean(before) > 0:
                lifts.append(u[i] / statistics.fmean(before))
    median = f"{statistics.median(lifts):.2f}" if lifts else "—"
    print(f"m5_dev temporary price cuts: {found} weeks in {len(units)} series; sold {median}× the weeks before")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", default="1,3", help="weeks on promotion")
    parser.add_argument("--gaps", default="0,6", help="weeks between the promotion's end and the origin")
    parser.add_argument("--lift", type=float, default=4.0, help="times the real sales a promotion week sold")
    parser.add_argument("--origins", default="12", help="origins, weeks before the end")
    parser.add_argument("--price-cuts", action="store_true", help="count m5_dev's own temporary price cuts")
    args = parser.parse_args()
    if not M5_FILE.exists():
        print(f"m5_dev not found at {M5_FILE}: nothing to measure (see ../shared/data/m5_dev/README.md)")
        return
    if args.price_cuts:
        price_cuts(M5_FILE)
        print()
    series = load_weekly(M5_FILE)
    for origin in (int(o) for o in args.origins.split(",")):
        for weeks in (int(w) for w in args.weeks.split(",")):
            for gap in (int(g) for g in args.gaps.split(",")):
                run(series, weeks, gap, args.lift, origin)
                print()


if __name__ == "__main__":
    main()
