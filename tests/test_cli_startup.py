"""The commands that do not talk to Telegram start without the bot's heavy libraries."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("aiogram", "aiohttp", "matplotlib", "reportlab", "zxingcpp", "alembic")

# Runs the command in a fresh interpreter, then prints which heavy top-level packages it loaded.
PROBE = """
import json, sys
HEAVY = json.loads(sys.argv[1])
from bot.cli import main
try:
    code = main(sys.argv[2:])
except SystemExit as stop:
    code = stop.code
loaded = sorted({name.split(".")[0] for name in sys.modules} & set(HEAVY))
print(json.dumps({"code": code, "loaded": loaded}), file=sys.stderr)
"""


def _ordergram(tmp_path: Path, *args: str) -> tuple[int, list[str], str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'shop.sqlite3'}"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(HEAVY), *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], report["loaded"], done.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("--version",),
        ("migrate",),
        ("import", "warehouses", "warehouses.csv"),
        ("apikey", "list"),
        ("apikey", "create", "till"),
    ],
)
def test_commands_that_do_not_talk_to_telegram_load_no_bot_library(tmp_path: Path, args: tuple[str, ...]) -> None:
    shutil.copy(ROOT / "bot" / "demo_data" / "warehouses.csv", tmp_path)
    if args[0] not in ("--help", "--version", "migrate"):
        assert _ordergram(tmp_path, "migrate")[0] == 0
    code, loaded, _ = _ordergram(tmp_path, *args)
    assert code in (0, None)
    # Alembic only when there is something to migrate (storage.migrate.at_head).
    assert loaded == (["alembic"] if args == ("migrate",) else [])


def test_version_prints_the_installed_package_version(tmp_path: Path) -> None:
    code, _, out = _ordergram(tmp_path, "--version")
    assert code == 0
    assert out.strip() == f"ordergram {version('ordergram')}"
