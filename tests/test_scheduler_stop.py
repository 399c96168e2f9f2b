"""Stopping ``ordergram run`` lets a scheduled job in progress finish its transaction, within a grace."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from bot.scheduler import Jobs


def _jobs() -> Jobs:
    runtime: Any = SimpleNamespace(settings=SimpleNamespace(timezone="UTC"))
    return Jobs(runtime)


async def _started(jobs: Jobs, seconds: float, finished: list[str]) -> None:
    started = asyncio.Event()

    async def work() -> None:
        started.set()
        try:
            await asyncio.sleep(seconds)  # a transaction's statements
        except asyncio.CancelledError:
            finished.append("cancelled")
            raise
        finished.append("committed")

    jobs.scheduler.add_job(jobs.tracked(work), "date", run_date=datetime.now(UTC))
    jobs.scheduler.start()
    await asyncio.wait_for(started.wait(), 10)


async def test_a_job_in_progress_at_stop_finishes_before_the_scheduler_stops() -> None:
    jobs, finished = _jobs(), list[str]()
    await _started(jobs, 0.3, finished)
    await jobs.stop(grace=10)
    assert finished == ["committed"] and not jobs.scheduler.running and not jobs.running


async def test_a_job_longer_than_the_grace_is_cancelled_so_the_process_still_stops_in_time() -> None:
    jobs, finished = _jobs(), list[str]()
    await _started(jobs, 60, finished)
    await asyncio.wait_for(jobs.stop(grace=0.2), 30)  # only against a hang: the job alone would take 60 s
    assert finished == ["cancelled"] and not jobs.scheduler.running and not jobs.running
