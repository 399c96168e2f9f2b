"""The scheduled jobs while the database is away: one clear line when it goes, one when it is back."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest

from bot.scheduler import Jobs


class _Outage(Jobs):
    """A scheduler lock that cannot be read as a database that went away cannot, three ticks, then leads."""

    def __init__(self) -> None:
        super().__init__(SimpleNamespace(settings=SimpleNamespace(timezone="UTC")))  # type: ignore[arg-type]
        self.reads = 0

    async def leading(self) -> bool:
        self.reads += 1
        if self.reads <= 3:
            raise ConnectionError("unexpected connection_lost() call")
        return False


async def test_a_database_outage_is_one_line_when_it_starts_and_one_when_it_ends(
    caplog: pytest.LogCaptureFixture,
) -> None:
    jobs = _Outage()
    with caplog.at_level(logging.INFO, logger="bot.scheduler"):
        for _ in range(5):
            await jobs.tick()
        await jobs.hourly()
    lines = [(r.levelname, r.getMessage(), r.exc_info) for r in caplog.records if r.name == "bot.scheduler"]
    assert lines == [
        (
            "ERROR",
            "scheduled jobs: cannot reach the database (ConnectionError: unexpected connection_lost() call); "
            "due work waits in the data, trying again on the next tick",
            None,
        ),
        ("WARNING", "scheduled jobs: the database answers again", None),
    ]


async def test_a_job_that_loses_the_database_mid_tick_is_one_line_not_a_traceback_per_job(
    caplog: pytest.LogCaptureFixture,
) -> None:
    jobs = _Outage()
    jobs.reads = 3  # the lock was read, then the database went

    async def lost() -> int:
        raise OSError("Connection refused")

    with caplog.at_level(logging.INFO, logger="bot.scheduler"):
        assert await jobs.job("sweep_holds", lost) is None
        assert await jobs.job("dun_invoices", lost) is None
    lines = [(r.levelname, r.getMessage(), r.exc_info) for r in caplog.records if r.name == "bot.scheduler"]
    assert lines == [
        (
            "ERROR",
            "scheduled jobs: cannot reach the database (OSError: Connection refused); "
            "due work waits in the data, trying again on the next tick",
            None,
        )
    ]
