"""The notifier while the database is away: one clear line when it goes, one when it is back."""

from __future__ import annotations

import logging
from typing import Any, cast

import pytest

from bot.i18n import make_i18n
from bot.notifier import Notifier
from handlers.views.rendering import Renderer
from tests.fakes import FakeClock


class _Outage(Notifier):
    """Passes that fail as a database that went away fails, three times, then succeed."""

    def __init__(self) -> None:
        super().__init__(cast(Any, None), cast(Any, None), Renderer(), make_i18n("en"), FakeClock())
        self.passes = 0

    async def drain(self) -> int:
        self.passes += 1
        if self.passes == 6:
            self.stop()
        if self.passes <= 3:
            raise ConnectionError("unexpected connection_lost() call")
        return 0


async def test_a_database_outage_is_one_line_when_it_starts_and_one_when_it_ends(
    caplog: pytest.LogCaptureFixture,
) -> None:
    notifier = _Outage()
    with caplog.at_level(logging.INFO, logger="bot.notifier"):
        await notifier.run(0.001)
    lines = [(r.levelname, r.getMessage(), r.exc_info) for r in caplog.records if r.name == "bot.notifier"]
    assert lines == [
        (
            "ERROR",
            "notifier: cannot reach the database (ConnectionError: unexpected connection_lost() call); "
            "messages wait in the outbox, trying again every 0.001 s",
            None,
        ),
        ("WARNING", "notifier: the database answers again; sending what waited", None),
    ]
