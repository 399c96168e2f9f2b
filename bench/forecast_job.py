"""The nightly forecast job at scale: 10,000 products × 5 warehouses of weekly history (seeded).

A fresh SQLite database (migrated) gets one demand row per product, warehouse and week for
``--weeks`` weeks: a third regular (normal around a level), a third intermittent (sales in
about one week of four), a third trending; the same seed gives the same data. The job runs
in a fresh child process, so the figures below are the job's alone: wall time of
``nightly_forecasts`` (batches of 500 products read, forecast in forked worker processes,
written in bulk) and the peak of the memory it adds: the job process's growth plus the
workers' private memory (sampled every 0.2 s).

The job runs twice on the same demand: first with no stock movements (a shop that never kept
stock in Ordergram: the stock-out reading finds nothing), then after each pair's stock
movements are seeded (an opening count, a receipt when the stock runs low, a shipment each week
it sold, a quarterly count a unit or two off; one pair in ten has a 3–8-week stock-out that
sold nothing, left out by ``domain.stockouts``), so the second run's extra time and memory are
the stock-out reading's: that run is the first night after an upgrade, which sums every movement
into ``stock_day_sums`` once; a third run, after one more day's movements (a shipment per pair in
stock), is every night after it, which sums only those (``storage/repositories/stock_days.py``).
The fold (``fold_movements``, the job's first step) is timed alone in each run, on the job's own
unit of work before the rest of the job: the first night's against the next night's.

    python bench/forecast_job.py [--products 10000] [--warehouses 5] [--weeks 104] [--workers N]

Targets: ≤ 60 s; ≤ 300 MB extra memory (main process's growth plus every worker's peak).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import resource
import sqlite3
import sys
import tempfile
import time as clock_time
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.scheduler import forecast_workers  # noqa: E402
from domain.replenishment import ServiceLevels  # noqa: E402
from domain.usecases.forecast_job import fold_movements, nightly_forecasts  # noqa: E402
from domain.weeks import week_start  # noqa: E402
from storage.db import create_engine, session_factory  # noqa: E402
from storage.migrate import upgrade_to_head  # noqa: E402
from storage.uow import SqlUnitOfWork  # noqa: E402
from tests.fakes import FakeClock  # noqa: E402

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)


OUT_SHARE = 0.1  # pairs with a stock-out spell
# Per (product, warehouse): its level and its units each week (0 in a stock-out spell), and the spell's weeks.
Plan = dict[tuple[int, int], tuple[float, list[int], range]]


def seed(path: str, products: int, warehouses: int, weeks: int, plan: Plan) -> int:
    """The database, migrated and filled with demand; returns the demand rows. ``plan`` gets each
    pair's weeks, for ``seed_movements``."""

    async def migrate() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        await upgrade_to_head(engine)
        await engine.dispose()

    asyncio.run(migrate())
    rng = random.Random(20261203)
    last_monday = week_start(NOW.date()) - timedelta(days=7)
    mondays = [(last_monday - timedelta(weeks=weeks - 1 - k)).isoformat() for k in range(weeks)]
    db = sqlite3.connect(path)
    db.execute("INSERT INTO categories (id, name) VALUES (1, 'Bench')")
    db.executemany(
        "INSERT INTO product_groups (id, code) VALUES (?, ?)", [(p, f"SKU-{p:05d}") for p in range(1, products + 1)]
    )
    db.executemany(
        "INSERT INTO products (id, sku, name, description, category_id, weight_g, status, more_photos, group_id)"
        " VALUES (?, ?, ?, '', 1, 0, 'active', '', ?)",
        [(p, f"SKU-{p:05d}", f"Product {p}", p) for p in range(1, products + 1)],
    )
    db.executemany(
        "INSERT INTO product_prices (product_id, currency, amount_minor) VALUES (?, 'EUR', ?)",
        [(p, rng.randint(100, 10_000)) for p in range(1, products + 1)],
    )
    db.executemany(
        "INSERT INTO warehouses (id, code, name, address, is_pickup_point) VALUES (?, ?, ?, '', 0)",
        [(w, f"W{w}", f"Warehouse {w}") for w in range(1, warehouses + 1)],
    )
    count = 0
    for p in range(1, products + 1):
        rows = []
        for w in range(1, warehouses + 1):
            kind, level = p % 3, rng.uniform(2, 60)
            spell = range(0)
            if rng.random() < OUT_SHARE:
                begins = rng.randint(10, weeks - 10)
                spell = range(begins, begins + rng.randint(3, 8))
            sold = []
            for k, monday in enumerate(mondays):
                if k in spell:  # none on hand: nothing sold
                    units = 0
                elif kind == 0:
                    units = round(rng.gauss(level, level * 0.3))
                elif kind == 1:
                    units = rng.randint(1, 12) if rng.random() < 0.25 else 0
                else:
                    units = round(rng.gauss(level * (0.5 + k / weeks), level * 0.2))
                sold.append(max(units, 0))
                if units > 0:
                    rows.append((p, w, monday, units, "import"))
            plan[(p, w)] = (level, sold, spell)
        db.executemany(
            "INSERT INTO demand (product_id, warehouse_id, day, quantity, source) VALUES (?, ?, ?, ?, ?)", rows
        )
        count += len(rows)
    db.commit()
    db.close()
    return count


