"""Warehouses, zones and bins.

Bin codes follow ``ZONE-AISLE-RACK-LEVEL`` (e.g. ``A-03-12-2``); the zone is the first
segment, so zone picking and walking order can be derived from the code alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from domain.errors import DomainError
from domain.i18n import N_
from domain.stock import BinQuantity


class InvalidBinCode(DomainError):
    key = N_("{code} is not a bin code of the form ZONE-AISLE-RACK-LEVEL.")


BIN_PATTERN = re.compile(r"^([A-Z0-9]{1,8})-(\d{1,3})-(\d{1,3})-(\d{1,2})$")
DEFAULT_BIN = "MAIN-00-00-0"  # as it is stored and shown (normal_bin): "MAIN-0-0-0" named a bin /stock did not list


def receiving_bin(holding: Sequence[BinQuantity], last_bin: str | None) -> str:
    """Where goods go when no bin is named: the fullest bin already holding the product in
    the warehouse, else the bin it last lay in there (its place, sold empty), else the
    warehouse's default bin."""
    if holding:
        return min(holding, key=lambda b: (-b.quantity, b.bin_code)).bin_code
    return last_bin or DEFAULT_BIN


class NewBin(DomainError):
    """A bin named for goods in that the warehouse does not have: a typo (``Z-99-99-9``) made a bin nobody
    looks in, and the stock went into it. Asked first (``near``: the existing bins its code is closest to)."""

    key = N_("Bin {bin} does not exist in {warehouse}. Create it and receive there?")

    def __init__(self, *, bin: str, warehouse: str, near: Sequence[str]) -> None:
        super().__init__(bin=bin, warehouse=warehouse)
        self.bin, self.warehouse, self.near = bin, warehouse, tuple(near)


class NewTargetBin(NewBin):
    """``NewBin`` for stock moved (/move, /transfer): the units went into a bin nobody looks in."""

    key = N_("Bin {bin} does not exist in {warehouse}. Create it and move the goods there?")


class NewCountedBin(NewBin):
    """``NewBin`` for a bin counted (/count): a mistyped code opened an empty bin, and what was counted there was
    booked into it."""

    key = N_("Bin {bin} does not exist in {warehouse}. Create it and count it?")


NEAR_BINS = 3  # the closest existing bins a question about a new one names
NEAR_EDITS = 2  # at most this many characters typed wrong (added, left out or changed) to be named


def nearest_bins(code: str, existing: Sequence[str], limit: int = NEAR_BINS) -> list[str]:
    """The existing bins within ``NEAR_EDITS`` edits of ``code`` (its dashes included), closest first, then by code."""
    scored = sorted((d, other) for other in existing if (d := _edits(code, other, NEAR_EDITS)) <= NEAR_EDITS)
    return [other for _d, other in scored[:limit]]


def _edits(a: str, b: str, most: int) -> int:
    """Levenshtein distance, given up (``most + 1``) once it is over ``most``: a warehouse has thousands of bins."""
    if abs(len(a) - len(b)) > most:
        return most + 1
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (x != y))
        if min(row) > most:
            return most + 1
    return row[-1]


@dataclass(frozen=True, slots=True, order=True)
class BinCode:
    zone: str
    aisle: int
    rack: int
    level: int

    @classmethod
    def parse(cls, code: str) -> BinCode:
        match = BIN_PATTERN.match(code.strip().upper())
        if not match:
            raise InvalidBinCode(code=code)
        zone, aisle, rack, level = match.groups()
        return cls(zone, int(aisle), int(rack), int(level))

    def __str__(self) -> str:
        return f"{self.zone}-{self.aisle:02d}-{self.rack:02d}-{self.level}"


@lru_cache(maxsize=10_000)
def normal_bin(code: str) -> str:
    """A bin code as stored (``a-1-1-1`` → ``A-01-01-1``); raises ``InvalidBinCode``. A stock
    file names a few hundred bins in 500,000 rows: each is parsed once."""
    return str(BinCode.parse(code))


@dataclass(slots=True)
class Warehouse:
    code: str
    name: str
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    is_pickup_point: bool = False
    zones: tuple[str, ...] = field(default_factory=tuple)
    id: int | None = None
