"""Telegram Mini App initData: Telegram's HMAC rule, freshness, and what is refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest

from bot.webapp.initdata import InvalidInitData, sign, validate

TOKEN = "123456:TEST-token"
NOW = datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)  # 1700000000
DAY = 86400
USER = json.dumps({"id": 42, "first_name": "Ann"}, separators=(",", ":"))
FIELDS = {"auth_date": "1700000000", "query_id": "AAH", "user": USER}
# Computed with openssl, not with our code: key = HMAC-SHA256(key "WebAppData", token), then
# HMAC-SHA256 of "auth_date=…\nquery_id=…\nuser=…" with that key.
KNOWN_HASH = "c452910a7f6609422908d3af6e245084e41af16c0eeb0aff688c2e3214c70ac4"


def test_known_answer_from_telegrams_rule_is_accepted() -> None:
    data = validate(urlencode({**FIELDS, "hash": KNOWN_HASH}), TOKEN, now=NOW, max_age_seconds=DAY)
    assert data.user.id == 42 and data.user.first_name == "Ann"
    assert sign(FIELDS, TOKEN).endswith(f"hash={KNOWN_HASH}")


@pytest.mark.parametrize(
    "change",
    [
        {"user": json.dumps({"id": 43, "first_name": "Ann"}, separators=(",", ":"))},  # another user
        {"auth_date": "1700000001"},
        {"hash": KNOWN_HASH[:-1] + "0"},
        {"hash": KNOWN_HASH.upper()},
    ],
)
def test_tampered_data_is_refused(change: dict[str, str]) -> None:
    with pytest.raises(InvalidInitData, match="not signed"):
        validate(urlencode({**FIELDS, "hash": KNOWN_HASH, **change}), TOKEN, now=NOW, max_age_seconds=DAY)


def test_data_signed_for_another_bot_is_refused() -> None:
    with pytest.raises(InvalidInitData, match="not signed"):
        validate(sign(FIELDS, "654321:OTHER-bot"), TOKEN, now=NOW, max_age_seconds=DAY)


def test_expired_auth_date_is_refused_and_the_limit_is_configurable() -> None:
    later = NOW + timedelta(seconds=DAY + 1)
    with pytest.raises(InvalidInitData, match="expired"):
        validate(sign(FIELDS, TOKEN), TOKEN, now=later, max_age_seconds=DAY)
    assert validate(sign(FIELDS, TOKEN), TOKEN, now=later, max_age_seconds=2 * DAY).user.id == 42


def test_auth_date_from_the_future_is_refused() -> None:
    with pytest.raises(InvalidInitData, match="expired"):
        validate(sign(FIELDS, TOKEN), TOKEN, now=NOW - timedelta(hours=1), max_age_seconds=DAY)


@pytest.mark.parametrize("missing", ["hash", "user", "auth_date"])
def test_missing_fields_are_refused(missing: str) -> None:
    fields = {k: v for k, v in FIELDS.items() if k != missing}
    raw = urlencode({**fields, "hash": KNOWN_HASH}) if missing != "hash" else urlencode(FIELDS)
    if missing != "hash":  # signed correctly, still not enough
        raw = sign(fields, TOKEN)
    with pytest.raises(InvalidInitData):
        validate(raw, TOKEN, now=NOW, max_age_seconds=DAY)


@pytest.mark.parametrize("raw", ["", "x" * 5000, "user=%7B&&&", "auth_date=1&auth_date=2&hash=00"])
def test_malformed_or_hostile_input_is_refused(raw: str) -> None:
    with pytest.raises(InvalidInitData):
        validate(raw, TOKEN, now=NOW, max_age_seconds=DAY)


def test_a_repeated_field_is_refused_even_when_one_copy_is_signed() -> None:
    raw = sign(FIELDS, TOKEN) + "&user=" + json.dumps({"id": 1})
    with pytest.raises(InvalidInitData, match="repeats"):
        validate(raw, TOKEN, now=NOW, max_age_seconds=DAY)


@pytest.mark.parametrize(
    "raw", ["auth_date=1700000000&user=1&hash=\udcff", f"auth_date=1700000000&user={USER}&hash=é", "user=\udcfe&hash=0"]
)
def test_launch_data_with_bytes_no_url_encoding_has_is_unreadable_not_a_crash(raw: str) -> None:
    """Telegram's initData is percent-encoded ASCII. A header's raw bytes that are no UTF-8 reach
    here as surrogates, which the signature check's ``encode`` refused: a 500 for anyone."""
    with pytest.raises(InvalidInitData, match="cannot be read"):
        validate(raw, TOKEN, now=NOW, max_age_seconds=DAY)
