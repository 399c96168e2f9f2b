"""A bot process starts without the libraries only some commands need (bench/memory_at_start.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ON_FIRST_USE = {"matplotlib", "reportlab", "numpy", "PIL", "alembic", "mako", "zxingcpp"}
LOADED = "\nprint(' '.join(sorted({name.split('.')[0] for name in sys.modules})))"


def _loaded(code: str) -> set[str]:
    """The top-level packages a fresh interpreter holds after running ``code``."""
    run = subprocess.run(
        [sys.executable, "-c", "import sys\n" + code + LOADED], cwd=ROOT, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    return set(run.stdout.split())


def test_ordergram_run_imports_no_chart_pdf_forecast_barcode_or_migration_library() -> None:
    loaded = _loaded("import bot.cli, bot.app, bot.runtime, bot.polling, bot.scheduler, bot.notifier")
    assert "aiogram" in loaded  # the probe did import the bot
    assert loaded & ON_FIRST_USE == set()


def test_the_libraries_still_load_when_a_barcode_and_a_forecast_are_made() -> None:
    loaded = _loaded(
        "from domain.forecasting import forecast\n"
        "from handlers.output.barcodes import barcode_png, read_barcode\n"
        "assert read_barcode(barcode_png('ORD-1001')) == 'ORD-1001'\n"
        "assert forecast([3.0, 4.0, 5.0, 4.0, 3.0, 4.0, 5.0, 4.0, 3.0, 4.0], 2).mean(1) > 0"
    )
    assert {"numpy", "zxingcpp", "PIL"} <= loaded
