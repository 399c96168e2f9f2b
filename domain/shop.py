"""The shop's own identity: its name, how to reach support, and its policies per language."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from domain.customers import is_email, normalize_phone
from domain.errors import DomainError
from domain.i18n import N_
from domain.tax_numbers import MAX_TAX_NUMBER, tax_number
from domain.text import BIDI_CONTROLS

NAME = "name"
CONTACTS = ("telegram", "phone", "email")
TAX_NUMBER = "tax_number"  # the shop's VAT number or ИНН, printed on its invoices and receipts
ADDRESS = "address"  # the seller's legal address, printed on its documents
BANK = "bank"  # where a business pays an invoice by transfer (bank, account, BIC / IBAN), printed on it
POLICIES = ("returns", "delivery", "privacy")
FIELDS = (NAME, *CONTACTS, TAX_NUMBER, ADDRESS, BANK, *POLICIES)
ALL_LANGUAGES = ""  # the language of a field that has one value for every reader (name, contacts)
LIMITS = {NAME: 64, "telegram": 33, "phone": 32, "email": 254, TAX_NUMBER: MAX_TAX_NUMBER, ADDRESS: 200, BANK: 200}
LIMITS |= dict.fromkeys(POLICIES, 3000)
CLEAR = "-"  # typed as the value: forget the chat's value (the settings file's, if any, shows again)

_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
_LANGUAGE = re.compile(r"[a-z]{2,3}(_[A-Z]{2})?")


class Source(StrEnum):
    """Where a value came from: an admin's edit in chat wins over the settings file."""

    CHAT = "chat"
    FILE = "file"


class UnknownShopField(DomainError):
    key = N_(
        "Unknown setting “{field}”. Settings: name, telegram, phone, email, tax_number, address, bank, returns, "
        "delivery, privacy."
    )


class ShopTextTooLong(DomainError):
    key = N_("That is {length} characters; “{field}” takes at most {limit}. Nothing was changed.")


class ShopTextEmpty(DomainError):
    key = N_("Type the new value after the setting's name, or “-” to clear it.")


class ShopTextNotOneLine(DomainError):
    key = N_("“{field}” is one line: type it without line breaks.")


class ShopTextControl(DomainError):
    key = N_("The text contains invisible control characters; type it as plain text.")


class BadUsername(DomainError):
    key = N_("{value} is not a Telegram username: 5–32 letters, digits and _, starting with a letter.")


class BadEmail(DomainError):
    key = N_("{value} does not look like an e-mail address.")


class PolicyLanguage(DomainError):
    key = N_("Say the policy's language first: {languages}. For example: /settings returns en TEXT")


@dataclass(frozen=True, slots=True)
class ShopIdentity:
    """What customers are told about the shop. ``values`` maps (field, language) to the text;
    ``ALL_LANGUAGES`` for the name and the contacts."""

    values: Mapping[tuple[str, str], str] = field(default_factory=dict)
    default_language: str = "en"

    @property
    def name(self) -> str | None:
        return self.values.get((NAME, ALL_LANGUAGES))

    @property
    def tax_number(self) -> str | None:
        return self.values.get((TAX_NUMBER, ALL_LANGUAGES))

    @property
    def address(self) -> str | None:
        return self.values.get((ADDRESS, ALL_LANGUAGES))

    @property
    def bank(self) -> str | None:
        return self.values.get((BANK, ALL_LANGUAGES))

    @property
    def contacts(self) -> dict[str, str]:
        """The support contacts that are set, e.g. {"telegram": "@shop_help", "email": …}."""
        found = {kind: self.values.get((kind, ALL_LANGUAGES)) for kind in CONTACTS}
        return {kind: ("@" + v if kind == "telegram" else v) for kind, v in found.items() if v}

    def policy(self, kind: str, language: str) -> tuple[str, str] | None:
        """The policy text and its language: the reader's, else the shop's default, else any."""
        for wanted in (language, self.default_language):
            if text := self.values.get((kind, wanted)):
                return text, wanted
        others = sorted(lang for (k, lang) in self.values if k == kind and lang)
        return (self.values[(kind, others[0])], others[0]) if others else None

    def policies(self, language: str) -> list[str]:
        """The kinds of policy the shop has written (in any language), in a fixed order."""
        return [kind for kind in POLICIES if self.policy(kind, language) is not None]


def merge(rows: Iterable[tuple[str, str, str, str]], default_language: str) -> ShopIdentity:
    """(field, language, source, value) rows as one identity: the chat's value, else the file's."""
    chosen: dict[tuple[str, str], tuple[str, str]] = {}
    for name, language, source, value in rows:
        kept = chosen.get((name, language))
        if kept is None or (source == Source.CHAT and kept[0] != Source.CHAT):
            chosen[(name, language)] = (source, value)
    return ShopIdentity({key: value for key, (_, value) in chosen.items()}, default_language)


def check_field(name: str) -> str:
    name = name.strip().lower()
    if name not in FIELDS:
        raise UnknownShopField(field=name)
    return name


def check_language(name: str, language: str, languages: Iterable[str]) -> str:
    """The language a value of ``name`` is kept under: policies need one the bot speaks."""
    if name not in POLICIES:
        return ALL_LANGUAGES
    offered = tuple(languages)
    if language not in offered or not _LANGUAGE.fullmatch(language):
        raise PolicyLanguage(languages=", ".join(offered))
    return language


def normalize(name: str, value: str) -> str:
    """The value as kept, or a ``DomainError`` saying what is wrong (with the limit)."""
    text = value.strip().replace("\r\n", "\n")
    if not text:
        raise ShopTextEmpty()
    limit = LIMITS[name]
    if len(text) > limit:
        raise ShopTextTooLong(field=name, length=len(text), limit=limit)
    multiline = name in POLICIES
    if not multiline and ("\n" in text or "\r" in text):
        raise ShopTextNotOneLine(field=name)
    # Control characters, and the direction overrides that make text read otherwise than it is.
    if any((unicodedata.category(c) == "Cc" and c not in "\n\t") or c in BIDI_CONTROLS for c in text):
        raise ShopTextControl()
    if name == "telegram":
        handle = text.removeprefix("https://").removeprefix("t.me/").removeprefix("@")
        if not _USERNAME.fullmatch(handle):
            raise BadUsername(value=text)
        return handle
    if name == "phone":
        return normalize_phone(text)
    if name == "email" and not is_email(text):
        raise BadEmail(value=text)
    if name == TAX_NUMBER:
        return tax_number(text)
    return text


def vat_at_zero(tax_number: str | None, tax_rate: str) -> bool:
    """A tax (VAT) number with TAX_RATE at 0, its default: invoices print the number and 0 % VAT included, which
    nothing on them says is a missing setting (``run`` says it at start, /settings when the number is set)."""
    return bool(tax_number) and not Decimal(tax_rate)
