"""Start-up cost of the ``ordergram`` command: ``--help`` and ``import`` (a small CSV into a
migrated SQLite database), before and after the lazy imports of issue 18.

For each command it prints the median over several runs of the wall time (a plain run) and
of the total import time that ``python -X importtime`` reports (the sum of its "self"
column), and the number of modules imported. "after" is the working tree; "before" is the
figure recorded below for the commit the work started from, or measured again from any git
revision with ``--before REV`` (exported with ``git archive`` to a temporary folder and run
from there with this interpreter, so both use the same libraries; the two trees take turns
run by run, so the ratios hold on a busy machine even when the absolute times do not).

    python bench/cli_startup.py [--runs 7] [--before REV] [--baseline]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WAREHOUSES = ROOT / "bot" / "demo_data" / "warehouses.csv"

# Measured with this script (--before 4013cca, 7 runs) at main's HEAD when the work started,
# on the shared 2-core machine (busy: absolute times vary, the module count does not).
# command -> (wall ms, import time ms, modules imported)
BASELINE_REV = "4013cca"
BASELINE: dict[str, tuple[float, float, int]] = {"--help": (4749, 4745, 2033), "import": (7770, 9112, 2036)}

COMMANDS: dict[str, list[str]] = {"--help": ["--help"], "import": ["import", "warehouses", "warehouses.csv"]}


def _entry() -> list[str]:
    """``ordergram ARGS`` from the tree at ``source``, with this interpreter (its site-packages)."""
    return [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main())"]


def _env(source: Path, work: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "DATABASE_URL"))}
    # PYTHONPATH comes before the editable install's path entry: the measured tree is imported.
    env["PYTHONPATH"] = str(source)
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{work / 'bench.sqlite3'}"
    return env


def _importtime(stderr: str) -> tuple[float, int]:
    """Total import time (ms) and module count from ``-X importtime`` output."""
    total_us, modules = 0, 0
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        total_us += int(line.split(":", 1)[1].split("|", 1)[0])
        modules += 1
    return total_us / 1000, modules


def _run(source: Path, work: Path, args: Sequence[str], *, importtime: bool) -> subprocess.CompletedProcess[str]:
    command = _entry()
    if importtime:
        command[1:1] = ["-X", "importtime"]
    done = subprocess.run(
        [*command, *args], cwd=work, env=_env(source, work), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"ordergram {' '.join(args)} failed in {source}:\n{done.stderr[-2000:]}")
    return done


def measure(sources: dict[str, Path], runs: int) -> dict[str, dict[str, tuple[float, float, int]]]:
    """tree -> command -> (median wall ms, median import ms, modules). The trees take turns run
    by run, so a busy moment of the machine falls on both alike."""
    samples: dict[tuple[str, str], tuple[list[float], list[float], list[int]]] = {}
    with tempfile.TemporaryDirectory(prefix="og-bench-") as tmp:
        works = {label: Path(tmp) / label for label in sources}
        for label, source in sources.items():
            works[label].mkdir()
            shutil.copy(WAREHOUSES, works[label] / "warehouses.csv")
            _run(source, works[label], ["migrate"], importtime=False)  # import then measures itself
        for _ in range(runs):
            for name, args in COMMANDS.items():
                for label, source in sources.items():
                    walls, imports, modules = samples.setdefault((label, name), ([], [], []))
                    started = time.perf_counter()
                    _run(source, works[label], args, importtime=False)
                    walls.append((time.perf_counter() - started) * 1000)
                    total, count = _importtime(_run(source, works[label], args, importtime=True).stderr)
                    imports.append(total)
                    modules.append(count)
    figures: dict[str, dict[str, tuple[float, float, int]]] = {label: {} for label in sources}
    for (label, name), (walls, imports, modules) in samples.items():
        figures[label][name] = (statistics.median(walls), statistics.median(imports), max(modules))
    return figures


def exported(rev: str, folder: Path) -> Path:
    """The tree of ``rev`` (``git archive``) in ``folder``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def _row(name: str, figures: tuple[float, float, int]) -> str:
    wall, imports, modules = figures
    return f"{name:<8} {wall:8.0f} ms wall {imports:8.0f} ms importing {modules:5d} modules"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--before", metavar="REV", help=f"measure REV as 'before' (default: recorded {BASELINE_REV})")
    parser.add_argument("--baseline", action="store_true", help="print the recorded 'before' figures only")
    args = parser.parse_args()
    if args.baseline or not args.before:
        print(f"before (recorded at {BASELINE_REV}):")
        for name, figures in BASELINE.items():
            print("  " + _row(name, figures))
        if args.baseline:
            return
        before, after = BASELINE, measure({"after": ROOT}, args.runs)["after"]
    else:
        with tempfile.TemporaryDirectory(prefix="og-rev-") as tmp:
            both = measure({"before": exported(args.before, Path(tmp)), "after": ROOT}, args.runs)
        before, after = both["before"], both["after"]
        print(f"before ({args.before}, median of {args.runs} runs, taking turns with after):")
        for name, figures in before.items():
            print("  " + _row(name, figures))
    print(f"after (working tree, median of {args.runs} runs):")
    for name, figures in after.items():
        print("  " + _row(name, figures))
    print("after / before:")
    for name, (wall, imports, modules) in after.items():
        if name in before:
            old_wall, old_imports, old_modules = before[name]
            print(
                f"  {name:<8} wall ×{wall / old_wall:.2f}   import time ×{imports / old_imports:.2f}"
                f"   modules ×{modules / old_modules:.2f}"
            )


if __name__ == "__main__":
    main()
