"""What a backup, a copy and the copy before migrating say they hold reads as English counts are written."""

from __future__ import annotations

from bot.dbtools import counted


def test_one_of_a_kind_is_singular_and_thousands_are_grouped() -> None:
    """`ordergram backup` of a new shop said "1 customers, 1 orders", and a big one "1904 orders" beside an import's
    "15,099"."""
    held = {"products": 1, "warehouses": 2, "customers": 1, "orders": 1904}
    assert counted(held) == "1 product, 2 warehouses, 1 customer, 1,904 orders"
    assert counted({"products": 0, "orders": 1}) == "0 products, 1 order"
