"""The scheduled jobs of ``ordergram run`` (APScheduler, in the bot's event loop).

Every tick first takes or renews a lock in the database (``lead_scheduler``): with several
bot processes exactly one runs the jobs, and if it dies another takes over once the lock
expires. The jobs themselves are use cases (``domain.usecases.jobs``) that find due work in
the data, so a missed or repeated tick does no harm."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import uuid
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from apscheduler.schedulers.asyncio import AsyncIOScheduler  # type: ignore[import-untyped]

from bot.callbacks import CallbackPoster, deliver_due_callbacks
from bot.metrics import JOB_FAILURES, JOB_RUNS
from bot.outage import Outage, unreachable
from bot.runtime import Runtime
from domain.replenishment import ServiceLevels, Suggestion
from domain.usecases.backorder_fill import fill_due_backorders
from domain.usecases.campaigns import send_due_campaigns
from domain.usecases.forecast_job import Compute, Pair, nightly_forecasts, suggestions_for
from domain.usecases.jobs import (
    daily_digest,
    dun_invoices,
    follow_up_deliveries,
    lead_scheduler,
    resign_scheduler,
    sweep_holds,
)
from domain.usecases.reorder_scan import reorder_scan
from domain.usecases.sales import summarise_sales

log = logging.getLogger(__name__)
T = TypeVar("T")
LOCK_TTL = timedelta(minutes=3)  # a dead leader is replaced within three minutes
STOP_GRACE_S = 5.0  # within the 10 s a container or service manager waits after SIGTERM


@contextmanager
def forecast_workers(workers: int | None = None) -> Iterator[tuple[Compute, int]]:
    """Forecast batches computed in worker processes (one per core), so the nightly job
    neither blocks the bot's event loop nor stays on one core: (compute, batches in flight).

    Forked, not spawned: a spawned worker imports the bot again (~250 MB each), a forked
    one shares the parent's pages and only runs pure domain code (no database, no locks)."""
    count = workers or max(1, min(os.cpu_count() or 1, 8))
    with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork")) as pool:

        async def compute(pairs: list[Pair], levels: ServiceLevels, at: datetime) -> list[Suggestion]:
            return await asyncio.get_running_loop().run_in_executor(pool, suggestions_for, pairs, levels, at)

        yield compute, count + 1


