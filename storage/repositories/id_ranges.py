"""Product ids read as a few (low, high) ranges: what the demand and stock-day readers share."""

from __future__ import annotations

from collections.abc import Sequence

NEIGHBOURS = 64  # product ids further apart than this are read in separate ranges


def id_ranges(ids: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted ids as (low, high) ranges, split where two are more than ``NEIGHBOURS`` apart:
    a batch of the nightly job is one range; scattered ids read little they did not ask for."""
    ranges: list[tuple[int, int]] = []
    for product_id in sorted(set(ids)):
        if ranges and product_id - ranges[-1][1] <= NEIGHBOURS:
            ranges[-1] = ranges[-1][0], product_id
        else:
            ranges.append((product_id, product_id))
    return ranges
