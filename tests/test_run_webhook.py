"""``ordergram run`` with WEBHOOK_URL: registers the webhook, answers updates Telegram
POSTs to it (checking the secret token), and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import socket
import sqlite3
from pathlib import Path

import aiohttp

from bot.sandbox import SandboxServer, SandboxUser
from tests.running_process import start_ordergram, wait_until

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
    process = await start_ordergram(
        server, tmp_path, WEBHOOK_URL=url, WEBHOOK_SECRET="s3cret-token", WEBHOOK_PORT=str(port)
    )
    try:
        await wait_until(process, lambda: server.webhook is not None, "webhook registration")
        assert server.webhook == {"url": url, "secret_token": "s3cret-token"}
        alice = SandboxUser(server, 42, "Alice", wait=False)
        greeted = server.next_activity(42)
        await alice.send("/start")
        await asyncio.wait_for(greeted, 30)
        assert alice.messages()[-1].text.startswith("Hello, Alice!")
        greetings = len(alice.messages())
        start_update = max(server.sent_updates)
        assert await server.redeliver(start_update) == 200  # Telegram retries: accepted …
        await asyncio.sleep(1.0)
        assert len(alice.messages()) == greetings  # … but handled once
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


async def test_a_webhook_update_is_recorded_before_its_200_and_remembered_after_a_crash(tmp_path: Path) -> None:
    """The 200 tells Telegram the update arrived: by then it is in the database. Killed and
    restarted, the process still knows it handled it, and a retry is not handled again."""
    server = SandboxServer()
    await server.start()
    port = free_port()
    env = {"WEBHOOK_URL": f"http://127.0.0.1:{port}/tg/hook", "WEBHOOK_SECRET": "s3cret", "WEBHOOK_PORT": str(port)}
    db = tmp_path / "run.sqlite3"
    first = await start_ordergram(server, tmp_path, **env)
    try:
        await wait_until(first, lambda: server.webhook is not None, "webhook registration")
        alice = SandboxUser(server, 43, "Alice", wait=False)
        greeted = server.next_activity(43)
        await alice.send("/start")
        await wait_until(first, lambda: bool(server.webhook_deliveries), "the delivery")
        update_id, status = server.webhook_deliveries[-1]
        with sqlite3.connect(db) as connection:
            recorded = connection.execute("SELECT update_id FROM update_inbox").fetchall()
        assert status == 200 and recorded == [(update_id,)]
        await asyncio.wait_for(greeted, 30)
        await asyncio.sleep(0.3)  # marked handled
        first.kill()
        await first.wait()
    finally:
        if first.returncode is None:
            first.kill()
    server.webhook = None
    second = await start_ordergram(server, tmp_path, **env)
    try:
        await wait_until(second, lambda: server.webhook is not None, "webhook registration again")
        greetings = len(alice.messages())
        assert await server.redeliver(update_id) == 200
        await asyncio.sleep(1.0)
        assert len(alice.messages()) == greetings
        second.send_signal(signal.SIGTERM)
        await asyncio.wait_for(second.communicate(), 30)
    finally:
        if second.returncode is None:
            second.kill()
        await server.stop()
