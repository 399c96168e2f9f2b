"""Derive ``bot/demo_data/demand.csv`` (sales history for forecasting) from the UCI Online
Retail dataset (Chen, Sain & Guo 2012, CC BY 4.0), found at ``../shared/data`` when present.

Units sold per week of each demo product (cancellations and returns excluded), dated on the
week's Monday, all from the London warehouse. The demo and the tests replay this history
shifted by whole weeks so that it ends the week before their clock's today.

    python bench/make_demo_demand.py [path/to/online_retail.csv.gz]
"""

from __future__ import annotations

import csv
import gzip
import sys
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "online_retail" / "online_retail.csv.gz"
OUT = ROOT / "bot" / "demo_data"


def main(source: Path) -> None:
    with open(OUT / "products.csv", encoding="utf-8") as fh:
        skus = {row["sku"] for row in csv.DictReader(fh)}
    weekly: dict[tuple[str, str], int] = defaultdict(int)
    last = ""
    with gzip.open(source, "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            quantity = int(row["Quantity"])
            if row["StockCode"] not in skus or row["InvoiceNo"].startswith("C") or quantity <= 0:
                continue
            day = datetime.strptime(row["InvoiceDate"], "%Y-%m-%d %H:%M:%S").date()
            monday = (day - timedelta(days=day.weekday())).isoformat()
            weekly[(row["StockCode"], monday)] += quantity
            last = max(last, monday)
    with open(OUT / "demand.csv", "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["sku", "warehouse", "date", "quantity"])
        for (sku, monday), units in sorted(weekly.items()):
            if monday < last:  # the data stops mid-week: the last week is incomplete
                out.writerow([sku, "LON", monday, units])
    print(f"wrote {OUT / 'demand.csv'}: {len(weekly)} product-weeks of {len(skus)} products")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE)
