"""A stock level's counters: what is available, reserving, releasing, committing and writing off."""

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InsufficientStock, InvalidQuantity
from domain.stock import StockInvariantBroken, StockLevel


def test_available_is_on_hand_minus_reserved() -> None:
    assert StockLevel(1, 1, on_hand=10, reserved=3).available == 7


def test_reserving_more_than_available_is_refused_with_the_available_number() -> None:
    level = StockLevel(1, 1, on_hand=5, reserved=3)
    with pytest.raises(InsufficientStock) as caught:
        level.reserve(3)
    assert caught.value.params == {"available": 2}


def test_release_and_commit_move_the_right_counters() -> None:
    level = StockLevel(1, 1, on_hand=10).reserve(4)
    assert level.release(1) == StockLevel(1, 1, on_hand=10, reserved=3)
    assert level.commit(4) == StockLevel(1, 1, on_hand=6, reserved=0)


def test_releasing_or_committing_unreserved_goods_is_refused() -> None:
    with pytest.raises(StockInvariantBroken):
        StockLevel(1, 1, on_hand=10, reserved=1).release(2)
    with pytest.raises(StockInvariantBroken):
        StockLevel(1, 1, on_hand=10, reserved=1).commit(2)


def test_a_write_off_cannot_eat_reserved_goods() -> None:
    with pytest.raises(InsufficientStock):
        StockLevel(1, 1, on_hand=5, reserved=4).adjust(-2)
    assert StockLevel(1, 1, on_hand=5, reserved=4).adjust(-1).available == 0


@pytest.mark.parametrize("quantity", [0, -1, 10_001, True])
def test_quantities_must_be_positive_whole_numbers(quantity: int) -> None:
    with pytest.raises(InvalidQuantity):
        StockLevel(1, 1, on_hand=100).reserve(quantity)


operations = st.lists(
    st.tuples(st.sampled_from(["reserve", "release", "commit", "adjust"]), st.integers(min_value=-5, max_value=8)),
    max_size=60,
)


@given(st.integers(min_value=0, max_value=20), operations)
def test_no_sequence_of_operations_makes_available_negative(start: int, ops: list[tuple[str, int]]) -> None:
    level = StockLevel(1, 1, on_hand=start)
    for name, quantity in ops:
        with contextlib.suppress(InsufficientStock, StockInvariantBroken, InvalidQuantity):
            level = level.adjust(quantity) if name == "adjust" else getattr(level, name)(quantity)
        assert level.reserved >= 0
        assert level.available >= 0
