"""Speed and memory of the demand forecaster on the nightly job's load: 10,000 products × 5 warehouses.

50,000 synthetic weekly series (up to 104 weeks; six in ten a full two years, the rest
8–104 weeks since their first sale), a realistic mix: smooth (Poisson around a level),
intermittent (a sale one week in 2–8), lumpy (intermittent with sizes spread over 1–50),
trending (a level drifting up or down) and seasonal (a yearly wave). Each is forecast 12 weeks
ahead by ``domain.forecasting.forecast``, in one process or ``--workers`` processes.
Prints the CPU time per 1,000 series (what one core spends: steady on a shared machine, where
wall time is not), the wall time for all, and the peak memory above what the process held
before forecasting.

    python bench/forecast_speed.py [--series 50000] [--workers 1]

Target: all 50,000 in ≤ 60 s on this 2-core machine, ≤ 300 MB extra memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from domain.forecasting import forecast  # noqa: E402

WEEKS = 104
KINDS = ("smooth", "intermittent", "lumpy", "trending", "seasonal")


def synthetic(count: int, seed: int = 7) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    t = np.arange(WEEKS)
    series = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        level = rng.uniform(0.5, 40)
        if kind == "smooth":
            y = rng.poisson(level, WEEKS)
        elif kind == "intermittent":
            y = (rng.random(WEEKS) < 1 / rng.uniform(2, 8)) * rng.poisson(rng.uniform(1, 6), WEEKS)
        elif kind == "lumpy":
            y = (rng.random(WEEKS) < 1 / rng.uniform(2, 8)) * rng.integers(1, 51, WEEKS)
        elif kind == "trending":
            y = rng.poisson(np.maximum(level * (1 + rng.uniform(-0.01, 0.02) * t), 0))
        else:
            y = rng.poisson(level * (1 + 0.6 * np.sin(2 * np.pi * t / 52 + rng.uniform(0, 6.3))))
        start = 0 if rng.random() < 0.6 else int(rng.integers(0, WEEKS - 8))
        series.append(y[start:].astype(float))
    return series


def run(chunk: list[np.ndarray]) -> int:
    for y in chunk:
        forecast(y.tolist(), 12)
    return len(chunk)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--series", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    data = synthetic(args.series)
    run(data[:50])  # the operators are built once per process, as in the nightly job
    before = peak_mb()
    started, cpu = time.perf_counter(), time.process_time()
    if args.workers == 1:
        run(data)
        extra = peak_mb() - before
    else:
        chunks = [data[i :: args.workers] for i in range(args.workers)]
        with ProcessPoolExecutor(args.workers) as pool:
            list(pool.map(run, chunks))
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        extra = peak_mb() - before + children * args.workers  # each worker's peak, all counted
    took = time.perf_counter() - started
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time() - cpu + workers.ru_utime + workers.ru_stime
    per = 1000 * cpu / args.series
    print(f"{args.series:,} synthetic weekly series ({', '.join(KINDS)}), ≤ {WEEKS} weeks, 12 weeks ahead")
    print(f"CPU time per 1,000 series: {per:.2f} s ({per:.2f} ms per series)")
    print(f"workers: {args.workers}   wall time: {took:.1f} s (on a machine shared with {os.getloadavg()[0]:.1f} busy)")
    print(f"peak memory above the process before forecasting: {extra:.0f} MB (the process held {before:.0f} MB)")
    nightly = 50 * per / 2
    print(
        f"10,000 products × 5 warehouses on 2 free cores: {nightly:.0f} s of CPU each (target ≤ 60 s, ≤ 300 MB extra: ",
        end="",
    )
    print(f"{'met' if nightly <= 60 and extra <= 300 else 'NOT met'})")


if __name__ == "__main__":
    main()
