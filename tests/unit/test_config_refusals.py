"""A configuration value of the wrong kind is refused quoting it and saying what is wanted, not in pydantic's words."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("HOLD_MINUTES", "abc", "HOLD_MINUTES: 'abc' is not a whole number"),
        ("STAFF_CHAT_ID", "@staff", "STAFF_CHAT_ID: '@staff' is not a whole number"),
        ("TAX_RATE", "20%", "TAX_RATE: '20%' is not a number"),
        ("SERVICE_LEVEL", "95%", "SERVICE_LEVEL: '95%' is not a number"),
        ("CATALOG_PAGE_SIZE", "50", "CATALOG_PAGE_SIZE: 50 is more than 20, the most it may be"),
        ("SERVICE_LEVEL", "95", "SERVICE_LEVEL: 95 is more than 0.999, the most it may be"),
        ("HOLD_MINUTES", "0", "HOLD_MINUTES: 0 is less than 1, the least it may be"),
        ("TAX_RATE", "100", "TAX_RATE: 100 is not less than 100"),
        ("CASH_ON_DELIVERY", "maybe", "CASH_ON_DELIVERY: 'maybe' is not true or false"),
        ("LOG_LEVEL", "verbose", "LOG_LEVEL: 'VERBOSE' is not 'DEBUG', 'INFO', 'WARNING', 'ERROR' or 'CRITICAL'"),
        ("TIMEZONE", "London", "TIMEZONE: 'London' is not an IANA time zone (did you mean Europe/London?)"),
        ("TIMEZONE", "moscow", "TIMEZONE: 'moscow' is not an IANA time zone (did you mean Europe/Moscow?)"),
        ("TIMEZONE", "Nowhere", "TIMEZONE: 'Nowhere' is not an IANA time zone (such as Europe/London)"),
    ],
)
def test_a_value_of_the_wrong_kind_is_refused_quoting_it_and_saying_what_is_wanted(
    variable: str, value: str, said: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``HOLD_MINUTES=abc`` stopped start-up with "Input should be a valid integer, unable to parse string as an
    integer", ``TAX_RATE=20%`` with "Input should be a valid decimal" and ``TIMEZONE=London`` named no zone to write:
    none quoted the value or said what to write instead."""
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as refused:
        load_settings(bot_token="1:x")
    assert str(refused.value) == said


def test_every_bad_configuration_value_is_reported_at_once_one_line_each(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Start-up named only the first bad value: a shop fixed ``HOLD_MINUTES``, restarted, and only then learnt that
    ``TIMEZONE`` and ``TAX_RATE`` were wrong too."""
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("HOLD_MINUTES", "abc")
    monkeypatch.setenv("TIMEZONE", "London")
    monkeypatch.setenv("TAX_RATE", "20%")
    with pytest.raises(ConfigError) as refused:
        load_settings(bot_token="1:x")
    assert sorted(str(refused.value).splitlines()) == [
        "HOLD_MINUTES: 'abc' is not a whole number",
        "TAX_RATE: '20%' is not a number",
        "TIMEZONE: 'London' is not an IANA time zone (did you mean Europe/London?)",
    ]


def test_the_command_line_prints_each_bad_configuration_value_on_its_own_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_TOKEN", "1:x")
    monkeypatch.setenv("HOLD_MINUTES", "abc")
    monkeypatch.setenv("TAX_RATE", "20%")
    assert main(["migrate"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert "configuration error: HOLD_MINUTES: 'abc' is not a whole number" in lines
    assert "configuration error: TAX_RATE: '20%' is not a number" in lines


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        (
            "DATABASE_URL",
            "PostgreSQL+asyncpg://u:pw-s3cret@h/db",
            "'PostgreSQL+asyncpg://u:***@h/db' is not a database URL (like",
        ),
        (
            "DATABASE_URL",
            "postgresql+asyncpg//u:pw-s3cret@h/db",
            "'postgresql+asyncpg//u:***@h/db' is not a database URL (like",
        ),
        ("DATABASE_URL", "u:pw-s3cret@h/db", "'u:***@h/db' is not a database URL (like"),
        ("DATABASE_URL", "postgresql://u:pw/s3cret@h/db", "write it postgresql+asyncpg://u:***@h/db"),
        ("DATABASE_URL", "postgresql://u:pw@s3cret@h/db", "write it postgresql+asyncpg://u:***@h/db"),
        ("REDIS_URL", "http://:pw-s3cret@host", "'http://:***@host' is not a Redis URL (like redis://127.0.0.1:6379/0"),
        ("WEBHOOK_URL", "ftp://u:pw-s3cret@shop.test/hook", "'ftp://u:***@shop.test/hook' must be an https:// URL"),
        ("WEBHOOK_URL", "https://u:pw-s3cret@shop.test/api/hook", "/api/hook is served by Ordergram itself"),
        ("WEBHOOK_URL", "https://u:pw-s3cret@shop.example.com/hook", "is an example address"),
        ("WEBAPP_URL", "ftp://u:pw-s3cret@shop.test", "'ftp://u:***@shop.test' must be an https:// URL"),
        ("TELEGRAM_API_URL", "ftp://u:pw-s3cret@api.shop.test", "'ftp://u:***@api.shop.test' must start with http://"),
    ],
)
def test_a_refused_url_never_shows_its_password_and_still_says_what_to_write(
    variable: str, value: str, said: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``DATABASE_URL=PostgreSQL+asyncpg://u:pw@h/db`` (a capital letter) was quoted whole, password and all, into
    the refusal printed on the console and kept in the service's journal; so was a ``REDIS_URL`` with a wrong scheme."""
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as refused:
        load_settings(bot_token="1:x")
    assert str(refused.value).startswith(f"{variable}: ")
    assert said in str(refused.value)
    assert "s3cret" not in str(refused.value)
