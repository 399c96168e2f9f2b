"""The scheduled jobs while the database is away: one clear line when it goes, one when it is back."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.metrics import JOB_FAILURES
from bot.scheduler import Jobs
from storage.db import create_engine


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


class _Leads(Jobs):
    """A scheduler lock that reads fine every tick: the database is there."""

    def __init__(self) -> None:
        super().__init__(SimpleNamespace(settings=SimpleNamespace(timezone="UTC")))  # type: ignore[arg-type]

    async def leading(self) -> bool:
        return True


def _scheduler_lines(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str, bool]]:
    return [(r.levelname, r.getMessage(), r.exc_info is not None) for r in caplog.records if r.name == "bot.scheduler"]


async def test_a_job_whose_sql_is_wrong_is_a_job_failure_with_its_traceback_not_an_unreachable_database(
    engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    jobs = _Leads()

    async def missing_column() -> int:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT no_such_column FROM outbox"))
        return 1

    with caplog.at_level(logging.INFO, logger="bot.scheduler"):
        for _ in range(3):
            assert await jobs.claim()
            assert await jobs.job("dun_invoices", missing_column) is None
    lines = _scheduler_lines(caplog)
    assert lines == [("ERROR", "scheduled job dun_invoices failed; it runs again on the next tick", True)] * 3
    assert JOB_FAILURES.labels("dun_invoices")._value.get() >= 3


async def test_a_database_that_refuses_or_drops_connections_is_unreachable(
    pg_engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    refused = create_engine("postgresql+asyncpg://postgres@127.0.0.1:1/postgres")

    async def refuse() -> int:
        async with refused.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return 1

    async def dropped() -> int:
        async with pg_engine.connect() as connection:
            pid = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
            async with pg_engine.connect() as other:
                await other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            await connection.execute(text("SELECT 1"))
        return 1

    try:
        for work in (refuse, dropped):
            caplog.clear()
            jobs = _Leads()
            with caplog.at_level(logging.INFO, logger="bot.scheduler"):
                assert await jobs.job("sweep_holds", work) is None
                assert await jobs.job("dun_invoices", work) is None
                assert await jobs.claim()
                assert await jobs.claim()
            lines = _scheduler_lines(caplog)
            assert [(level, message.split(" (")[0], trace) for level, message, trace in lines] == [
                ("ERROR", "scheduled jobs: cannot reach the database", False),
                ("WARNING", "scheduled jobs: the database answers again", False),
            ], work.__name__
    finally:
        await refused.dispose()
