"""Jinja2 templates with autoescape, gettext from the current update's locale, and
Babel-formatted money and dates. Everything a person reads is rendered here."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache, partial
from pathlib import Path
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import I18n, gettext, ngettext
from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from bot.labels import LABELS, label
from domain.money import Money

TEMPLATES_DIR = Path(__file__).parent / "templates"


def current_locale() -> str:
    i18n = I18n.get_current(no_error=True)
    return i18n.current_locale if i18n else "en"


@lru_cache(maxsize=64)
def _babel_locale(name: str) -> Locale:
    return Locale.parse(name)


def format_money(money: Money, locale: str | None = None) -> str:
    return _format_money(money.amount, money.currency, locale or current_locale())


@lru_cache(maxsize=8192)
def _format_money(minor: int, currency: str, locale: str) -> str:
    # Babel's formatting is slow (~0.1 ms) and prices repeat on every card: remember them.
    money = Money(minor, currency)
    return format_currency(money.to_decimal(), currency, locale=_babel_locale(locale))


def _label_filter(kind: str, code: str) -> str:
    return label(kind, code)


class Renderer:
    def __init__(self, timezone: str = "UTC") -> None:
        self.timezone = ZoneInfo(timezone)
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES_DIR),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            auto_reload=False,  # templates ship with the code; no stat() per message
        )
        self.env.install_gettext_callables(gettext=gettext, ngettext=ngettext, newstyle=True)  # type: ignore[attr-defined]
        self.env.filters["money"] = lambda m: format_money(m)
        self.env.filters["datetime"] = self.format_when
        # Dates stored in notification parameters arrive as ISO text.
        self.env.filters["date"] = lambda d: format_date(
            date.fromisoformat(d) if isinstance(d, str) else d, "medium", locale=current_locale()
        )
        self.env.globals["money_of"] = Money
        for kind in LABELS:  # {{ x | status }} is {{ x | label("status") }}
            self.env.filters[kind] = partial(_label_filter, kind)

    def format_when(self, value: datetime) -> str:
        return format_datetime(value.astimezone(self.timezone), "short", locale=current_locale())

    def render(self, template: str, **context: object) -> str:
        return self.env.get_template(template).render(**context).strip()
