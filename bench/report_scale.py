"""Staff reads at shop scale, on a database seeded by ``bench/seed_scale.py``.

    python bench/report_scale.py sqlite+aiosqlite:////tmp/scale.sqlite3 [--end 2026-12-01] [--whole]
    python bench/report_scale.py postgresql+asyncpg://postgres@127.0.0.1:5432/scale

Brings the database to head first (the time the new indexes take is printed), then times,
as the staff commands run them (the use cases, a fresh unit of work each, one warm-up run
not counted for the reads): ``/report today|week|month``, the daily digest, ``/top
customers`` and the reorder scan over every product and warehouse with supply terms, each
against its target. The per-day sales summary is built (or caught up) first, timed, as the
scheduler would; ``--no-summary`` times the reports reading the orders alone. ``--whole``
also times the month computed from whole orders as before
(loaded with their lines and history), for the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from datetime import time as clock_time
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from sqlalchemy import text  # noqa: E402

from domain.orders import OrderStatus  # noqa: E402
from domain.usecases.insight import top_customers  # noqa: E402
from domain.usecases.jobs import daily_digest  # noqa: E402
from domain.usecases.reorder_scan import reorder_scan  # noqa: E402
from domain.usecases.reports import report  # noqa: E402
from domain.usecases.sales import summarise_sales  # noqa: E402
from storage.db import create_engine, session_factory  # noqa: E402
from storage.migrate import upgrade_to_head  # noqa: E402
from storage.uow import SqlUnitOfWork  # noqa: E402

ADMIN = 100  # the seeder's admin
STAFF_CHAT = -100


class At:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


async def timed(label: str, target: float | None, work: Callable[[], Awaitable[Any]], *, warm: bool = True) -> float:
    if warm:
        await work()
    start = time.perf_counter()
    result = await work()
    took = time.perf_counter() - start
    verdict = "" if target is None else (f"  ≤ {target:g} s: met" if took <= target else f"  ≤ {target:g} s: NOT met")
    size = f"  ({len(result):,} rows)" if isinstance(result, list) else ""
    print(f"  {label:<34} {took:8.3f} s{verdict}{size}", flush=True)
    return took


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("--end", type=date.fromisoformat, default=date(2026, 12, 1), help="the seeder's --end")
    parser.add_argument("--timezone", default="Europe/London")
    parser.add_argument("--whole", action="store_true", help="also the month from whole orders (slow)")
    parser.add_argument("--no-summary", action="store_true", help="the reports without the per-day sales summary")
    args = parser.parse_args()
    engine = create_engine(args.url)
    start = time.perf_counter()
    await upgrade_to_head(engine)
    print(f"{engine.dialect.name}: migrated to head in {time.perf_counter() - start:.1f} s", flush=True)
    async with engine.connect() as connection:
        orders = await connection.scalar(text("SELECT count(*) FROM orders"))
    print(f"  {orders:,} orders; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    sessions = session_factory(engine)
    now = At(datetime.combine(args.end, clock_time(12), UTC))
    zone = args.timezone

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions)

    if not args.no_summary:

        async def summarise() -> int:
            done = 0
            while (run := await summarise_sales(uow(), now, timezone=zone)).more:
                done += run.days
            return done + run.days

        await timed("sales summary (build or catch up)", None, summarise, warm=False)
        await timed("sales summary (a tick, nothing new)", None, summarise, warm=False)
    for name, target in (("today", 5.0), ("week", 5.0), ("month", 5.0)):
        await timed(f"/report {name}", target, partial(report, uow(), now, staff_id=ADMIN, name=name, timezone=zone))
    if args.whole:

        async def whole_month() -> list[Any]:
            from domain.reports import period

            when = period("month", now.now(), zone)
            async with (u := uow()).read_only():
                placed = await u.jobs.placed_between(when.start, when.end)
                await u.jobs.orders_moved_between(OrderStatus.SHIPPED, when.start, when.end)
            return placed

        await timed("month from whole orders (before)", None, whole_month, warm=False)
    async with engine.begin() as connection:  # the digest runs once a day: let it run again
        await connection.execute(text("DELETE FROM job_runs WHERE name = 'daily_digest'"))
    await timed(
        "daily digest (once a day)",
        5.0,
        lambda: daily_digest(uow(), now, staff_chat_id=STAFF_CHAT, timezone=zone, hour=0),
        warm=False,
    )
    await timed("/top customers", 2.0, lambda: top_customers(uow(), staff_id=ADMIN))
    await timed("reorder scan (first run)", 1.0, lambda: reorder_scan(uow(), now, staff_chat_id=None), warm=False)
    await timed("reorder scan (nothing new)", 1.0, lambda: reorder_scan(uow(), now, staff_chat_id=None), warm=False)
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
