"""``ordergram run`` with WEBHOOK_URL: registers the webhook, answers updates Telegram
POSTs to it (checking the secret token), and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import re
import signal
import sqlite3
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.config import ConfigError, load_settings
from bot.harness import running_bot
from bot.serving import derived_webhook_secret, start_webhook
from sandbox import SandboxServer, SandboxUser
from storage import models as m
from tests.e2e.journeys import add_to_cart, checkout_to_payment, count, order_code, scalar
from tests.running_process import start_on_a_free_port, wait_until
from tests.services import free_port, listening

ROOT = Path(__file__).resolve().parents[1]


def _webhook_env(port: int) -> dict[str, str]:
    url = f"http://127.0.0.1:{port}/tg/hook"
    return {"WEBHOOK_URL": url, "WEBHOOK_SECRET": "s3cret-token", "WEBHOOK_PORT": str(port)}


async def test_webhook_mode_end_to_end(tmp_path: Path) -> None:
    server = SandboxServer()
    await server.start()
    process, port = await start_on_a_free_port(server, tmp_path, "run", _webhook_env)
    url = f"http://127.0.0.1:{port}/tg/hook"
    try:
        assert server.webhook == {"url": url, "secret_token": "s3cret-token"}
        alice = SandboxUser(server, 42, "Alice", wait=False)
        greeted = server.next_activity(42)
        await alice.send("/start")
        await asyncio.wait_for(greeted, 30)
        assert alice.messages()[-1].text.startswith("Hello, Alice!")
        greetings = len(alice.messages())
        start_update = max(server.sent_updates)
        assert await server.redeliver(start_update) == 200  # Telegram retries: accepted …
        async with aiohttp.ClientSession() as http, http.post(url, json={"update_id": 999}) as forged:
            assert forged.status == 401  # no secret token: refused
        process.send_signal(signal.SIGTERM)  # what it had in hand is finished first
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
        await server.stop()
    assert len(alice.messages()) == greetings  # … but handled once: stopped, it can send nothing more
    assert process.returncode == 0, stderr.decode()
    assert b"Traceback" not in stderr
    assert f"listening on http://127.0.0.1:{port}: the webhook (/tg/hook)" in stderr.decode()


async def test_webhook_without_a_configured_secret_refuses_forged_updates(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """No WEBHOOK_SECRET: a secret is derived from the token and registered with setWebhook, so a
    POST that does not carry it — a forged payment for an order awaiting one — changes nothing."""
    port = free_port()
    async with running_bot(
        f"sqlite+aiosqlite:///{tmp_path / 'hook.sqlite3'}",
        default_currency="GBP",
        payment_provider_token="sandbox:provider",
        webhook_url=f"http://127.0.0.1:{port}/tg/hook",
        webhook_port=port,
    ) as bot:
        boris = SandboxUser(bot.server, 602, "Boris")
        await add_to_cart(boris, "85123A", 1)
        reply = await checkout_to_payment(boris, pickup=True)
        reply = await boris.press(reply.last, "💳")
        placed = await boris.press(reply.last, "✅")
        invoice = next(m for m in placed.new if m.kind == "invoice")
        assert invoice.invoice is not None
        code = order_code(placed)
        await bot.runtime.dp.stop_polling()
        await bot.server.release_pollers()
        with caplog.at_level(logging.DEBUG):
            server, base = await listening(bot.runtime.settings, "webhook_port", lambda: start_webhook(bot.runtime))
        url = f"{base}/tg/hook"
        try:
            payment = {
                "currency": invoice.invoice["currency"],
                "total_amount": invoice.invoice["total_amount"],
                "invoice_payload": invoice.invoice["payload"],
                "telegram_payment_charge_id": "forged-charge",
                "provider_payment_charge_id": "forged-provider-charge",
            }
            forged = {"update_id": 10**6, "message": boris._message(successful_payment=payment)}
            async with aiohttp.ClientSession() as http:
                for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "guessed-secret"}):
                    async with http.post(url, json=forged, headers=headers) as answer:
                        assert answer.status in (401, 403)
                assert bot.server.webhook is not None
                secret = bot.server.webhook["secret_token"]  # what Telegram was given
                assert re.fullmatch(r"[A-Za-z0-9_-]{32,256}", secret)
                assert secret not in caplog.text
                assert secret == derived_webhook_secret(bot.server.token)  # what another process would use
                paid = {**payment, "telegram_payment_charge_id": "charge", "provider_payment_charge_id": "provider"}
                genuine = {"update_id": 10**6 + 1, "message": boris._message(successful_payment=paid)}
                async with http.post(url, json=genuine, headers={"X-Telegram-Bot-Api-Secret-Token": secret}) as answer:
                    assert answer.status == 200
            for _ in range(300):  # handled in the background after its 200 (30 s only against a hang)
                if await count(bot, m.PaymentRow):
                    break
                await asyncio.sleep(0.1)  # looking again at the database, not waiting for time to pass
            # The genuine one handled: the forged one, answered before it, was neither kept nor handled.
            assert await scalar(bot, select(m.OrderRow.status).where(m.OrderRow.code == code)) == "allocated"
            assert await count(bot, m.PaymentRow) == 1
            assert await scalar(bot, select(m.PaymentRow.telegram_charge_id)) == "charge"
            kept = select(func.count()).select_from(m.UpdateInboxRow).where(m.UpdateInboxRow.update_id >= 10**6)
            assert await scalar(bot, kept) == 1  # the genuine one alone
        finally:
            await server.cleanup()
        assert [(c.method, c.description) for c in bot.server.calls if not c.ok] == []


async def test_a_secret_header_that_is_not_ascii_is_unauthorized_not_a_server_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """``secrets.compare_digest`` refuses a str with a character past ASCII (TypeError): anyone who
    found the webhook's URL got a 500 and a traceback in the log for each such POST."""
    port = free_port()
    database = f"sqlite+aiosqlite:///{tmp_path / 'hook.sqlite3'}"
    async with running_bot(database, webhook_url=f"http://127.0.0.1:{port}/tg/hook", webhook_port=port) as bot:
        eve = SandboxUser(bot.server, 603, "Eve")
        await eve.send("/start")  # the bot is polling: a stop finds it so
        await bot.runtime.dp.stop_polling()
        await bot.server.release_pollers()
        recorded = await count(bot, m.UpdateInboxRow)
        server, base = await listening(bot.runtime.settings, "webhook_port", lambda: start_webhook(bot.runtime))
        url = f"{base}/tg/hook"
        try:
            update = {"update_id": 10**6, "message": eve._message(text="/start")}
            async with aiohttp.ClientSession() as http:
                for guess in ("ключ", "é" * 64, "\u00a0"):
                    headers = {"X-Telegram-Bot-Api-Secret-Token": guess}
                    async with http.post(url, json=update, headers=headers) as answer:
                        assert answer.status == 401, guess
        finally:
            await server.cleanup()
        assert await count(bot, m.UpdateInboxRow) == recorded  # nothing recorded, nothing handled
    assert "Traceback" not in caplog.text and "Error handling request" not in caplog.text


