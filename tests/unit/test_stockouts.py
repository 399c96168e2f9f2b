"""Weeks out of stock, read from the stock movements: which days count as out, and which weeks a forecast leaves out."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

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


def _day_by_day(trail: StockTrail, first_week: date, weeks: int) -> list[int]:
    """The rule as its docstring says it, one day at a time (UTC): what the faster walk must equal."""
    end = first_week + timedelta(weeks=weeks)
    net: dict[date, int] = {}
    for at, delta in trail.moves:
        net[at.date()] = net.get(at.date(), 0) + delta
    came_in = {at.date() for at, delta in trail.moves if delta > 0}
    balance = trail.on_hand - sum(delta for day, delta in net.items() if day >= end)
    known, out, day = trail.first_moved.date(), [0] * weeks, end - timedelta(days=1)
    while day >= first_week:
        balance -= net.get(day, 0)
        if balance <= 0 and day not in came_in and day > known:
            out[(day - first_week).days // 7] += 1
        day -= timedelta(days=1)
    return out


def test_days_out_counted_between_movements_equal_the_rule_read_day_by_day() -> None:
    rng = random.Random(5)
    for _ in range(400):
        start = datetime(2026, 10, 1, 9, tzinfo=UTC) + timedelta(days=rng.randint(0, 60))
        moves, on_hand = [], 0
        for _ in range(rng.randint(0, 25)):
            delta = rng.choice([rng.randint(1, 6), -rng.randint(1, 6), 0])
            delta = max(delta, -on_hand)  # a count never goes below none
            on_hand += delta
            moves.append((start + timedelta(days=rng.randint(0, 90), hours=rng.randint(0, 12)), delta))
        moves.sort()
        first = moves[0][0] if moves else start
        on_hand = sum(delta for _, delta in moves)
        weeks = rng.randint(1, 16)
        trail = StockTrail(on_hand, first, moves)
        assert days_out(trail, MONDAY, weeks, "UTC") == _day_by_day(trail, MONDAY, weeks), trail
