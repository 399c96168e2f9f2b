"""The shop's settings file (``SHOP_SETTINGS_FILE``, TOML): name, tax number, legal address, bank
details, support contacts and policies per language, read at start. An admin's edits in chat (/settings) win over it."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bot.config import ConfigError
from domain.errors import DomainError
from domain.ports import UnitOfWork
from domain.shop import ADDRESS, ALL_LANGUAGES, BANK, CONTACTS, NAME, POLICIES, TAX_NUMBER
from domain.usecases.shop import load_settings_file

EXAMPLE = """\
name = "Corner Books"
tax_number = "GB 123 4567 89"
address = "12 Charing Cross Road, London WC2H 0EP"
bank = "Barclays, sort code 20-00-00, account 12345678"

[support]
telegram = "@cornerbooks_help"
phone = "+44 20 7946 0958"
email = "help@cornerbooks.example"

[policies.en]
returns = "Return any book within 14 days, unread, for a full refund."
delivery = "Orders leave within one working day."
privacy = "We keep your name, phone and address only to deliver your orders."
"""


def read_values(path: Path) -> list[tuple[str, str, str]]:
    """(field, language, value) from the file, or a ``ConfigError`` naming what is wrong."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"SHOP_SETTINGS_FILE: cannot read {path}: {error.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"SHOP_SETTINGS_FILE: {path} is not valid TOML: {error}") from None
    values: list[tuple[str, str, str]] = []
    for key, value in document.items():
        if key in (NAME, TAX_NUMBER, ADDRESS, BANK):  # one value for every reader, as /settings keeps them
            values.append((key, ALL_LANGUAGES, _text(path, key, value)))
        elif key == "support":
            for kind, contact in _table(path, key, value, CONTACTS).items():
                values.append((kind, ALL_LANGUAGES, _text(path, f"support.{kind}", contact)))
        elif key == "policies":
            for language, texts in _table(path, key, value, None).items():
                for kind, text in _table(path, f"policies.{language}", texts, POLICIES).items():
                    values.append((kind, language, _text(path, f"policies.{language}.{kind}", text)))
        else:
            known = "name, tax_number, address, bank, support, policies"
            raise ConfigError(f"SHOP_SETTINGS_FILE: {path}: unknown key {key!r} ({known})")
    return values


def _table(path: Path, key: str, value: Any, allowed: Iterable[str] | None) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"SHOP_SETTINGS_FILE: {path}: {key} must be a table ([{key}])")
    if allowed is not None and (unknown := sorted(set(value) - set(allowed))):
        raise ConfigError(f"SHOP_SETTINGS_FILE: {path}: unknown {key}.{unknown[0]} ({', '.join(allowed)})")
    return value


def _text(path: Path, key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"SHOP_SETTINGS_FILE: {path}: {key} must be text")
    return value


async def apply_settings_file(uow: UnitOfWork, path: Path | None, languages: Iterable[str]) -> int:
    """The file's values replace what the file said before (none when no file is set)."""
    values = read_values(path) if path is not None else []
    try:
        return await load_settings_file(uow, values, languages)
    except DomainError as error:
        raise ConfigError(f"SHOP_SETTINGS_FILE: {path}: {error}") from None