def test_the_derived_webhook_secret_is_stable_per_token_and_unguessable_without_it() -> None:
    first = derived_webhook_secret("123:AAA")
    assert first == derived_webhook_secret("123:AAA")  # every process and restart agree
    assert first != derived_webhook_secret("123:AAB")
    assert re.fullmatch(r"[0-9a-f]{64}", first) and "123:AAA" not in first


def handled(db: Path, update_id: int) -> bool:
    with sqlite3.connect(db) as connection:
        row = connection.execute("SELECT handled_at FROM update_inbox WHERE update_id = ?", (update_id,)).fetchone()
    return row is not None and row[0] is not None


async def test_a_webhook_update_is_recorded_before_its_200_and_remembered_after_a_crash(tmp_path: Path) -> None:
    """The 200 tells Telegram the update arrived: by then it is in the database. Killed and
    restarted, the process still knows it handled it, and a retry is not handled again."""
    server = SandboxServer()
    await server.start()
    db = tmp_path / "run.sqlite3"
    first, _ = await start_on_a_free_port(server, tmp_path, "run", _webhook_env)
    try:
        alice = SandboxUser(server, 43, "Alice", wait=False)
        greeted = server.next_activity(43)
        await alice.send("/start")
        await wait_until(first, lambda: bool(server.webhook_deliveries), "the delivery")
        update_id, status = server.webhook_deliveries[-1]
        with sqlite3.connect(db) as connection:
            recorded = connection.execute("SELECT update_id FROM update_inbox").fetchall()
        assert status == 200 and recorded == [(update_id,)]
        await asyncio.wait_for(greeted, 30)
        await wait_until(first, lambda: handled(db, update_id), "the update marked handled")  # 0.3 s was not always
        first.kill()
        await first.wait()
    finally:
        if first.returncode is None:
            first.kill()
    second, _ = await start_on_a_free_port(server, tmp_path, "run", _webhook_env)  # its webhook registered again
    try:
        greetings = len(alice.messages())
        assert await server.redeliver(update_id) == 200
        second.send_signal(signal.SIGTERM)  # what it had in hand is finished first
        await asyncio.wait_for(second.communicate(), 30)
    finally:
        if second.returncode is None:
            second.kill()
        await server.stop()
    assert len(alice.messages()) == greetings  # not handled again: stopped, it can send nothing more


def test_a_webhook_url_on_a_path_ordergram_serves_itself_stops_start_up() -> None:
    """WEBHOOK_URL=https://shop.example/api/v1/telegram put the webhook behind the intake API's
    key check: every update Telegram sent was a 401, and none was handled. Said at start-up."""
    for path in ("/api/v1/telegram", "/app/hook", "/metrics", "/api"):
        with pytest.raises(ConfigError, match=rf"WEBHOOK_URL: .*{path} is served by Ordergram itself"):
            load_settings(bot_token="1:x", webhook_url=f"https://shop.example{path}")
    assert load_settings(bot_token="1:x", webhook_url="https://shop.example/apiary/hook").webhook_path == "/apiary/hook"
