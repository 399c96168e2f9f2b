"""Picking: the walk through the bins, which bins give the goods, and which orders are picked together."""

from __future__ import annotations

from domain.picking import BinStock, Demand, assign_bins, choose_batch, route_length, walking_key


def test_walking_order_is_serpentine_zone_by_zone() -> None:
    codes = ["B-01-03-1", "A-02-05-1", "A-01-07-1", "A-02-09-1", "A-01-02-1"]
    assert sorted(codes, key=walking_key) == ["A-01-02-1", "A-01-07-1", "A-02-09-1", "A-02-05-1", "B-01-03-1"]


def test_bins_are_taken_fullest_first_and_never_promised_twice() -> None:
    stock = [BinStock(1, "A-01-01-1", 3), BinStock(1, "A-05-01-1", 5)]
    tasks = assign_bins([Demand(10, 1, 4), Demand(11, 1, 3)], stock, {10: 1, 11: 2})
    taken = {(t.order_id, t.bin_code, t.quantity) for t in tasks}
    assert taken == {(10, "A-05-01-1", 4), (11, "A-05-01-1", 1), (11, "A-01-01-1", 2)}
    short = assign_bins([Demand(12, 1, 9)], stock, {12: 1})
    assert [(t.bin_code, t.quantity) for t in short] == [("A-01-01-1", 3), ("A-05-01-1", 5), (None, 1)]


def test_a_batch_prefers_orders_sharing_skus_within_the_cart() -> None:
    orders = [
        (1, [Demand(1, 100, 2)]),
        (2, [Demand(2, 200, 1)]),
        (3, [Demand(3, 100, 1), Demand(3, 300, 1)]),
        (4, [Demand(4, 100, 50)]),
    ]
    assert choose_batch(orders, max_orders=3, capacity=10) == [1, 3, 2]  # 4 would overfill the cart


def test_a_route_is_shorter_when_bins_share_an_aisle() -> None:
    same_aisle = route_length(["A-01-05-1", "A-01-20-1"])
    two_aisles = route_length(["A-01-05-1", "A-09-20-1"])
    assert 0 < same_aisle < two_aisles
