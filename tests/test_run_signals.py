"""``ordergram run`` polls the configured Bot API server and stops cleanly on SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from pathlib import Path

import pytest

from sandbox import SandboxServer
from tests.running_process import start_ordergram, wait_until

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_run_migrates_registers_commands_polls_and_stops_on_signal(tmp_path: Path, sig: signal.Signals) -> None:
    server = SandboxServer()
    await server.start()
    process = await start_ordergram(server, tmp_path, ADMIN_IDS="4242")
    try:
        await wait_until(process, lambda: "getUpdates" in server.requested, "polling")
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