class Jobs:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.holder = f"{uuid.uuid4()}"
        self.scheduler = AsyncIOScheduler(timezone=runtime.settings.timezone)
        self.running: set[asyncio.Task[None]] = set()  # the jobs in progress, for a clean stop
        self.leads = False
        self.poster = CallbackPoster()  # the channels' status callbacks, POSTed from the tick
        # The database away (a restart, the network): one line when it goes, one when it is back,
        # not a traceback per job a tick for as long as it lasts.
        self.outage = Outage(
            log, "scheduled jobs", waiting="due work waits in the data, trying again on the next tick", back=""
        )

    async def leading(self) -> bool:
        leads = await lead_scheduler(self.runtime.uow(), self.runtime.clock, holder=self.holder, ttl=LOCK_TTL)
        if leads != self.leads:
            log.info(
                "jobs: this process %s the scheduled jobs (%s)",
                "now leads" if leads else "no longer leads",
                self.holder,
            )
        self.leads = leads
        return leads

    async def job(self, name: str, work: Callable[[], Awaitable[T]]) -> T | None:
        """Run one job, counted (``/metrics``); a failure is logged and does not stop the
        others: each finds its due work again on the next tick."""
        JOB_RUNS.labels(name).inc()
        try:
            return await work()
        except Exception as error:
            JOB_FAILURES.labels(name).inc()
            if unreachable(error):
                self.outage.failed(error)
            else:  # a bug or a refused statement, not the network: its traceback, every time
                log.exception("scheduled job %s failed; it runs again on the next tick", name)
            return None

    async def claim(self) -> bool:
        """Take or renew the lead (False also when the database could not say: the next run asks again)."""
        try:
            leads = await self.leading()
        except Exception as error:
            if unreachable(error):
                self.outage.failed(error)
            else:
                log.exception("scheduled jobs: the scheduler lock could not be read; trying again on the next run")
            return False
        self.outage.answered()
        return leads

    async def tick(self) -> None:
        """Once a minute: if this process leads, run what is due."""
        if not await self.claim():
            log.debug("jobs: tick, another process leads")
            return
        log.debug("jobs: tick")
        uow, settings, clock = self.runtime.uow, self.runtime.settings, self.runtime.clock
        swept = await self.job(
            "sweep_holds",
            lambda: sweep_holds(uow(), clock, remind_after=timedelta(minutes=settings.cart_reminder_minutes)),
        )
        followed = await self.job(
            "follow_up_deliveries",
            lambda: follow_up_deliveries(uow(), clock, after=timedelta(days=settings.followup_days)),
        )
        dunned = await self.job(
            "dun_invoices", lambda: dun_invoices(uow(), clock, staff_chat_id=settings.staff_chat_id)
        )
        await self.job("summarise_sales", self.summarise_sales)  # before the digest, which reads it
        digest = await self.job(
            "daily_digest",
            lambda: daily_digest(
                uow(),
                clock,
                staff_chat_id=settings.staff_chat_id,
                timezone=settings.timezone,
                hour=settings.daily_report_hour,
            ),
        )
        campaigns = await self.job("send_due_campaigns", lambda: send_due_campaigns(uow(), clock))
        # Preorders on their release day, and parts that freed stock did not reach at once.
        backorders = await self.job("fill_due_backorders", lambda: fill_due_backorders(uow(), clock))
        await self.job("deliver_callbacks", self.deliver_callbacks)
        released, reminded = (swept.released, swept.reminded) if swept else (0, 0)
        if reminded or followed or dunned or digest or campaigns or backorders:
            self.runtime.notifier.wake()
        if released or reminded or followed:
            log.info("jobs: %s holds released, %s carts reminded, %s follow-ups", released, reminded, followed)

    async def deliver_callbacks(self) -> int:
        """The intake API channels' due status callbacks, POSTed (the delivered ones counted)."""
        run = await deliver_due_callbacks(self.runtime.uow(), self.runtime.clock, self.poster)
        return run.delivered

    async def summarise_sales(self) -> int:
        """The per-day sales summary, brought up to date: a first build of years of orders
        goes in several short transactions, one after the other."""
        runtime, done = self.runtime, 0
        while True:
            run = await summarise_sales(runtime.uow(), runtime.clock, timezone=runtime.settings.timezone)
            done += run.days
            if not run.more:
                return done

    async def hourly(self) -> None:
        """The reorder scan: drafts purchase orders for what reached its reorder point."""
        if not await self.claim():
            return
        runtime = self.runtime
        drafted = await self.job(
            "reorder_scan",
            lambda: reorder_scan(runtime.uow(), runtime.clock, staff_chat_id=runtime.settings.staff_chat_id),
        )
        if drafted:
            runtime.notifier.wake()
            log.info("jobs: reorder scan drafted or extended %s purchase orders", len(drafted))

    async def nightly(self) -> None:
        """Forecasts and replenishment policies for every product and warehouse with demand."""
        try:
            if not await self.leading():
                return
            settings = self.runtime.settings
            with forecast_workers() as (compute, in_flight):
                run = await nightly_forecasts(
                    self.runtime.uow(),
                    self.runtime.clock,
                    levels=settings.service_levels(),
                    currency=settings.default_currency,
                    auto_apply=settings.forecast_auto_apply,
                    compute=compute,
                    in_flight=in_flight,
                )
            log.info(
                "jobs: nightly forecasts for %s products, %s suggestions stored, %s applied, %s dropped",
                run.products,
                run.stored,
                run.applied,
                run.dropped,
            )
        except Exception as error:
            if unreachable(error):
                self.outage.failed(error)
            else:
                log.exception("nightly forecasts failed; they run again tomorrow")

    def tracked(self, work: Callable[[], Awaitable[object]]) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            task = asyncio.current_task()
            assert task is not None
            self.running.add(task)
            try:
                await work()
            finally:
                self.running.discard(task)

        return run

    def start(self) -> None:
        every = self.runtime.settings.jobs_tick_seconds
        first = datetime.now(UTC) + timedelta(seconds=min(every, 5))  # soon after start, not a whole tick later
        once = {"max_instances": 1, "coalesce": True}
        # The lead is taken at once, the due work looked at a little later: a lone process is
        # ready (/readyz: a process leads the jobs) as soon as it listens, not after the first tick.
        self.scheduler.add_job(self.tracked(self.claim), "date", run_date=datetime.now(UTC), id="claim")
        self.scheduler.add_job(
            self.tracked(self.tick), "interval", seconds=every, id="tick", name="Jobs.tick", next_run_time=first, **once
        )
        self.scheduler.add_job(self.tracked(self.hourly), "interval", hours=1, id="hourly", name="Jobs.hourly", **once)
        self.scheduler.add_job(  # shop time (TIMEZONE): the night after the day's sales
            self.tracked(self.nightly),
            "cron",
            hour=self.runtime.settings.forecast_hour,
            id="nightly",
            name="Jobs.nightly",
            **once,
        )
        self.scheduler.start()

    async def stop(self, grace: float = STOP_GRACE_S) -> None:
        """No new runs; a job in progress gets ``grace`` seconds to finish its transaction
        (stopping the scheduler cancels it, mid-statement: rolled back, to be done again by
        the next process, but logged as a failure), then the scheduler stops."""
        if not self.scheduler.running:
            await self.poster.close()
            return
        self.scheduler.pause()
        if self.running:
            await asyncio.wait(set(self.running), timeout=grace)
        self.scheduler.shutdown(wait=False)
        await asyncio.sleep(0)  # AsyncIOScheduler shuts down in the loop's next turn
        await self.poster.close()
        if self.leads:  # else the next process waits for the lock to expire (LOCK_TTL) to run the jobs
            try:
                await resign_scheduler(self.runtime.uow(), self.runtime.clock, holder=self.holder)
            except Exception as error:  # noqa: BLE001 - stopping goes on; the lock expires on its own
                log.warning("jobs: could not hand over the scheduled jobs (%s); the lock expires on its own", error)
            else:
                log.info("jobs: this process stopped leading the scheduled jobs (%s)", self.holder)
            self.leads = False
