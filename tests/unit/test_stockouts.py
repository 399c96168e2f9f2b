"""Weeks out of stock, read from the stock movements: which days count as out, and which weeks a forecast leaves out."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.stockouts import StockTrail, days_out, in_stock_weeks

MONDAY = date(2026, 11, 2)


def _at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def test_a_day_that_began_with_none_on_hand_and_took_nothing_in_is_out_of_stock() -> None:
    # 5 in on Mon 2nd, sold out on Wed 4th; none until 6 came in on Tue 10th, 2 sold since.
    trail = StockTrail(4, _at(2), [(_at(2), 5), (_at(4), -5), (_at(10), 6), (_at(12), -2)])
    # Thu 5th … Sun 8th: 4 days out; Mon 9th too (Tue 10th took 6 in, so it is not).
    assert days_out(trail, MONDAY, 2, "UTC") == [4, 1]


def test_days_before_the_first_movement_are_not_known_so_never_out() -> None:
    # Imported history from another system has no stock: the count began on Wed 11th.
    trail = StockTrail(3, _at(11), [(_at(11), 3)])
    assert days_out(trail, MONDAY, 2, "UTC") == [0, 0]


def test_the_day_turns_at_the_shops_midnight() -> None:
    # Emptied at 22:30 UTC on Sun 8th: already Monday 9th in Moscow, so Monday began with some.
    trail = StockTrail(0, _at(1), [(_at(1), 4), (_at(8, 22), -4)])
    assert days_out(trail, MONDAY, 2, "UTC") == [0, 7]
    assert days_out(trail, MONDAY, 2, "Europe/Moscow") == [0, 6]


def test_a_week_out_four_days_or_more_is_left_out_and_one_out_three_stays() -> None:
    assert in_stock_weeks([10.0, 6.0, 2.0, 0.0, 10.0], [0, 3, 4, 7, 0]) == ([10.0, 6.0, 10.0], 2)
