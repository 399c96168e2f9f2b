"""``ordergram sample DIR``: the demo shop's CSV files, written out to start a shop from."""

from __future__ import annotations

import shlex
import sys
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

# In the order they import: each file names only what the ones before it created.
IMPORT_ORDER = ("warehouses", "products", "stock", "carriers", "boxes", "suppliers", "reorder", "demand")


def _sample_files() -> list[tuple[str, Traversable]]:
    """(relative name, package file) for every CSV and product photo of the demo shop."""
    data = files("bot") / "demo_data"
    found = [(f"{kind}.csv", data / f"{kind}.csv") for kind in IMPORT_ORDER]
    photos = data / "photos"
    found += sorted((f"photos/{photo.name}", photo) for photo in photos.iterdir() if photo.name.endswith(".png"))
    return found


def write_sample(folder: Path) -> int:
    """Write the files (never over an existing one) and print the commands that import them."""
    wanted = _sample_files()
    clashes = [name for name, _ in wanted if (folder / name).exists()]
    if clashes:
        print(f"ordergram sample: {folder / clashes[0]} exists; choose an empty folder", file=sys.stderr)
        return 1
    (folder / "photos").mkdir(parents=True, exist_ok=True)
    for name, source in wanted:
        (folder / name).write_bytes(source.read_bytes())
    print(f"{len(wanted)} files written to {folder}. Import them in this order (after `ordergram migrate`):")
    for kind in IMPORT_ORDER:
        print(f"  ordergram import {kind} {shlex.quote(str(folder / f'{kind}.csv'))}")
    return 0
