"""Foreign-exchange rates kept as exact decimal strings, never floats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from domain.errors import DomainError
from domain.i18n import N_
from domain.money import Money, normalize_currency


class InvalidRate(DomainError):
    key = N_("{text} is not a valid exchange rate.")


def parse_rate(text: str) -> Decimal:
    try:
        rate = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        raise InvalidRate(text=text) from None
    if not rate.is_finite() or rate <= 0:
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
