"""Dates as people read them: the reader's language as the shop's country (its TIMEZONE's) writes it."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import I18n
from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date, format_time

WORLD = "001"  # CLDR's territory for a language as written internationally (en_001, "World English")


def current_locale() -> str:
    i18n = I18n.get_current(no_error=True)
    return i18n.current_locale if i18n else "en"


@lru_cache(maxsize=256)
def dates_locale(language: str, timezone: str) -> Locale:
    """How the reader's language writes dates in the shop's country (its ``TIMEZONE``'s): English in a
    Europe/London shop is en_GB's 25 Nov 2026, 09:30, in America/New_York en_US's Nov 25, 2026, 9:30 AM.
    Where that cannot be told — a zone with no country (UTC, the default), or a country Babel has no data
    for the language in (English in Moscow) — the language as written internationally, where Babel has
    that (World English, en_001: 25 Nov 2026, 9:30 am, day first), never plain ``en``'s US style, which
    turns 11/12 backwards for most of the world; else the language's own (Russian keeps its own anywhere)."""
    locale = Locale.parse(language)
    if locale.territory:
        return locale
    country = get_global("zone_territories").get(timezone)  # UTC: none; Etc/UTC: "ZZ", unknown
    for territory in (country, WORLD):
        if not territory:
            continue
        try:
            return Locale(locale.language, territory, script=locale.script)
        except UnknownLocaleError:
            continue
    return locale


def format_day(day: date, timezone: str) -> str:
    """A calendar day the reader's way as the shop's country (its ``timezone``'s) writes the reader's language
    ("Dec 1, 2024" in New York, "1 Dec 2024" in London, "1 дек. 2024 г." in Russian; see ``dates_locale``)."""
    return format_date(day, "medium", locale=dates_locale(current_locale(), timezone))


def format_moment(moment: datetime, timezone: str, language: str | None = None) -> str:
    """A moment in the shop's time zone, its day written as ``format_day`` writes one and its time to the minute
    ("25 Nov 2026, 09:30" in London, "Nov 25, 2026, 9:30 AM" in New York, "25 нояб. 2026 г., 09:30"), so a
    screen naming a moment (a cart held until) and a day (expected delivery) reads one way."""
    locale = dates_locale(language or current_locale(), timezone)
    local = moment.astimezone(ZoneInfo(timezone))
    # The locale's own joining of a date and a time ("{1}, {0}"); seconds are noise to a reader.
    return str(locale.datetime_formats["medium"]).format(
        format_time(local, "short", locale=locale), format_date(local, "medium", locale=locale)
    )
