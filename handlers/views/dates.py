"""Dates as people read them: the reader's language as the shop's country (its TIMEZONE's) writes it."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from aiogram.utils.i18n import I18n
from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date


def current_locale() -> str:
    i18n = I18n.get_current(no_error=True)
    return i18n.current_locale if i18n else "en"


@lru_cache(maxsize=256)
def dates_locale(language: str, timezone: str) -> Locale:
    """How the reader's language writes dates in the shop's country, where Babel knows the pair: English in a
    Europe/London shop is en_GB's 02/07/2026, 10:00 (plain ``en`` is the US's 7/2/26, 10:00 AM, a February to a
    Briton); a language the country's data lacks (Russian in London) keeps its own."""
    locale = Locale.parse(language)
    country = get_global("zone_territories").get(timezone)
    if locale.territory or not country or not country.isalpha():  # "001": the world, UTC's
        return locale
    try:
        return Locale(locale.language, country, script=locale.script)
    except UnknownLocaleError:
        return locale


def format_day(day: date, timezone: str) -> str:
    """A calendar day the reader's way as the shop's country (its ``timezone``'s) writes the reader's language
    ("Dec 1, 2024" in New York, "1 Dec 2024" in London, "1 дек. 2024 г." in Russian; see ``dates_locale``)."""
    return format_date(day, "medium", locale=dates_locale(current_locale(), timezone))
