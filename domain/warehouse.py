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