def _at(monday: date, days: int, hour: int) -> str:
    return (datetime.combine(monday + timedelta(days=days), time(hour))).strftime("%Y-%m-%d %H:%M:%S.%f")


def seed_movements(path: str, weeks: int, plan: Plan) -> int:
    """Each pair's stock movements, consistent with its weekly sales, and its stock row's
    count now; returns the movements."""
    rng = random.Random(20261206)
    last_monday = week_start(NOW.date()) - timedelta(days=7)
    mondays = [last_monday - timedelta(weeks=weeks - 1 - k) for k in range(weeks)]
    db = sqlite3.connect(path)
    count = 0
    stock = []
    insert = (
        "INSERT INTO inventory_movements (product_id, warehouse_id, delta, reason, actor, at)"
        " VALUES (?, ?, ?, ?, 'bench', ?)"
    )
    for (p, w), (level, sold, spell) in plan.items():
        lot = max(round(4 * level), 1)  # a receipt covers about four weeks
        moves = [(p, w, lot, "count", _at(mondays[0], 0, 8))]
        on_hand = lot
        for k, units in enumerate(sold):
            monday = mondays[k]
            if k == spell.start and on_hand:  # the spell begins: the shelf is found empty
                moves.append((p, w, -on_hand, "count", _at(monday, 0, 8)))
                on_hand = 0
            if k in spell:
                continue
            if on_hand < units + level:
                moves.append((p, w, lot + units, "receipt", _at(monday, 0, 9)))
                on_hand += lot + units
            if units:
                moves.append((p, w, -units, "shipment", _at(monday, rng.randint(1, 5), 14)))
                on_hand -= units
            if k % 13 == 12 and on_hand:  # the quarterly count, a unit or two off
                off = max(rng.randint(-2, 1), -on_hand)
                if off:
                    moves.append((p, w, off, "count", _at(monday, 6, 18)))
                    on_hand += off
        db.executemany(insert, moves)
        stock.append((p, w, on_hand))
        count += len(moves)
    db.executemany("INSERT INTO stock (product_id, warehouse_id, on_hand, reserved) VALUES (?, ?, ?, 0)", stock)
    db.commit()
    db.close()
    return count


def seed_night(path: str) -> int:
    """A day's movements after the job's first run with them: a shipment of one unit for each pair
    in stock, the evening before the next night's run; returns them."""
    db = sqlite3.connect(path)
    at = (NOW - timedelta(hours=6)).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    pairs = db.execute("SELECT product_id, warehouse_id FROM stock WHERE on_hand > 0").fetchall()
    db.executemany(
        "INSERT INTO inventory_movements (product_id, warehouse_id, delta, reason, actor, at)"
        " VALUES (?, ?, -1, 'shipment', 'bench', ?)",
        [(p, w, at) for p, w in pairs],
    )
    db.executemany("UPDATE stock SET on_hand = on_hand - 1 WHERE product_id = ? AND warehouse_id = ?", pairs)
    db.commit()
    db.close()
    return len(pairs)


