"""``ordergram run`` polls the configured Bot API server and stops cleanly on SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from pathlib import Path

import pytest

from bot.sandbox import SandboxServer

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_run_migrates_registers_commands_polls_and_stops_on_signal(tmp_path: Path, sig: signal.Signals) -> None:
    server = SandboxServer()
    await server.start()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "BOT_TOKEN": server.token,
        "TELEGRAM_API_URL": server.url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'run.sqlite3'}",
        "ADMIN_IDS": "4242",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        for _ in range(300):
            if "getUpdates" in server.requested:
                break
            await asyncio.sleep(0.1)
        else:
            pytest.fail("the bot never started polling")
        assert "default::ru" in server.commands and server.webhook_deleted
        process.send_signal(sig)
        await server.release_pollers()
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
        await server.stop()
    assert process.returncode == 0, stderr.decode()
    assert b"Traceback" not in stderr
    with sqlite3.connect(tmp_path / "run.sqlite3") as db:
        assert db.execute("SELECT telegram_id, role FROM staff").fetchall() == [(4242, "admin")]
