"""API keys for the channels that send orders over HTTP (a web shop, a point of sale).

A key is shown once, when it is made; only its SHA-256 is stored. Keys are long random
tokens, so a fast hash is enough (there is nothing to brute-force), and the comparison is
constant-time. The short prefix finds the row and names the key in lists and logs."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from domain.errors import DomainError
from domain.i18n import N_

KEY_PREFIX = "og_"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$")


class BadKeyName(DomainError):
    key = N_("An API key name is 1–64 letters, digits, spaces, dots, dashes or underscores.")


class KeyNameTaken(DomainError):
    key = N_("There is already an API key named {name}.")


@dataclass(slots=True)
class ApiKey:
    name: str
    prefix: str
    key_hash: str
    created_at: datetime
    revoked_at: datetime | None = None
    id: int | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def matches(self, token: str) -> bool:
        return hmac.compare_digest(self.key_hash, hash_key(token))


def hash_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_key(name: str, now: datetime) -> tuple[str, ApiKey]:
    """The token to hand over (once) and the record to keep."""
    if not NAME_PATTERN.match(name):
        raise BadKeyName()
    prefix = secrets.token_hex(4)
    token = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    return token, ApiKey(name, prefix, hash_key(token), now)


def prefix_of(token: str) -> str | None:
    """``og_<prefix>_<secret>`` → prefix; anything else is not one of our keys."""
    if not token.startswith(KEY_PREFIX):
        return None
    prefix, _, secret = token[len(KEY_PREFIX) :].partition("_")
    return prefix if len(prefix) == 8 and secret else None
