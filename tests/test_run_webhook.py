"""``ordergram run`` with WEBHOOK_URL: registers the webhook, answers updates Telegram
POSTs to it (checking the secret token), and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp
import pytest

from bot.sandbox import SandboxServer, SandboxUser

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_webhook_mode_end_to_end(tmp_path: Path) -> None:
    server = SandboxServer()
    await server.start()
    port = free_port()
    url = f"http://127.0.0.1:{port}/tg/hook"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "BOT_TOKEN": server.token,
        "TELEGRAM_API_URL": server.url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'hook.sqlite3'}",
        "WEBHOOK_URL": url,
        "WEBHOOK_SECRET": "s3cret-token",
        "WEBHOOK_PORT": str(port),
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
            if server.webhook:
                break
            await asyncio.sleep(0.1)
        else:
            process.kill()
            _, stderr = await process.communicate()
            pytest.fail("the bot never registered its webhook: " + stderr.decode()[-2000:])
        assert server.webhook == {"url": url, "secret_token": "s3cret-token"}
        alice = SandboxUser(server, 42, "Alice", wait=False)
        greeted = server.next_activity(42)
        await alice.send("/start")
        await asyncio.wait_for(greeted, 30)
        assert alice.messages()[-1].text.startswith("Hello, Alice!")
        async with aiohttp.ClientSession() as http, http.post(url, json={"update_id": 999}) as forged:
            assert forged.status == 401  # no secret token: refused
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
        await server.stop()
    assert process.returncode == 0, stderr.decode()
    assert b"Traceback" not in stderr
