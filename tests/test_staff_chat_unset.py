"""A shop started without ``STAFF_CHAT_ID`` says so once: what would go to the staff goes nowhere."""

from __future__ import annotations

import logging

import pytest

from bot import serving
from bot.config import load_settings

UNSET = (
    "STAFF_CHAT_ID is not set: new orders, cancellations, short-pick alerts, the daily report, reorder drafts and "
    "the other staff alerts are sent to no one. Add the staff group's id to .env (STAFF_CHAT_ID=-100…: the bot posts "
    "it when added to the group, or send /chatid@your_bot there) and restart"
)


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture):
    """``run_bot`` up to the process itself: what it logs at start-up."""

    async def no_process(settings: object, *, with_api: bool = False) -> None:
        return None

    monkeypatch.setattr(serving, "_run", no_process)

    def start(*, with_api: bool, **settings: object) -> list[logging.LogRecord]:
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="bot.serving"):
            assert serving.run_bot(load_settings(bot_token="1:x", **settings), with_api=with_api) == 0
        return [r for r in caplog.records if r.name == "bot.serving"]

    return start


@pytest.mark.parametrize("with_api", [False, True], ids=["run", "serve"])
def test_a_shop_started_without_a_staff_chat_warns_once_what_goes_nowhere_and_how_to_set_it(
    started, with_api: bool
) -> None:
    said = started(with_api=with_api, staff_chat_id=None)
    assert [(r.levelno, r.getMessage()) for r in said] == [(logging.WARNING, UNSET)]


def test_a_shop_with_a_staff_chat_starts_without_the_warning(started) -> None:
    assert started(with_api=False, staff_chat_id=-1001234567890) == []
