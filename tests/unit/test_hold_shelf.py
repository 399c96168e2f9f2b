"""Which totes of an order are on the hold shelf: those of rounds that ended while it was last on hold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.orders import HistoryEntry
from domain.orders import OrderStatus as S
from domain.picking import RoundTote, on_hold_shelf

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def moves(*steps: tuple[int, S, S]) -> list[HistoryEntry]:
    return [HistoryEntry(at(minute), "staff:1", before, after) for minute, before, after in steps]


PICKING = (0, S.ALLOCATED, S.PICKING)


def ended(minute: int | None, list_id: int = 1, picker: int = 71, tote: int = 1) -> RoundTote:
    return RoundTote(list_id, picker, tote, None if minute is None else at(minute))


def test_a_round_that_ended_while_the_order_was_held_has_its_tote_on_the_hold_shelf() -> None:
    history = moves(PICKING, (10, S.PICKING, S.ON_HOLD), (30, S.ON_HOLD, S.PICKING), (30, S.PICKING, S.PICKED))
    assert on_hold_shelf(history, [ended(20)]) == [ended(20)]


def test_the_round_whose_short_held_the_order_and_ended_with_it_counts() -> None:
    history = moves(PICKING, (10, S.PICKING, S.ON_HOLD), (30, S.ON_HOLD, S.PICKED))
    assert on_hold_shelf(history, [ended(10)]) == [ended(10)]


def test_a_round_still_open_or_ended_after_the_answer_sent_its_tote_to_packing() -> None:
    history = moves(PICKING, (10, S.PICKING, S.ON_HOLD), (30, S.ON_HOLD, S.PICKING), (40, S.PICKING, S.PICKED))
    assert on_hold_shelf(history, [ended(None, 1), ended(40, 2)]) == []


def test_an_order_never_held_has_nothing_on_the_hold_shelf() -> None:
    assert on_hold_shelf(moves(PICKING, (10, S.PICKING, S.PICKED)), [ended(10)]) == []


def test_an_earlier_hold_settled_before_the_latest_one_is_not_told_again() -> None:
    """Held at picking (the tote brought to packing when it was answered), then at packing: the round is not named."""
    history = moves(
        PICKING,
        (10, S.PICKING, S.ON_HOLD),
        (30, S.ON_HOLD, S.PICKED),
        (50, S.PICKED, S.ON_HOLD),
        (70, S.ON_HOLD, S.PICKED),
    )
    assert on_hold_shelf(history, [ended(20)]) == []


def test_every_picker_whose_round_ended_in_the_hold_is_named_with_their_own_tote() -> None:
    """A split order held by one warehouse's picker while the other picked its half: both totes wait on shelves."""
    history = moves(PICKING, (10, S.PICKING, S.ON_HOLD), (60, S.ON_HOLD, S.PICKING), (60, S.PICKING, S.PICKED))
    rounds = [ended(15, 1, 71, 1), ended(25, 2, 72, 3)]
    assert on_hold_shelf(history, rounds) == rounds
