"""API keys for the channels that send orders over HTTP (a web shop, a point of sale).

A key is shown once, when it is made; only its SHA-256 is stored. Keys are long random
tokens, so a fast hash is enough (there is nothing to brute-force), and the comparison is
constant-time. The short prefix finds the row and names the key in lists and logs.

Each key carries scopes: what it may do. A new key gets ``orders`` only unless more are
asked for, so a web shop's key cannot post goods receipts or carrier events. A key with the
``carrier`` scope names the carriers it reports for (``--carrier DPD``): DPD's key cannot mark a
Royal Mail parcel delivered. A carrier key made before keys named carriers names none, and is
refused until replaced by one that does."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.errors import DomainError
from domain.i18n import N_

KEY_PREFIX = "og_"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$")


class BadKeyName(DomainError):
    key = N_("An API key name is 1–64 letters, digits, spaces, dots, dashes or underscores.")


class KeyNameTaken(DomainError):
    key = N_("An active API key is already named {name}: revoke it first, or choose another name.")


class Scope(StrEnum):
    """What a key may do, one scope per kind of endpoint."""

    ORDERS = "orders"  # place, read and cancel its own orders
    STOCK_READ = "stock:read"  # stock levels per warehouse
    RECEIPTS = "receipts"  # goods received into stock
    CARRIER = "carrier"  # a carrier's tracking events (in transit, delivered)
    CUSTOMERS = "customers"  # with orders: set a customer's business terms (the customer object's business fields)


DEFAULT_SCOPES = frozenset({Scope.ORDERS})


class UnknownScope(DomainError):
    key = N_("Unknown API key scope “{scope}”. Scopes: orders, stock:read, receipts, carrier, customers.")


class MissingScope(DomainError):
    key = N_("This API key does not have the “{scope}” scope.")


class CarrierKeyNeedsCarrier(DomainError):
    key = N_(
        "A key with the carrier scope names the carriers it reports for (--carrier DPD), "
        "and only such a key names carriers."
    )


class WrongCarrier(DomainError):
    """A carrier key's event for a parcel another carrier carries (or a key naming no carrier)."""

    key = N_("This API key reports for {carriers} only: this parcel is not theirs.")


class NoCarrierOnKey(WrongCarrier):
    key = N_(
        "This API key names no carrier: make one that does (ordergram apikey create NAME "
        "--scope carrier --carrier DPD) and revoke this one."
    )


def normalize_carriers(names: Iterable[str]) -> frozenset[str]:
    """Carrier names as typed (``--carrier "Royal Mail"``): trimmed, at most 64 characters, blanks dropped."""
    return frozenset(name.strip()[:64] for name in names if name.strip())


def parse_scopes(names: Iterable[str]) -> frozenset[Scope]:
    """Scope names as typed (``--scope orders --scope stock:read``); none given → the default."""
    scopes = set()
    for name in names:
        try:
            scopes.add(Scope(name.strip().lower()))
        except ValueError:
            raise UnknownScope(scope=name) from None
    return frozenset(scopes) or DEFAULT_SCOPES


@dataclass(slots=True)
class ApiKey:
    name: str
    prefix: str
    key_hash: str
    created_at: datetime
    revoked_at: datetime | None = None
    id: int | None = None
    scopes: frozenset[Scope] = DEFAULT_SCOPES
    carriers: frozenset[str] = frozenset()  # with the carrier scope: whose parcels it reports for

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def require(self, scope: Scope) -> None:
        if scope not in self.scopes:
            raise MissingScope(scope=scope.value)

    def require_carrier(self, carrier: str) -> None:
        """Refuses an event for a parcel of a carrier this key does not name (case aside)."""
        if not self.carriers:
            raise NoCarrierOnKey()
        if carrier.strip().casefold() not in {name.casefold() for name in self.carriers}:
            raise WrongCarrier(carriers=", ".join(sorted(self.carriers)))

    def matches(self, token: str) -> bool:
        return hmac.compare_digest(self.key_hash, hash_key(token))


def hash_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_key(
    name: str, now: datetime, scopes: frozenset[Scope] = DEFAULT_SCOPES, carriers: frozenset[str] = frozenset()
) -> tuple[str, ApiKey]:
    """The token to hand over (once) and the record to keep."""
    if not NAME_PATTERN.match(name):
        raise BadKeyName()
    carriers = normalize_carriers(carriers)
    if (Scope.CARRIER in scopes) != bool(carriers):
        raise CarrierKeyNeedsCarrier()
    prefix = secrets.token_hex(4)
    token = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    return token, ApiKey(name, prefix, hash_key(token), now, scopes=scopes or DEFAULT_SCOPES, carriers=carriers)


def prefix_of(token: str) -> str | None:
    """``og_<prefix>_<secret>`` → prefix; anything else is not one of our keys. Ours are ASCII:
    bytes that are not UTF-8 in a header come as surrogates no hash can encode (a 500)."""
    if not token.startswith(KEY_PREFIX) or not token.isascii():
        return None
    prefix, _, secret = token[len(KEY_PREFIX) :].partition("_")
    return prefix if len(prefix) == 8 and secret else None


@dataclass(frozen=True, slots=True)
class FirstUse:
    """The request that used an Idempotency-Key first: its body's hash and what it made, an
    order or another request's answer (``result``); neither while it is unfinished."""

    body_hash: str
    order_id: int | None = None
    result: str | None = None
