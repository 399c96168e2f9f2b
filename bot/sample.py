"""``ordergram sample DIR``: the demo shop's CSV files, written out to start a shop from."""

from __future__ import annotations

import csv
import io
import shlex
import sys
from datetime import UTC, date, datetime, timedelta
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

# In the order they import: each file names only what the ones before it created.
# Stock after the reorder terms: the opening stock is booked at their supply cost.
IMPORT_ORDER = ("warehouses", "products", "carriers", "boxes", "suppliers", "reorder", "stock", "demand")


def _sample_files() -> list[tuple[str, Traversable]]:
    """(relative name, package file) for every CSV and product photo of the demo shop."""
    data = files("bot") / "demo_data"
    found = [(f"{kind}.csv", data / f"{kind}.csv") for kind in IMPORT_ORDER]
    photos = data / "photos"
    found += sorted((f"photos/{photo.name}", photo) for photo in photos.iterdir() if photo.name.endswith(".png"))
    return found


def replayed_until(history_csv: str, today: date) -> str:
    """The UCI sales history (2010–2011) moved by whole weeks so its last week is the one
    before ``today``'s: the demo shop has a year of sales behind it, weekdays kept."""
    rows = list(csv.DictReader(io.StringIO(history_csv)))
    last = max(date.fromisoformat(r["date"]) for r in rows)
    weeks = ((today - timedelta(days=today.weekday() + 7)) - (last - timedelta(days=last.weekday()))).days // 7
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "date": (date.fromisoformat(row["date"]) + timedelta(weeks=weeks)).isoformat()})
    return out.getvalue()


def write_sample(folder: Path, today: date | None = None) -> int:
    """Write the files (never over an existing one) and print the commands that import them.
    The demand history is moved up to last week, as the demo's is: as shipped (2010–2011) its
    import would keep none of it (forecasts read the last 104 weeks)."""
    today = today or datetime.now(UTC).date()  # UTC: no shop settings here, and the history is moved by whole weeks
    wanted = _sample_files()
    clashes = [name for name, _ in wanted if (folder / name).exists()]
    if clashes:
        print(f"ordergram sample: {folder / clashes[0]} exists; choose an empty folder", file=sys.stderr)
        return 1
    (folder / "photos").mkdir(parents=True, exist_ok=True)
    for name, source in wanted:
        if name == "demand.csv":
            (folder / name).write_text(
                replayed_until(source.read_text(encoding="utf-8"), today), encoding="utf-8", newline=""
            )
        else:
            (folder / name).write_bytes(source.read_bytes())
    print(f"{len(wanted)} files written to {folder}. Import them in this order (after `ordergram migrate`):")
    for kind in IMPORT_ORDER:
        print(f"  ordergram import {kind} {shlex.quote(str(folder / f'{kind}.csv'))}")
    return 0
