"""Foreign-exchange rates kept as exact decimal strings, never floats."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.numbers import get_territory_currencies

from domain.errors import DomainError
from domain.i18n import N_
from domain.money import Money, decimal_mark, normalize_currency


class InvalidRate(DomainError):
    key = N_("{text} is not a valid exchange rate.")


# Digits, at most 12 on each side of the point: "1e999" was a rate of a thousand digits (every
# converted price then overflowed), and a rate is stored as text of at most 40 characters.
_RATE = re.compile(r"[0-9]{1,12}(\.[0-9]{1,12})?")


def parse_rate(text: str) -> Decimal:
    typed = decimal_mark(text.strip()) if isinstance(text, str) else ""
    if not _RATE.fullmatch(typed) or (rate := Decimal(typed)) <= 0:
        raise InvalidRate(text=text)
    return rate


@dataclass(frozen=True, slots=True)
class FxRate:
    """1 unit of ``base`` costs ``rate`` units of ``quote`` (e.g. USD→RUB 92.50)."""

    base: str
    quote: str
    rate: Decimal
    set_at: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "base", normalize_currency(self.base))
        object.__setattr__(self, "quote", normalize_currency(self.quote))
        if not isinstance(self.rate, Decimal) or self.rate <= 0:
            raise InvalidRate(text=str(self.rate))

    @property
    def rate_text(self) -> str:
        return format(self.rate, "f")

    def convert(self, money: Money) -> Money:
        if money.currency == self.quote and self.base != self.quote:
            return Money.from_decimal(money.to_decimal() / self.rate, self.base)
        if money.currency != self.base:
            raise InvalidRate(text=f"{self.base}/{self.quote} for {money.currency}")
        return Money.from_decimal(money.to_decimal() * self.rate, self.quote)


class PairWithoutBase(DomainError):
    key = N_("Rates are set against the base currency {base}: for example /fx {base} {quote} 1.25.")


class OwnCurrencyRate(DomainError):
    """ "/fx GBP 2" in a shop selling in pounds: the example it was shown, "/fx GBP GBP 1.25", was as impossible."""

    key = N_(
        "{base} is the shop's own currency: 1 {base} is always 1 {base}. Other currencies get a rate against it, "
        "e.g. /fx {example} 1.25."
    )


@dataclass(frozen=True, slots=True)
class Rates:
    """The shop's latest rates against its base currency: what customers may pay in and how
    a base-currency price becomes theirs. A product's own price in a currency always wins
    over a converted one (a shop may round its prices for a market)."""

    base: str
    by_quote: dict[str, Decimal]  # 1 base = rate quote

    @classmethod
    def from_latest(cls, base: str, latest: list[FxRate]) -> Rates:
        """``latest`` holds the newest rate of each pair that has the base on one side; a pair
        stored the other way round (RUB→GBP) is used inverted. The newer of both wins."""
        chosen: dict[str, tuple[datetime, Decimal]] = {}
        for rate in latest:
            if rate.base == base and rate.quote != base:
                quote, value = rate.quote, rate.rate
            elif rate.quote == base and rate.base != base:
                quote, value = rate.base, 1 / rate.rate
            else:
                continue
            if quote not in chosen or chosen[quote][0] < rate.set_at:
                chosen[quote] = (rate.set_at, value)
        return cls(base, {quote: value for quote, (_, value) in chosen.items()})

    @property
    def currencies(self) -> list[str]:
        """What the shop can take payment in: the base and every currency with a rate."""
        return [self.base, *sorted(self.by_quote)]

    def offers(self, currency: str) -> bool:
        return currency == self.base or currency in self.by_quote

    def rate_text(self, currency: str) -> str:
        """``Order.fx_rate``: units of ``currency`` per one base unit, as exact text."""
        return "1" if currency == self.base else format(self.by_quote[currency], "f")

    def convert(self, money: Money, currency: str) -> Money | None:
        """Between the base and an offered currency (or across two offered currencies through
        the base), rounded half-even to the target's minor unit; None when there is no rate."""
        if money.currency == currency:
            return money
        if not (self.offers(money.currency) and self.offers(currency)):
            return None
        in_base = money.to_decimal() / self._rate(money.currency)
        return Money.from_decimal(in_base * self._rate(currency), currency)

    def _rate(self, currency: str) -> Decimal:
        return Decimal(1) if currency == self.base else self.by_quote[currency]

    def price(self, own_prices: dict[str, Money], currency: str) -> Money | None:
        """A product's price in ``currency``: its own, else its base price converted, else its
        price in another currency the shop takes, converted; None when it has no price the
        shop can take (priced only in currencies without a rate)."""
        if currency in own_prices:
            return own_prices[currency]
        for source in (self.base, *sorted(own_prices)):
            if source in own_prices and self.offers(source):
                return self.convert(own_prices[source], currency)
        return None

    def sells(self, own_prices: dict[str, Money]) -> bool:
        """Whether a product can be sold at all: it has a price in a currency the shop takes
        (then every currency the shop takes has a price for it, converted if need be)."""
        return self.price(own_prices, self.base) is not None


def rate_against_base(base: str, first: str, second: str, value: str, at: datetime) -> FxRate:
    """``/fx GBP RUB 105.20`` or ``/fx RUB 105.20`` (the base implied): one side must be the base."""
    rate = FxRate(first, second, parse_rate(value), at)
    if rate.base == rate.quote == base:
        raise OwnCurrencyRate(base=base, example="USD" if base == "EUR" else "EUR")
    if base not in (rate.base, rate.quote) or rate.base == rate.quote:
        raise PairWithoutBase(base=base, quote=rate.quote if rate.base == base else rate.base)
    return rate


@lru_cache(maxsize=256)
def locale_currency(language: str | None) -> str | None:
    """The usual currency where a language is spoken (ru → RUB), from CLDR's likely region.
    Cached: the CLDR look-up takes ~0.4 ms and browsing asks on every update."""
    if not language:
        return None
    tag = language.replace("-", "_")
    try:
        territory = Locale.parse(tag).territory or Locale.parse(get_global("likely_subtags").get(tag, tag)).territory
    except (ValueError, UnknownLocaleError):
        return None
    found = get_territory_currencies(territory) if territory else []
    return found[0] if found else None
