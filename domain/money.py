"""Exact money: integer minor units plus an ISO 4217 code.

Precision per currency comes from Babel's CLDR data (JPY has 0 decimals, KWD 3),
the same convention Telegram Payments uses for ``amount``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache

from babel.numbers import get_currency_precision, list_currencies

from domain.errors import CurrencyMismatch, DomainError, UnknownCurrency
from domain.i18n import N_


class InvalidAmount(DomainError):
    key = N_("{text} is not a valid amount in {currency}.")


class AmountTooLarge(DomainError):
    key = N_("{text} is too large an amount in {currency}.")


class AmountInExponent(DomainError):
    """ "1e9" was taken as a billion: a person typing a price means digits, and a spreadsheet's
    "1.2E+09" had already lost some."""

    key = N_("{text}: write the amount in digits, like 12.50, not with an exponent.")


# Typed amounts stay within 10^15 minor units (10 trillion pounds): a price times thousands
# still fits a database BIGINT; "1e17" was taken as such and failed on its way in.
MAX_TYPED_MINOR = 10**15
MAX_TYPED_DIGITS = 15  # a whole part longer than this is over the ceiling in any currency


@lru_cache(maxsize=1)
def _known_currencies() -> frozenset[str]:
    # Babel rebuilds this set on every is_currency() call (~25 µs), and every Money checks
    # its currency: a card, a cart, a catalog snapshot of 10,000 prices.
    return frozenset(list_currencies())


def normalize_currency(code: str) -> str:
    """Upper-case and validate an ISO 4217 code against CLDR."""
    if code in _known_currencies():  # already a valid code: the common case
        return code
    normalized = code.strip().upper()
    if len(normalized) != 3 or normalized not in _known_currencies():
        raise UnknownCurrency(code=code)
    return normalized


@lru_cache(maxsize=512)  # bounded: codes come from input too
def currency_exponent(currency: str) -> int:
    return int(get_currency_precision(currency))


# "1,000", "25,000": a comma grouping thousands the English way as much as a decimal comma.
_THOUSANDS = re.compile(r"\s*[-+]?[1-9]\d{0,2},\d{3}\s*")


def decimal_mark(text: str) -> str:
    """A number typed with a decimal comma ("12,50", as Russian and most European keyboards
    write it) with a point; one that has a point, or several commas, is left as typed, and so is
    one that may be thousands ("1,000" was taken as 1.00): what is left as typed is refused."""
    if text.count(",") != 1 or "." in text or _THOUSANDS.fullmatch(text):
        return text
    return text.replace(",", ".")


class AmountEndUnclear(DomainError):
    """ "/refund CODE 2 50 late": £2 and "50 late", or £250? Read as the first number, the
    customer was told £2; a number is never guessed at."""

    key = N_(
        "Where does the amount end in “{typed}”? Write it with its decimals ({amount}.00) or its "
        "thousands in groups of three digits (1 000). Nothing was recorded."
    )


_FIRST_GROUP = re.compile(r"[-+]?\d{1,3}")
_GROUP = re.compile(r"\d{3}")
_LAST_GROUP = re.compile(r"\d{3}[.,]\d+")
_WHOLE = re.compile(r"[-+]?\d+")


def split_typed_amount(text: str) -> tuple[str, str]:
    """A staff command's ``AMOUNT [free text]`` (/refund, /paid, /po pay) as (the amount, the text
    after it). The amount is its first word and the words that go on grouping its thousands by
    three digits, the last may carry the decimals: "1 000 wire" is 1000 and "wire", "1 234,50" is
    1234,50. An amount without decimals followed by a word that begins with a digit ("2 50 late",
    "1000 000") could be read two ways: ``AmountEndUnclear``, rather than the smaller number."""
    words = text.split()
    if not words:
        return "", ""
    taken = 1
    if _FIRST_GROUP.fullmatch(words[0]):
        while taken < len(words) and _GROUP.fullmatch(words[taken]):
            taken += 1
        if taken < len(words) and _LAST_GROUP.fullmatch(words[taken]):
            taken += 1
    amount, rest = "".join(words[:taken]), words[taken:]
    if rest and rest[0][0].isdigit() and _WHOLE.fullmatch(amount):
        raise AmountEndUnclear(typed=" ".join(words[: taken + 1])[:40], amount=amount)
    return amount, " ".join(rest)


@dataclass(frozen=True, slots=True, order=False)
class Money:
    amount: int  # minor units (cents, kopecks, yen)
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, int) or isinstance(self.amount, bool):
            raise TypeError("Money.amount must be an int of minor units")
        object.__setattr__(self, "currency", normalize_currency(self.currency))

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @classmethod
    def parse(cls, text: str, currency: str) -> Money:
        """Parse a decimal string ("12.50") exactly; more decimals than the currency has is an error."""
        code = normalize_currency(currency)
        try:
            value = Decimal(text.strip())
        except (InvalidOperation, AttributeError):
            raise InvalidAmount(text=text, currency=code) from None
        if not value.is_finite():
            raise InvalidAmount(text=text, currency=code)
        if "e" in text.lower():  # the only letter a finite Decimal takes
            raise AmountInExponent(text=text.strip()[:40], currency=code)
        if value.adjusted() > MAX_TYPED_DIGITS:  # "1e999999" would overflow the scaling below
            raise AmountTooLarge(text=text[:40], currency=code)
        minor = value.scaleb(currency_exponent(code))
        if minor != minor.to_integral_value():
            raise InvalidAmount(text=text, currency=code)
        if abs(minor) > MAX_TYPED_MINOR:
            raise AmountTooLarge(text=text[:40], currency=code)
        return cls(int(minor), code)

    @classmethod
    def parse_typed(cls, text: str, currency: str) -> Money:
        """``parse`` for what a person types in chat, where "12,50" (a decimal comma) is 12.50."""
        return cls.parse(decimal_mark(text), currency)

    @classmethod
    def from_decimal(cls, value: Decimal, currency: str) -> Money:
        """Round a computed decimal (e.g. after FX) half-even to the currency's minor unit."""
        code = normalize_currency(currency)
        minor = value.scaleb(currency_exponent(code)).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
        return cls(int(minor), code)

    def split(self, parts: int) -> Money:
        """One of ``parts`` equal shares (an average), rounded half-even to the minor unit."""
        share = (Decimal(self.amount) / parts).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
        return Money(int(share), self.currency)

    def to_decimal(self) -> Decimal:
        return Decimal(self.amount).scaleb(-currency_exponent(self.currency))

    def _check(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError("Money can only be combined with Money")
        if other.currency != self.currency:
            raise CurrencyMismatch(left=self.currency, right=other.currency)

    def __add__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, quantity: int) -> Money:
        if not isinstance(quantity, int) or isinstance(quantity, bool):
            raise TypeError("Money can only be multiplied by an integer quantity")
        return Money(self.amount * quantity, self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._check(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._check(other)
        return self.amount <= other.amount

    @property
    def is_zero(self) -> bool:
        return self.amount == 0

    def __str__(self) -> str:
        return f"{self.to_decimal()} {self.currency}"


def sum_money(items: list[Money], currency: str) -> Money:
    total = Money.zero(currency)
    for item in items:
        total += item
    return total


def share_through(whole: int, upto: int, total: int) -> int:
    """What parts of ``total`` adding up to ``upto`` carry of ``whole``, in proportion, rounded half-even (no
    total, no share)."""
    # Exact (a Decimal's 28 digits round a product of two large amounts before it is divided).
    return round(Fraction(whole * upto, total)) if total else 0


def allocated(whole: Money, total: Money, before: Money, part: Money) -> Money:
    """The share of ``whole`` (an invoice's tax, a payable in the base currency) that ``part`` of ``total`` carries
    when ``before`` of it was taken already: the share of all taken so far less the share of what was taken
    before, each rounded from the cumulative totals. Parts taken one after another so add up to ``whole``
    exactly once they add up to ``total`` (each part's own share rounded apart left a penny over or short)."""
    _ = total + before + part  # one currency: raises CurrencyMismatch otherwise
    through = share_through(whole.amount, before.amount + part.amount, total.amount)
    return Money(through - share_through(whole.amount, before.amount, total.amount), whole.currency)
