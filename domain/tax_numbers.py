"""Tax numbers (VAT numbers, ИНН): checked loosely, since each country writes its own, and kept as printed."""

from __future__ import annotations

import re

from domain.errors import DomainError
from domain.i18n import N_

MAX_TAX_NUMBER = 32  # customers.tax_number's width; the longest EU VAT number is 14, an ИНН 12
_SHAPE = re.compile(r"[A-Z0-9](?:[A-Z0-9 ./-]{2,30})[A-Z0-9]")
_MIN_DIGITS = 4


class BadTaxNumber(DomainError):
    key = N_(
        "“{value}” does not look like a tax number: 4 to 32 Latin letters, digits, spaces, dots, dashes or "
        "slashes, at least 4 of them digits. Nothing was changed."
    )


def tax_number(text: str) -> str:
    """The number as invoices print it: capitals, blanks run together (``gb 123  4567 89`` → ``GB 123 4567 89``).
    Not checked against a country's rules (the shop's customers are anywhere): what is not a number is refused."""
    number = " ".join(text.split()).upper()
    if not _SHAPE.fullmatch(number) or sum(c.isdigit() for c in number) < _MIN_DIGITS:
        raise BadTaxNumber(value=text.strip())
    return number


def as_placed(kept: str | None, today: str | None) -> str | None:
    """The number an order's papers print: the one kept when it was placed ("" for none then), or for an order
    placed before numbers were kept (None), today's."""
    return (today if kept is None else kept) or None
