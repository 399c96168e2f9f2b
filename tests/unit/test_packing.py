"""Choosing boxes: the smallest that takes everything, a split when none does, an item no box takes refused by name."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.catalog import Dimensions
from domain.packing import FILL_FACTOR, Box, Item, NoBoxFits, PackagePlan, box_takes, choose_boxes, item_fits

BOXES = [
    Box("S", "Small", 200, 150, 100, 2000),
    Box("M", "Medium", 300, 250, 200, 10000),
    Box("L", "Large", 500, 400, 300, 20000),
]
MUG = Item("MUG", 350, Dimensions(120, 90, 100))


def test_the_smallest_box_that_takes_everything_is_chosen() -> None:
    (plan,) = choose_boxes([MUG], BOXES)
    assert plan.box.code == "S" and plan.weight_g == 385  # 350 g + 10 % packing
    (plan,) = choose_boxes([MUG] * 4, BOXES)
    assert plan.box.code == "M"  # four mugs overfill the small box's usable volume


def test_an_item_must_fit_in_some_orientation_and_weight_counts() -> None:
    poster_tube = Item("TUBE", 300, Dimensions(80, 80, 450))
    (plan,) = choose_boxes([poster_tube], BOXES)
    assert plan.box.code == "L"  # 450 mm only fits the large box's longest side
    heavy = Item("IRON", 2500, Dimensions(50, 50, 50))
    assert choose_boxes([heavy], BOXES)[0].box.code == "M"  # small takes 2 kg at most


def test_what_no_single_box_takes_is_split_and_each_box_shrunk() -> None:
    brick = Item("BRICK", 9000, Dimensions(200, 100, 60))
    plans = choose_boxes([brick, brick, brick, MUG], BOXES)
    assert len(plans) == 2
    assert all(box_takes(p.box, p.items) for p in plans)
    assert sorted(len(p.items) for p in plans) == [1, 3]  # first fit: two bricks and the mug, then one brick
    assert len(plans) == 2 and sum(len(p.items) for p in plans) == 4  # 24 kg: over any one box


def test_a_split_of_same_sku_items_measured_differently_is_still_planned() -> None:
    """Two units filed under one SKU but measured in other orientations (same volume, same
    weight) tie on every key but their dimensions, which have no order of their own."""
    flat, tall = Item("BOX", 6000, Dimensions(280, 230, 180)), Item("BOX", 6000, Dimensions(180, 230, 280))
    plans = choose_boxes([flat, tall, flat, tall], BOXES)
    assert len(plans) == 2 and sum(len(p.items) for p in plans) == 4  # 24 kg: over any one box


def test_an_item_no_box_takes_is_refused_by_name() -> None:
    with pytest.raises(NoBoxFits) as refused:
        choose_boxes([Item("SOFA", 40000, Dimensions(2000, 900, 800))], BOXES)
    assert refused.value.params == {"sku": "SOFA"}


def test_a_split_is_found_in_a_box_that_is_not_the_largest() -> None:
    """BIG holds 2 kg, SMALL 20 kg: eight 3 kg kettles need two SMALL boxes."""
    big = Box("BIG", "Big", 600, 400, 400, 2000)
    small = Box("SMALL", "Small", 300, 200, 200, 20000)
    kettle = Item("KETTLE", 3000, Dimensions(100, 100, 100))
    plans = choose_boxes([kettle] * 8, [big, small])
    assert [p.box.code for p in plans] == ["SMALL", "SMALL"]
    _assert_valid(plans, [kettle] * 8)


def test_an_item_that_fits_a_box_but_overfills_it_is_refused_by_name() -> None:
    box = Box("CUBE", "Cube", 100, 100, 100, 5000)
    block = Item("BLOCK", 500, Dimensions(95, 95, 95))  # fits the shape, but 86 % of the volume
    with pytest.raises(NoBoxFits) as refused:
        choose_boxes([block, MUG], [box])
    assert refused.value.params == {"sku": "BLOCK"}


def _assert_valid(plans: list[PackagePlan], items: list[Item]) -> None:
    assert Counter(i for p in plans for i in p.items) == Counter(items)
    for plan in plans:
        assert sum(i.weight_g for i in plan.items) <= plan.box.max_weight_g
        assert sum(i.volume_mm3 for i in plan.items) <= plan.box.volume_mm3 * FILL_FACTOR
        assert all(item_fits(i, plan.box) for i in plan.items)


def _partitions(items: list[Item]) -> Iterator[list[list[Item]]]:
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for partition in _partitions(rest):
        for i in range(len(partition)):
            yield [*partition[:i], [first, *partition[i]], *partition[i + 1 :]]
        yield [[first], *partition]


def _brute_force(items: list[Item], boxes: list[Box]) -> tuple[int, int] | None:
    """The fewest packages, then the least box volume, over every way to group the items."""
    best: tuple[int, int] | None = None
    for partition in _partitions(items):
        volumes = [min((b.volume_mm3 for b in boxes if box_takes(b, group)), default=None) for group in partition]
        if all(v is not None for v in volumes):
            cost = (len(partition), sum(v for v in volumes if v is not None))
            best = cost if best is None else min(best, cost)
    return best


_sides = st.integers(min_value=20, max_value=400)
_items = st.builds(
    Item,
    sku=st.sampled_from(["A", "B", "C"]),
    weight_g=st.integers(min_value=100, max_value=12000),
    dimensions=st.one_of(st.none(), st.builds(Dimensions, _sides, _sides, _sides)),
)
_boxes = st.builds(
    Box,
    code=st.sampled_from(["S", "M", "L"]),
    name=st.just("box"),
    length_mm=st.integers(min_value=100, max_value=600),
    width_mm=st.integers(min_value=100, max_value=500),
    height_mm=st.integers(min_value=100, max_value=400),
    max_weight_g=st.integers(min_value=1000, max_value=30000),
)


@settings(max_examples=250, deadline=None)
@given(
    kinds=st.lists(_items, min_size=1, max_size=3),
    picks=st.lists(st.integers(min_value=0, max_value=2), min_size=1, max_size=6),
    boxes=st.lists(_boxes, min_size=2, max_size=3, unique_by=lambda b: b.code),
)
def test_a_packing_is_found_whenever_one_exists_and_uses_the_fewest_boxes(
    kinds: list[Item], picks: list[int], boxes: list[Box]
) -> None:
    items = [kinds[p % len(kinds)] for p in picks]  # repeats, as an order of several units has
    best = _brute_force(items, boxes)
    if best is None:
        with pytest.raises(NoBoxFits):
            choose_boxes(items, boxes)
        return
    plans = choose_boxes(items, boxes)
    _assert_valid(plans, items)
    assert (len(plans), sum(p.box.volume_mm3 for p in plans)) == best


@settings(max_examples=200, deadline=None)
@given(
    kinds=st.lists(_items, min_size=1, max_size=3),
    picks=st.lists(st.integers(min_value=0, max_value=2), min_size=1, max_size=6),
    boxes=st.lists(_boxes, min_size=1, max_size=3, unique_by=lambda b: b.code),
)
def test_with_any_box_set_up_an_order_gets_a_plan_or_is_told_which_item_no_box_takes(
    kinds: list[Item], picks: list[int], boxes: list[Box]
) -> None:
    """The packing screen's "No standard box fits this order" (boxes set up, nothing proposed,
    no item named) could only follow an empty plan: there is none to follow."""
    items = [kinds[p % len(kinds)] for p in picks]
    try:
        plans = choose_boxes(items, boxes)
    except NoBoxFits as refused:
        assert refused.params["sku"] in {i.sku for i in items}
        return
    assert plans
    _assert_valid(plans, items)
