"""The rule of a short pick the customer decides: what they are offered, the flags each answer
leaves, what is still to pick, and when the order is ready to pack."""

from __future__ import annotations

from domain.backorders import BACKORDER_FLAG, SPLIT_FLAG
from domain.picking import PickLine, in_hand_at, spoken_for
from domain.shortages import SHORT_FLAG, ShortChoice, choices, flags_after, ready_to_pack, still_to_pick

HELD = frozenset({SHORT_FLAG, "VIP"})


def test_a_delivered_order_is_offered_all_three_answers_and_a_pickup_no_split() -> None:
    assert choices(pickup=False) == [ShortChoice.SPLIT, ShortChoice.WAIT, ShortChoice.CANCEL]
    assert choices(pickup=True) == [ShortChoice.WAIT, ShortChoice.CANCEL]


def test_a_split_sends_what_is_there_and_keeps_the_missing_part_waiting() -> None:
    assert flags_after(HELD, ShortChoice.SPLIT, other_waiting=False) == {"VIP", BACKORDER_FLAG, SPLIT_FLAG}


def test_a_wait_keeps_the_order_whole_even_if_it_was_split_before() -> None:
    before = HELD | {SPLIT_FLAG, BACKORDER_FLAG}
    assert flags_after(before, ShortChoice.WAIT, other_waiting=True) == {"VIP", BACKORDER_FLAG}


def test_a_cancel_ends_the_waiting_unless_another_part_still_waits() -> None:
    assert flags_after(HELD | {BACKORDER_FLAG}, ShortChoice.CANCEL, other_waiting=False) == {"VIP"}
    kept = HELD | {BACKORDER_FLAG, SPLIT_FLAG}
    assert flags_after(kept, ShortChoice.CANCEL, other_waiting=True) == {"VIP", BACKORDER_FLAG, SPLIT_FLAG}


def test_what_is_still_to_pick_is_the_allocation_less_what_is_in_hand() -> None:
    # 5 of product 1 allocated, 2 picked and still here: 3 to pick; product 2 all in hand.
    assert still_to_pick({1: 5, 2: 1}, {1: 2, 2: 1}, {}) == {1: 3}
    # After a parcel took the 2 picked, the 3 that arrived are all to pick.
    assert still_to_pick({1: 3}, {1: 2}, {1: 2}) == {1: 3}
    # A parcel of part of a packed order leaves the rest in hand: nothing to pick again.
    assert still_to_pick({1: 1}, {1: 2}, {1: 1}) == {}


def test_an_order_is_ready_to_pack_only_with_everything_in_hand_and_not_waiting_to_leave_whole() -> None:
    split = frozenset({BACKORDER_FLAG, SPLIT_FLAG})
    assert ready_to_pack(split, {}, in_hand=2)
    assert not ready_to_pack(split, {}, in_hand=0)  # nothing on the shelf: the rest comes first
    assert not ready_to_pack(split, {7: 1}, in_hand=2)
    assert not ready_to_pack(frozenset({BACKORDER_FLAG}), {}, in_hand=2)  # waits to leave whole
    assert not ready_to_pack(frozenset({SHORT_FLAG}), {}, in_hand=2)  # the customer has not answered
    assert ready_to_pack(frozenset(), {}, in_hand=1)


def test_a_bin_still_counts_units_an_order_picked_and_not_shipped_or_planned_so_they_are_not_planned_again() -> None:
    lines = [
        PickLine(1, 9, 1, "A-01-01-1", 1, 3, picked=3, id=1),  # 3 picked in zone A, 2 of them shipped since
        PickLine(1, 9, 1, "B-01-01-1", 1, 2, picked=1, short=1, id=2),  # 1 picked, 1 short
        PickLine(1, 9, 2, "B-02-01-1", 1, 2, id=3),  # planned on an open line
        PickLine(2, 9, 2, None, 1, 1, id=4),  # in no bin
    ]
    assert spoken_for(lines, {1: 2}) == {(1, "A-01-01-1"): 1, (1, "B-01-01-1"): 1, (2, "B-02-01-1"): 2}


def test_what_an_order_has_in_hand_is_reckoned_per_warehouse_its_shipped_units_from_its_earliest_picks() -> None:
    lines = [
        PickLine(1, 9, 1, "A-01-01-1", 1, 2, picked=2, id=1, warehouse_id=1),  # W1 picked its 2, 1 shipped since
        PickLine(1, 9, 1, "A-01-01-1", 1, 1, picked=1, id=2, warehouse_id=2),  # W2 picked its 1 (another shelf)
        PickLine(2, 9, 1, "B-01-01-1", 1, 2, id=3, warehouse_id=2),  # W2 plans 2 more
    ]
    assert in_hand_at(lines, {1: 1}, 1, planned=False) == {1: 1}
    assert in_hand_at(lines, {1: 1}, 2, planned=False) == {1: 1}
    assert in_hand_at(lines, {1: 1}, 2, planned=True) == {1: 3}
    assert in_hand_at(lines, {1: 3}, 1, planned=True) == {}  # a parcel took all that was picked


def test_a_line_no_bin_held_is_planned_in_hand_for_its_short_pick_though_no_bin_counts_it() -> None:
    lines = [
        PickLine(1, 9, 1, None, 1, 1, id=1, warehouse_id=1),  # no bin held it: its picker reports it short
        PickLine(1, 9, 1, "A-01-01-1", 1, 2, picked=2, id=2, warehouse_id=1),  # 2 picked, 1 of them shipped since
    ]
    assert spoken_for(lines, {1: 1}, 1) == {(1, "A-01-01-1"): 1}
    assert in_hand_at(lines, {1: 1}, 1, planned=False) == {1: 1}
    assert in_hand_at(lines, {1: 1}, 1, planned=True) == {1: 2}
