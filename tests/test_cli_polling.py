"""``ordergram run``/``serve`` with Redis but no webhook say once that several processes cannot all poll."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot import serving

REDIS = "redis://127.0.0.1:6379/0"


@pytest.fixture
def started(tmp_path: Path, ordergram, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture):
    """``ordergram COMMAND`` on a migrated shop, up to the process itself: the warnings it logs at start-up."""

    async def no_process(settings: object, *, with_api: bool = False) -> None:
        return None

    monkeypatch.setattr(serving, "_run", no_process)
    shop = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'shop.sqlite3'}", "BOT_TOKEN": "1:x"}
    assert ordergram("migrate", env=shop).returncode == 0

    def start(command: str, **env: str) -> list[tuple[int, str]]:
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="bot.serving"):
            assert ordergram(command, env={**shop, "STAFF_CHAT_ID": "-1001234567890", **env}).returncode == 0
        return [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "bot.serving"]

    return start


@pytest.mark.parametrize("command", ["run", "serve"])
def test_redis_without_a_webhook_warns_once_that_several_processes_need_the_webhook(started, command: str) -> None:
    """REDIS_URL is the sign of several processes, and with no WEBHOOK_URL each polls: Telegram answers all but one
    409 Conflict and they cut each other off, replying seconds late, with nothing at start saying why."""
    said = started(command, REDIS_URL=REDIS)
    assert len(said) == 1, said
    level, message = said[0]
    assert level == logging.WARNING
    assert message.startswith(
        "REDIS_URL is set (several processes) but WEBHOOK_URL is not: this process takes its updates by long polling"
    ), message
    assert "409 Conflict" in message and "set WEBHOOK_URL" in message
    assert 'README, "Several processes need the webhook"' in message


@pytest.mark.parametrize(
    "env",
    [{"REDIS_URL": REDIS, "WEBHOOK_URL": "https://shop.test/telegram"}, {}],
    ids=["redis and webhook", "one process without redis"],
)
def test_a_webhook_or_no_redis_starts_without_the_polling_warning(started, env: dict[str, str]) -> None:
    assert started("run", **env) == []
