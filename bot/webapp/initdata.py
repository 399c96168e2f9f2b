"""Telegram Mini App ``initData``: checked as Telegram specifies, the only source of who is asking."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, urlencode

from domain.i18n import N_

MAX_INIT_DATA = 4096  # Telegram's initData is a few hundred bytes; longer is not Telegram's


class InvalidInitData(Exception):
    """Why ``initData`` was refused: a message key, said translated in the 401's detail (never which byte differed)."""


@dataclass(frozen=True, slots=True)
class WebAppUser:
    id: int
    first_name: str
    last_name: str
    username: str
    language_code: str


@dataclass(frozen=True, slots=True)
class InitData:
    user: WebAppUser
    auth_date: datetime
    fields: dict[str, str]


def secret_key(bot_token: str) -> bytes:
    """HMAC-SHA256 of the bot token keyed with the constant "WebAppData" (Telegram's rule)."""
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def data_check_string(fields: dict[str, str]) -> str:
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def sign(fields: dict[str, str], bot_token: str) -> str:
    """``fields`` as a Mini App receives them, signed: what tests and the demo send."""
    digest = hmac.new(secret_key(bot_token), data_check_string(fields).encode(), hashlib.sha256).hexdigest()
    return urlencode({**fields, "hash": digest})


def validate(raw: str, bot_token: str, *, now: datetime, max_age_seconds: float) -> InitData:
    """The signed data, or ``InvalidInitData``: a wrong or missing hash, a repeated field, no
    user, or an ``auth_date`` older than ``max_age_seconds`` (or in the future)."""
    if not raw or len(raw) > MAX_INIT_DATA:
        raise InvalidInitData(N_("The app's launch data is missing or too long: open it again from Telegram."))
    try:
        # Telegram's initData is percent-encoded ASCII; a header's bytes that are no UTF-8 come as
        # surrogates, which the signature check could not encode (a 500 for anyone who sent them).
        if not raw.isascii():
            raise ValueError(raw)
        pairs = parse_qsl(raw, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise InvalidInitData(N_("The app's launch data cannot be read: open it again from Telegram.")) from None
    fields = dict(pairs)
    if len(fields) != len(pairs):  # two values for one field: which one was signed is ambiguous
        raise InvalidInitData(N_("The app's launch data repeats a field: open it again from Telegram."))
    given = fields.get("hash", "")
    expected = hmac.new(secret_key(bot_token), data_check_string(fields).encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(given.encode(), expected.encode()):  # constant time
        raise InvalidInitData(N_("The app's launch data is not signed by this bot: open it from this bot's chat."))
    try:
        auth_date = datetime.fromtimestamp(int(fields["auth_date"]), tz=now.tzinfo)
        user_json = json.loads(fields["user"])
        user = WebAppUser(
            id=int(user_json["id"]),
            first_name=str(user_json.get("first_name", ""))[:64],
            last_name=str(user_json.get("last_name", ""))[:64],
            username=str(user_json.get("username", ""))[:32],
            language_code=str(user_json.get("language_code", ""))[:8],
        )
    except (KeyError, ValueError, TypeError, OverflowError, OSError):
        raise InvalidInitData(
            N_("The app's launch data does not say who you are: open it again from Telegram.")
        ) from None
    age = (now - auth_date).total_seconds()
    if age > max_age_seconds or age < -60:  # a minute of clock skew forgiven
        raise InvalidInitData(N_("The app's launch data has expired: close the app and open it again."))
    if user.id <= 0:
        raise InvalidInitData(N_("The app's launch data does not say who you are: open it again from Telegram."))
    return InitData(user, auth_date, fields)
