"""Domain errors carry a message key (a gettext msgid) and named parameters.

Presentation code translates ``key`` in the reader's language and formats it with
``params``; the domain never builds user-facing sentences itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.i18n import N_, N_plural


class DomainError(Exception):
    key: str = N_("This action is not possible.")
    plural: str = ""  # the key's plural form (``N_plural``), chosen by the ``counted`` parameter
    counted: str = ""

    def __init__(self, key: str | None = None, **params: Any) -> None:
        if key is not None:
            self.key = key
        self.params = params
        super().__init__(self.key.format(**params) if params else self.key)


class NotFound(DomainError):
    key = N_("Nothing was found.")


class CurrencyMismatch(DomainError):
    key = N_("Amounts in {left} and {right} cannot be combined.")


class UnknownCurrency(DomainError):
    key = N_("Unknown currency code: {code}.")


class InvalidQuantity(DomainError):
    key = N_("Quantity must be a whole number from 1 to {maximum}.")


class InsufficientStock(DomainError):
    key = N_("Only {available} available.")


class IllegalTransition(DomainError):
    key = N_("An order cannot go from {current} to {target}.")


class Reason(str):
    """A problem's text in English (what the CLI prints and tests compare) that keeps the
    error it came from, so a chat can show it in the reader's language."""

    error: DomainError
    column: str = ""  # the file's column the problem is in, where the error does not name it

    @classmethod
    def of(cls, error: DomainError, column: str = "") -> Reason:
        reason = cls(f"{column}: {error}" if column else str(error))
        reason.error = error
        reason.column = column
        return reason


class ImportRejected(DomainError):
    """A CSV import found bad rows; nothing was imported. ``problems``: (line, reason)."""

    key, plural = N_plural("The file was rejected: {count} bad row.", "The file was rejected: {count} bad rows.")
    counted = "count"

    def __init__(self, problems: Sequence[tuple[int, Reason]]) -> None:
        self.problems = list(problems)
        super().__init__(count=len(problems))
