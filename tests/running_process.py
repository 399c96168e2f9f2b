"""``ordergram run`` as a real process pointed at a sandbox Bot API server."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.sandbox import SandboxServer

ROOT = Path(__file__).resolve().parents[1]


async def start_ordergram(
    server: SandboxServer, workdir: Path, command: str = "run", **env: str
) -> asyncio.subprocess.Process:
    variables = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "BOT_TOKEN": server.token,
        "TELEGRAM_API_URL": server.url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'run.sqlite3'}",
        **env,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        command,
        env=variables,
        cwd=workdir,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def wait_until(process: asyncio.subprocess.Process, ready: Callable[[], bool], what: str) -> None:
    """Up to 30 s for the process to get ready; its stderr is shown if it dies first."""
    for _ in range(300):
        if ready():
            return
        if process.returncode is not None:
            break
        await asyncio.sleep(0.1)
    if process.returncode is None:
        process.kill()
    _, stderr = await process.communicate()
    pytest.fail(f"{what} did not happen: {stderr.decode()[-2000:]}")
