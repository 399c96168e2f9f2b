"""What a bot process holds before its first update: resident memory after imports, by library.

Each line is a fresh interpreter that imports what the line names and prints its VmRSS (what
the process holds, not what the import touched on the way): a bare aiogram bot (the floor any
aiogram bot pays), the libraries Ordergram uses, and Ordergram's own start-up imports
(``ordergram run``'s). Libraries that only some commands need (matplotlib for charts,
reportlab for PDFs, numpy for forecasts, Alembic for migrations) should not appear in the
last line's ``also loaded``: they are imported on first use.

    python bench/memory_at_start.py
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("matplotlib", "reportlab", "numpy", "PIL", "alembic", "mako", "zxingcpp")

PROBE = """
import sys
{imports}
rss = next(int(line.split()[1]) for line in open('/proc/self/status') if line.startswith('VmRSS'))
loaded = sorted({{name.split('.')[0] for name in sys.modules}} & set({heavy!r}))
print(rss // 1024, ','.join(loaded) or '-')
"""

LINES = [
    ("python alone", ""),
    ("aiogram (a bare echo bot)", "from aiogram import Bot, Dispatcher; import aiogram.types"),
    ("aiogram, types built on first use", "import bot.aiogram_types; from aiogram import Bot; import aiogram.types"),
    ("sqlalchemy (async, orm)", "import sqlalchemy.ext.asyncio, sqlalchemy.orm"),
    ("matplotlib (charts)", "from matplotlib.figure import Figure"),
    ("reportlab (PDFs)", "from reportlab.pdfgen.canvas import Canvas"),
    ("numpy (forecasts)", "import numpy"),
    ("alembic (migrations)", "from alembic import command"),
    ("ordergram run's imports", "import bot.cli, bot.app, bot.runtime, bot.polling, bot.scheduler, bot.notifier"),
]


def probe(imports: str) -> tuple[int, str]:
    code = PROBE.format(imports=imports, heavy=HEAVY)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    rss, loaded = out.split()
    return int(rss), loaded


def main() -> None:
    print(f"{'imported':32} {'RSS MB':>7}  also loaded")
    for label, imports in LINES:
        rss, loaded = probe(imports)
        print(f"{label:32} {rss:7d}  {loaded}")


if __name__ == "__main__":
    main()
