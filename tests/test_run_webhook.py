"""``ordergram run`` with WEBHOOK_URL: registers the webhook, answers updates Telegram
POSTs to it (checking the secret token), and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import socket
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
