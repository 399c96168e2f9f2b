"""Customers (people who buy in a private chat) and staff (people who run the shop)."""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from domain.errors import DomainError
from domain.i18n import N_
from domain.money import Money, decimal_mark
from domain.text import without_direction_controls


class InvalidPhone(DomainError):
    key = N_("“{phone}” does not look like a phone number. Please include the country code, e.g. +44 20 7946 0958.")


class UnsupportedLanguage(DomainError):
    key = N_("This language is not supported yet.")


EMAIL = re.compile(r"[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"'.]+")


def is_email(text: str) -> bool:
    """Someone@a.domain, no blanks or quotes: customers are matched by email, so "@" or "n/a@"
    from a guest checkout would make every guest one customer."""
    return len(text) <= 254 and EMAIL.fullmatch(text) is not None


_TRUNK_ZERO = re.compile(r"^((?:\+|00)\s*[1-9][0-9]{0,2})\s*\(0\)")
# A Russian mobile dialled at home (8, then 9 and nine digits), as 1C and people in Russia write it.
_RUSSIAN_TRUNK = re.compile(r"89[0-9]{9}")


def normalize_phone(phone: str) -> str:
    """E.164: a plus sign and 8–15 digits; spaces, dashes, dots and brackets are dropped, and so
    is the "(0)" written after a country code (+44 (0) 20 …: it is not dialled from abroad, and
    kept it made another number, so the customer was not found by it)."""
    # Only right after a country code: "(0)20 …" with none is a national number, refused as before
    # (dropped, it read as +20…, another country's).
    text = _TRUNK_ZERO.sub(r"\1", phone.strip())
    digits = re.sub(r"[\s\-().]", "", text)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if _RUSSIAN_TRUNK.fullmatch(digits):  # "8 (916) 123-45-67": +89… is no country's, it is +7 9…
        digits = "+7" + digits[1:]
    if not digits.startswith("+"):
        digits = "+" + digits
    if not re.fullmatch(r"\+[1-9][0-9]{7,14}", digits):  # ASCII digits: "٤" is a digit to \d
        raise InvalidPhone(phone=phone)
    return digits


def is_telegram_id(text: str) -> bool:
    """Whether typed ``text`` can be a Telegram user or chat id (they fit in 52 bits): a
    longer number is no one, and is never looked up (the databases take 64 bits at most)."""
    digits = text.strip().removeprefix("-")
    return digits.isascii() and digits.isdecimal() and len(digits) <= 16


def pick_language(stored: str | None, telegram_code: str | None, default: str, offered: Container[str]) -> str:
    """Stored choice first, then Telegram's ``language_code`` (``ru-RU`` → ``ru``), then the
    default; ``offered`` are the languages the bot has a catalog for (found in ``locales/``)."""
    if stored and stored in offered:
        return stored
    if telegram_code:
        base = telegram_code.split("-")[0].lower()
        if base in offered:
            return base
    return default


@dataclass(slots=True)
class Address:
    text: str
    latitude: float | None = None
    longitude: float | None = None
    id: int | None = None
    uses: int = 0  # orders placed to it (counted from when uses were kept), for which ones checkout offers
    used_at: datetime | None = None  # the last order placed to it


SAVED_OFFERED = 5  # saved addresses a checkout offers as buttons
_NEVER = datetime.min.replace(tzinfo=UTC)


def offered_addresses(addresses: list[Address], limit: int = SAVED_OFFERED) -> list[Address]:
    """Those ordered to most, then those ordered to last, then the last saved."""
    return sorted(addresses, key=lambda a: (a.uses, a.used_at or _NEVER, a.id or 0), reverse=True)[:limit]


@dataclass(slots=True)
class Customer:
    telegram_id: int | None  # None: a customer known only from another channel (the API)
    first_name: str
    last_name: str | None = None
    username: str | None = None
    phone: str | None = None
    email: str | None = None
    language: str | None = None  # the customer's own choice (/language); None until they choose
    telegram_language: str | None = None  # what their Telegram app says; used when they have not chosen
    currency: str | None = None
    is_business: bool = False  # may pay by invoice, on the terms below
    payment_terms_days: int | None = None  # invoices due after this many days; None: the shop's INVOICE_NET_DAYS
    credit_limit: int | None = None  # most its unpaid invoices may come to, base-currency minor units; None: no limit
    tax_number: str | None = None  # a business's VAT number or ИНН, printed on its invoices (``domain.tax_numbers``)
    is_vip: bool = False
    price_group: str = "retail"  # the price list they buy at (``domain.pricing``)
    unreachable: bool = False
    addresses: list[Address] = field(default_factory=list)
    created_at: datetime | None = None
    id: int | None = None

    @property
    def notification_language(self) -> str:
        """For messages sent on our own initiative: their choice, else their Telegram app's
        language; the sender falls back to the shop's default when it has no such catalog."""
        if self.language:
            return self.language
        return self.telegram_language.split("-")[0].lower()[:8] if self.telegram_language else ""

    @property
    def display_name(self) -> str:
        """First and last name, without direction controls (a name stored before they were taken out)."""
        return without_direction_controls(" ".join(part for part in (self.first_name, self.last_name) if part))


MAX_TERMS_DAYS = 365


class InvalidPaymentTerms(DomainError):
    key = N_("Payment terms are due days from 0 to 365 and an optional credit limit of 0 or more, e.g. 30 5000.")


class CreditLimitExceeded(DomainError):
    key = N_(
        "This order ({total}) would take your unpaid invoices ({open}) over your credit limit of {limit}. "
        "Please choose another way to pay."
    )


_TERMS_DAYS = re.compile(r"[0-9]{1,3}")
_CREDIT_LIMIT = re.compile(r"[0-9]{1,13}(\.[0-9]{1,4})?")


def business_terms(days: str | None, limit: str | None, currency: str) -> tuple[int | None, int | None]:
    """Due days and a credit limit as typed (``30``, ``5000.00``) → days and minor units of
    ``currency``; empty means not set (the shop's default days, no limit)."""
    # Digits only, as written: int() and Decimal() also take "3_0", "+30", "1e3" and "-0", which no
    # one types for terms ("1e3" became a £1,000.00 limit). A decimal comma ("12,50") is read as the
    # customers file and /paid read it, here for every path (chat, file, API); "5,000" is refused, never
    # read as 5.000.
    limit = decimal_mark(limit) if limit else limit
    if (days and not _TERMS_DAYS.fullmatch(days)) or (limit and not _CREDIT_LIMIT.fullmatch(limit)):
        raise InvalidPaymentTerms()
    try:
        due = int(days) if days else None
        amount = Decimal(limit) if limit else None
    except (ValueError, InvalidOperation):
        raise InvalidPaymentTerms() from None
    if due is not None and not 0 <= due <= MAX_TERMS_DAYS:
        raise InvalidPaymentTerms()
    if amount is None:
        return due, None
    if not amount.is_finite() or amount < 0 or amount > Decimal(10) ** 12:
        raise InvalidPaymentTerms()
    minor = Money.from_decimal(amount, currency)
    if minor.to_decimal() != amount:  # finer than the currency's minor unit
        raise InvalidPaymentTerms()
    return due, minor.amount


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    PICKER = "picker"
    PACKER = "packer"
    SUPPORT = "support"


@dataclass(slots=True)
class StaffMember:
    telegram_id: int
    role: Role
    warehouse_code: str | None = None
    id: int | None = None