def _kb(field: str, pid: int | str = "self", name: str = "status") -> int:
    try:
        text = Path(f"/proc/{pid}/{name}").read_text()
    except OSError:  # the process ended
        return 0
    return sum(int(line.split()[1]) for line in text.splitlines() if line.startswith(field + ":"))


def _children() -> list[int]:
    pids: list[int] = []
    for task in Path("/proc/self/task").iterdir():
        pids += [int(p) for p in (task / "children").read_text().split()]
    return pids


def _extra_kb(baseline: int) -> int:
    """What the job holds beyond the process before it: this process's growth plus each
    worker's private memory (a forked worker shares the rest with this process)."""
    private = sum(
        _kb("Private_Clean", p, "smaps_rollup") + _kb("Private_Dirty", p, "smaps_rollup") for p in _children()
    )
    return _kb("VmRSS") - baseline + private


class Run(NamedTuple):
    seconds: float  # the whole job's wall time, its fold included
    extra_kb: int
    stored: int
    main_cpu: float
    workers_cpu: float
    folded: int  # movements summed into the kept days (the job's first step)
    fold_s: float  # …its wall time
    fold_cpu: float  # …and the job process's CPU for it


def _cpu() -> float:
    mine = resource.getrusage(resource.RUSAGE_SELF)
    return mine.ru_utime + mine.ru_stime


async def run(path: str, workers: int) -> Run:
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    uow = SqlUnitOfWork(session_factory(engine))
    clock = FakeClock()
    clock.now = lambda: NOW  # type: ignore[method-assign]
    baseline, peak = _kb("VmRSS"), 0
    cpu = _cpu()

    async def sample() -> None:
        nonlocal peak
        while True:
            peak = max(peak, _extra_kb(baseline))
            await asyncio.sleep(0.2)

    sampler = asyncio.ensure_future(sample())
    started = clock_time.perf_counter()
    # The job's first step, timed alone: the same call the job makes, on its unit of work, between
    # units. Not from a wrapper inside one: a writing unit's first statement (a read too) takes
    # SQLite's write lock (BEGIN IMMEDIATE), so a unit of work opened inside it to fold waits for
    # its own caller — 30 s, then "database is locked" (another engine) or a TimeoutError on
    # BEGIN IMMEDIATE (the same engine's write turns).
    folded = await fold_movements(uow)
    fold_s, fold_cpu = clock_time.perf_counter() - started, _cpu() - cpu
    with forecast_workers(workers) as (compute, in_flight):
        done = await nightly_forecasts(
            uow,
            clock,
            levels=ServiceLevels(0.95),
            currency="EUR",
            auto_apply=False,
            compute=compute,
            in_flight=in_flight,
        )
        peak = max(peak, _extra_kb(baseline))
    elapsed = clock_time.perf_counter() - started
    sampler.cancel()
    await engine.dispose()
    workers_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    workers_s = workers_cpu.ru_utime + workers_cpu.ru_stime
    return Run(elapsed, peak, done.stored, _cpu() - cpu, workers_s, folded, fold_s, fold_cpu)


def measure(path: str, workers: int, out: multiprocessing.Queue[Run]) -> None:
    """In a fresh process: its memory before the job is the bot's, not the seeder's."""
    out.put(asyncio.run(run(path, workers)))


