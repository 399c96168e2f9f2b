"""Support hours: parsing SUPPORT_HOURS and when someone next answers, in the shop's timezone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from domain.support_hours import SupportHours

MOSCOW = ZoneInfo("Europe/Moscow")
LONDON = ZoneInfo("Europe/London")
WEEKDAYS = SupportHours.parse("Mon-Fri 09:00-18:00; Sat 10:00-14:00")


def test_within_hours_someone_answers_now() -> None:
    # Wednesday 25 November 2026, 12:00 in Moscow
    assert WEEKDAYS.next_answer(datetime(2026, 11, 25, 9, 0, tzinfo=UTC), MOSCOW) is None


def test_a_weeknight_is_answered_the_next_morning_in_the_shops_timezone() -> None:
    # Wednesday 22:30 Moscow time (19:30 UTC): Thursday 09:00 Moscow
    assert WEEKDAYS.next_answer(datetime(2026, 11, 25, 19, 30, tzinfo=UTC), MOSCOW) == datetime(
        2026, 11, 26, 9, 0, tzinfo=MOSCOW
    )


def test_the_hour_is_the_shops_not_utcs() -> None:
    # 07:00 UTC is 10:00 in Moscow (open) but 07:00 in London (closed until 09:00)
    moment = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
    assert WEEKDAYS.next_answer(moment, MOSCOW) is None
    assert WEEKDAYS.next_answer(moment, LONDON) == datetime(2026, 11, 25, 9, 0, tzinfo=LONDON)


def test_saturday_afternoon_waits_for_monday_and_the_end_of_a_window_is_closed() -> None:
    saturday_two = datetime(2026, 11, 28, 14, 0, tzinfo=LONDON)
    assert WEEKDAYS.next_answer(saturday_two, LONDON) == datetime(2026, 11, 30, 9, 0, tzinfo=LONDON)


def test_a_range_of_days_may_wrap_round_the_week_and_24_00_ends_the_day() -> None:
    weekend = SupportHours.parse("sat-mon 00:00-24:00")
    assert [w.weekday for w in weekend.windows] == [0, 5, 6]
    assert weekend.next_answer(datetime(2026, 11, 29, 23, 59, tzinfo=LONDON), LONDON) is None
    assert weekend.next_answer(datetime(2026, 12, 1, 8, 0, tzinfo=LONDON), LONDON) == datetime(
        2026, 12, 5, 0, 0, tzinfo=LONDON
    )


def test_no_hours_set_means_always_answered() -> None:
    assert SupportHours.parse("").next_answer(datetime(2026, 11, 25, 3, 0, tzinfo=UTC), LONDON) is None


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("Mon-Fri 9-18", "is not like"),
        ("Mon-Fry 09:00-18:00", "'fry' is not a day"),
        ("Mon 18:00-09:00", "must end after it starts"),
        ("Mon 09:60-18:00", "is not a time of day"),
        ("Mon 09:00-25:00", "is not a time of day"),
    ],
)
def test_a_mistyped_setting_is_refused_saying_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        SupportHours.parse(text)
