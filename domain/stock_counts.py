"""Many bin counts at once (a stock file): each row's delta as if counted one after another."""
# The rule the bulk path relies on: the outcome of a file is decided here, on the counters
# and bins read under the transaction's write lock, row by row in file order, exactly as
# ``set_bin_quantity`` would decide them one at a time; storage then only writes the result.

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from domain.errors import DomainError, InsufficientStock
from domain.stock import StockLevel
from domain.warehouse import normal_bin


@dataclass(frozen=True, slots=True)
class BinCount:
    """The quantity counted in one bin."""

    product_id: int
    warehouse_id: int
    bin_code: str
    quantity: int

    @property
    def bin(self) -> str:
        return normal_bin(self.bin_code)


class CountsRefused(DomainError):
    """Some counts would leave less on hand than is reserved; nothing was written.
    ``refused``: (index of the count, what was available there)."""

    key = InsufficientStock.key

    def __init__(self, refused: Sequence[tuple[int, int]]) -> None:
        self.refused = list(refused)
        super().__init__(available=refused[0][1] if refused else 0)


@dataclass(frozen=True, slots=True)
class CountPlan:
    deltas: list[int]  # per count, 0 where it changes nothing
    bins: dict[tuple[int, int, str], int]  # (product, warehouse, bin) → its new quantity, where changed
    on_hand: dict[tuple[int, int], int]  # (product, warehouse) → its new on-hand, where changed


def plan_bin_counts(
    counts: Sequence[BinCount],
    bins: Mapping[tuple[int, int, str], int],
    levels: Mapping[tuple[int, int], StockLevel],
) -> CountPlan:
    """Apply ``counts`` in order to the stored ``bins`` and ``levels``; raises
    ``CountsRefused`` naming every count that would drop on-hand below reserved."""
    current_bins: dict[tuple[int, int, str], int] = {}
    current: dict[tuple[int, int], StockLevel] = {}
    deltas: list[int] = []
    refused: list[tuple[int, int]] = []
    for index, count in enumerate(counts):
        where = (count.product_id, count.warehouse_id)
        spot = (*where, count.bin)
        before = current_bins.get(spot, bins.get(spot, 0))
        delta = count.quantity - before
        if delta == 0:
            deltas.append(0)
            continue
        level = current.get(where) or levels.get(where) or StockLevel(*where)
        try:
            current[where] = level.adjust(delta)
        except InsufficientStock:
            refused.append((index, max(level.available, 0)))
            deltas.append(0)
            continue
        current_bins[spot] = count.quantity
        deltas.append(delta)
    if refused:
        raise CountsRefused(refused)
    return CountPlan(deltas, current_bins, {where: level.on_hand for where, level in current.items()})
