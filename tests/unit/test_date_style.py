"""Dates are written as the shop's country writes the reader's language; without one, not the US's way."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from babel.dates import format_date

from handlers.views.dates import dates_locale, format_moment

MOMENT = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize("timezone", ["UTC", "Etc/UTC", "GMT", "Etc/GMT+5"])
def test_english_in_a_shop_whose_zone_names_no_country_is_written_day_first(timezone: str) -> None:
    assert str(dates_locale("en", timezone)) == "en_001"  # World English: 25/11/2026, 25 Nov 2026


def test_english_in_a_shop_whose_country_babel_has_no_english_for_is_written_day_first() -> None:
    assert str(dates_locale("en", "Europe/Moscow")) == "en_001"  # not the US's Nov 25 in a Moscow shop


def test_english_in_a_london_shop_is_british() -> None:
    assert str(dates_locale("en", "Europe/London")) == "en_GB"


def test_english_in_a_new_york_shop_is_american() -> None:
    assert str(dates_locale("en", "America/New_York")) == "en_US"


@pytest.mark.parametrize("timezone", ["UTC", "Europe/London", "Europe/Moscow", "America/New_York"])
def test_russian_keeps_its_own_dates_wherever_the_shop_is(timezone: str) -> None:
    locale = dates_locale("ru", timezone)
    assert format_date(MOMENT, "short", locale=locale) == "25.11.2026"
    assert format_moment(MOMENT, timezone, "ru").startswith("25 нояб. 2026\u202fг., ")


@pytest.mark.parametrize(
    ("language", "timezone", "written"),
    [
        ("en", "Europe/London", "25 Nov 2026, 09:30"),
        ("en", "UTC", "25 Nov 2026, 9:30\u202fam"),
        ("en", "America/New_York", "Nov 25, 2026, 4:30\u202fAM"),
        ("ru", "UTC", "25 нояб. 2026\u202fг., 09:30"),
    ],
)
def test_a_moment_is_the_days_medium_date_and_the_time_to_the_minute(
    language: str, timezone: str, written: str
) -> None:
    # Written as a delivery day is ("Expected delivery: 27 Nov 2026") so one screen reads one way.
    assert format_moment(MOMENT, timezone, language) == written


def test_a_moment_is_written_on_the_shops_day() -> None:
    late = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)
    assert format_moment(late, "Europe/Moscow", "ru") == "26 нояб. 2026\u202fг., 02:30"
