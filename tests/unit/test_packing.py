from __future__ import annotations

import pytest

from domain.catalog import Dimensions
from domain.packing import Box, Item, NoBoxFits, box_takes, choose_boxes

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
    assert sum(len(p.items) for p in plans) == 4


def test_an_item_no_box_takes_is_refused_by_name() -> None:
    with pytest.raises(NoBoxFits) as refused:
        choose_boxes([Item("SOFA", 40000, Dimensions(2000, 900, 800))], BOXES)
    assert refused.value.params == {"sku": "SOFA"}
