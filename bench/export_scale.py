"""``ordergram export journal`` on a seeded shop: peak memory for one day and the whole period.

    python bench/export_scale.py sqlite+aiosqlite:////tmp/scale.sqlite3 [--end 2026-12-01]
    python bench/export_scale.py postgresql+asyncpg://postgres@127.0.0.1:5432/scale

Runs the real CLI as a child process (the database brought to head first), its CSV counted
and thrown away, and prints for each period the rows, the wall time and the child's peak RSS;
the export streams, so the whole period must stay within 100 MB of the one day.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from storage.db import create_engine  # noqa: E402
from storage.migrate import upgrade_to_head  # noqa: E402

EXTRA_MB = 100
# A child of its own per run: RUSAGE_CHILDREN's peak is the largest child waited for so far.
MEASURE = """
import resource, subprocess, sys
lines = 0
with subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE) as child:
    assert child.stdout is not None
    for chunk in iter(lambda: child.stdout.read(1 << 20), b""):
        lines += chunk.count(b"\\n")
print(child.returncode, lines, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
"""


def export(url: str, start: date, end: date) -> tuple[int, float, int]:
    command = [sys.executable, "-c", MEASURE, str(Path(sys.executable).with_name("ordergram")), "export", "journal"]
    command += ["--from", start.isoformat(), "--to", end.isoformat()]
    began = time.perf_counter()
    out = subprocess.run(command, env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True, check=True)
    code, lines, peak_mb = (int(x) for x in out.stdout.split())
    assert code == 0, out.stderr
    return lines - 1, time.perf_counter() - began, peak_mb


async def migrate(url: str) -> str:
    engine = create_engine(url)
    await upgrade_to_head(engine)
    await engine.dispose()
    return engine.dialect.name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("--end", type=date.fromisoformat, default=date(2026, 12, 1), help="the seeder's --end")
    parser.add_argument("--days", type=int, default=731, help="the whole period")
    args = parser.parse_args()
    print(f"{asyncio.run(migrate(args.url))}: ordergram export journal (load average {os.getloadavg()[0]:.1f})")
    day = export(args.url, args.end - timedelta(days=1), args.end - timedelta(days=1))  # --to is included
    whole = export(args.url, args.end - timedelta(days=args.days), args.end)
    for label, (rows, took, peak) in (("one day", day), (f"{args.days} days", whole)):
        print(f"  {label:<10} {rows:>12,} rows {took:8.1f} s   peak RSS {peak:5d} MB", flush=True)
    extra = whole[2] - day[2]
    verdict = "met" if extra <= EXTRA_MB else "NOT met"
    print(f"  the whole period takes {extra} MB more than one day (≤ {EXTRA_MB} MB: {verdict})")


if __name__ == "__main__":
    main()