def _job(path: str, workers: int) -> Run:
    spawn = multiprocessing.get_context("spawn")
    results: multiprocessing.Queue[Run] = spawn.Queue()
    child = spawn.Process(target=measure, args=(path, workers, results))
    child.start()
    found = results.get()
    child.join()
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--warehouses", type=int, default=5)
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    plan: Plan = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "bench.sqlite3")
        started = clock_time.perf_counter()
        rows = seed(path, args.products, args.warehouses, args.weeks, plan)
        print(
            f"seeded {args.products:,} products × {args.warehouses} warehouses × {args.weeks} weeks: "
            f"{rows:,} demand rows in {clock_time.perf_counter() - started:.0f} s"
        )
        elapsed, extra_kb, stored, main_cpu, workers_cpu, *_ = _job(path, args.workers)
        started = clock_time.perf_counter()
        moved = seed_movements(path, args.weeks, plan)
        spells = sum(1 for _, _, spell in plan.values() if spell)
        print(
            f"seeded {moved:,} stock movements ({spells:,} pairs with a stock-out of 3–8 weeks) "
            f"in {clock_time.perf_counter() - started:.0f} s"
        )
        with_moves = _job(path, args.workers)
        night = seed_night(path)
        next_night = _job(path, args.workers)
    pairs = args.products * args.warehouses
    extra_mb = extra_kb / 1024
    print(
        f"nightly job: {stored:,} suggestions stored in {elapsed:.1f} s ({1000 * elapsed / pairs:.2f} ms per pair, "
        f"{args.workers} worker processes)"
    )
    print(
        f"CPU: job process {main_cpu:.0f} s, workers {workers_cpu:.0f} s; on {args.workers} idle cores "
        f"≥ {(main_cpu + workers_cpu) / max(args.workers, os.cpu_count() or 1):.0f} s "
        f"(all CPU over the cores; load average now {os.getloadavg()[0]:.1f})"
    )
    print(f"memory: +{extra_mb:.0f} MB at peak (job process's growth + workers' private memory, sampled every 0.2 s)")
    moves_s, moves_kb, moves_stored, moves_main, moves_workers, *_ = with_moves
    moves_mb = moves_kb / 1024
    print(
        f"with stock movements: {moves_stored:,} suggestions stored in {moves_s:.1f} s "
        f"({moves_s - elapsed:+.1f} s), CPU: job process {moves_main:.0f} s ({moves_main - main_cpu:+.0f} s), "
        f"workers {moves_workers:.0f} s; memory +{moves_mb:.0f} MB at peak ({moves_mb - extra_mb:+.0f} MB)"
    )
    night_s, night_kb, night_stored, night_main, night_workers, *_ = next_night
    night_mb = night_kb / 1024
    print(
        f"the next night ({night:,} more movements): {night_stored:,} suggestions stored in {night_s:.1f} s "
        f"({night_s - elapsed:+.1f} s), CPU: job process {night_main:.0f} s ({night_main - main_cpu:+.0f} s), "
        f"workers {night_workers:.0f} s; memory +{night_mb:.0f} MB at peak ({night_mb - extra_mb:+.0f} MB); "
        f"all CPU over the cores ≥ {(night_main + night_workers) / max(args.workers, os.cpu_count() or 1):.0f} s"
    )
    print(
        f"the fold alone (the job's first step, fold_stock_days): the first night {with_moves.folded:,} movements "
        f"in {with_moves.fold_s:.1f} s, CPU {with_moves.fold_cpu:.1f} s; the next night {next_night.folded:,} "
        f"in {next_night.fold_s:.2f} s, CPU {next_night.fold_cpu:.2f} s "
        f"({next_night.fold_cpu / max(with_moves.fold_cpu, 1e-9):.3f}× the first night's CPU)"
    )
    time_ok = max(elapsed, night_s) <= 60
    memory_ok = max(extra_mb, moves_mb, night_mb) <= 300
    print(
        f"TARGET job time ≤ 60 s: {elapsed:.1f} s, {night_s:.1f} s a night with movements "
        f"(the first night after an upgrade, summing every movement once: {moves_s:.1f} s): "
        f"{'PASS' if time_ok else 'FAIL'}"
    )
    print(
        f"TARGET extra memory ≤ 300 MB: {extra_mb:.0f} MB, {moves_mb:.0f} / {night_mb:.0f} MB with movements: "
        f"{'PASS' if memory_ok else 'FAIL'}"
    )
    return 0 if time_ok and memory_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
