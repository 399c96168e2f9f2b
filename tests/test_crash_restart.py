"""A real ``ordergram run`` process killed (SIGKILL) between a commit and the send of its
notification: after a restart the message is delivered, once — whether nobody had claimed
it yet, or the dead process had claimed it and its lease ran out."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from domain.notifications import Notification
from sandbox import SandboxServer, SandboxUser
from storage.db import create_engine, session_factory
from storage.outbox import LEASE, OutboxStore
from storage.uow import SqlUnitOfWork
from tests.running_process import start_ordergram, wait_until


async def _committed_messages(db: Path) -> None:
    """What committed transactions left behind: one message the dead process had claimed a
    minute ago (its lease has run out) and never marked sent, and one nobody claimed yet."""
    engine = create_engine(f"sqlite+aiosqlite:///{db}")
    try:
        sessions = session_factory(engine)
        now = datetime.now(UTC)

        async def add(code: str, at: datetime) -> None:
            uow = SqlUnitOfWork(sessions)
            async with uow:
                params = {"code": code, "status": "shipped", "reason": ""}
                await uow.outbox.add(Notification(555, "order_status", "en", params), at)
                await uow.commit()

        claimed_at = now - LEASE - timedelta(seconds=1)
        await add("LEASED01", claimed_at)
        assert len(await OutboxStore(sessions).claim(claimed_at)) == 1
        await add("FRESH001", now)
    finally:
        await engine.dispose()


async def test_a_notification_survives_a_killed_process_and_is_sent_once(tmp_path: Path) -> None:
    server = SandboxServer()
    await server.start()
    customer = SandboxUser(server, 555, "Kim", wait=False)
    first = await start_ordergram(server, tmp_path)
    try:
        await wait_until(first, lambda: "getUpdates" in server.requested, "polling")
        await customer.send("/start")
        await wait_until(first, lambda: bool(server.chat_messages(555)), "a reply to /start")
        first.kill()  # no clean shutdown: as if the machine lost power
        await first.wait()
        await server.release_pollers()
        db = tmp_path / "run.sqlite3"
        await _committed_messages(db)

        second = await start_ordergram(server, tmp_path)
        try:
            delivered = lambda: sum("Order " in m.text for m in server.chat_messages(555)) >= 2  # noqa: E731
            await wait_until(second, delivered, "the notifications after the restart")
            await wait_until(second, lambda: _unsent(db) == 0, "nothing left unsent")
        finally:
            second.terminate()
            await server.release_pollers()
            await asyncio.wait_for(second.communicate(), 30)
        # Stopped (its pass in flight finished): nothing more can come, so what came is all there is.
        texts = [m.text for m in server.chat_messages(555)]
        assert sum("FRESH001" in t for t in texts) == 1 and sum("LEASED01" in t for t in texts) == 1
    finally:
        if first.returncode is None:
            first.kill()
        await server.stop()


def _unsent(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT count(*) FROM outbox WHERE sent_at IS NULL").fetchone()[0])
