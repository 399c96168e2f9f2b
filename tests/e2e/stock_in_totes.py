"""Set-ups and readers of test_stock_in_totes that other test modules use too."""

from __future__ import annotations


def bins_of(view: str, warehouse: str) -> list[str]:
    """The bin lines /stock shows under one warehouse."""
    block = next(b for b in view.split("🏬 ")[1:] if b.startswith(f"{warehouse}:"))
    return [line.strip() for line in block.splitlines() if line.strip().startswith("▫️")]
