"""Where goods go when no bin is named."""

from __future__ import annotations

from domain.stock import BinQuantity
from domain.warehouse import DEFAULT_BIN, receiving_bin


def test_the_fullest_bin_holding_the_product_then_its_last_bin_then_the_default() -> None:
    holding = [BinQuantity(1, 1, "A-01-01-1", 4), BinQuantity(1, 1, "B-02-01-1", 9), BinQuantity(1, 1, "C-01-01-1", 9)]
    assert receiving_bin(holding, "Z-09-09-9") == "B-02-01-1"  # the fullest; a tie goes to the first code
    assert receiving_bin([], "S-01-04-1") == "S-01-04-1"  # sold empty: back to its place
    assert receiving_bin([], None) == DEFAULT_BIN  # never in this warehouse
