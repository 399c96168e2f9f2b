"""A real ``ordergram run`` process killed (SIGKILL) in the middle of a conversation: a
checkout in progress goes on after the restart, and a crash right after Confirm leaves one
order, one "order placed" message, and no press lost or handled twice."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from sandbox import SandboxServer, SandboxUser
from storage.outbox import LEASE
from tests.running_process import demo_shop, shown, start_ordergram, wait_until

Process = asyncio.subprocess.Process


@pytest.fixture
async def server() -> AsyncIterator[SandboxServer]:
    sandbox = SandboxServer()
    await sandbox.start()
    yield sandbox
    await sandbox.stop()


async def _started(server: SandboxServer, workdir: Path) -> Process:
    server.closing = False
    started_polls = server.requested.count("getUpdates")
    process = await start_ordergram(server, workdir, DEFAULT_CURRENCY="GBP")
    await wait_until(process, lambda: server.requested.count("getUpdates") > started_polls, "polling")
    return process


async def _killed(server: SandboxServer, process: Process) -> None:
    process.kill()  # no clean shutdown: as if the machine lost power
    await process.wait()
    await server.release_pollers()


async def _stopped(server: SandboxServer, process: Process) -> None:
    if process.returncode is None:
        process.terminate()
        await server.release_pollers()
        await asyncio.wait_for(process.communicate(), 30)


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


def _settled(db: Path) -> bool:
    unsent = _rows(db, "SELECT count(*) FROM outbox WHERE sent_at IS NULL")
    return unsent == [(0,)] and _rows(db, "SELECT count(*) FROM update_inbox WHERE handled_at IS NULL") == [(0,)]


def _marked(db: Path, update_id: int) -> bool:
    return _rows(db, f"SELECT 1 FROM update_inbox WHERE update_id = {update_id} AND handled_at IS NOT NULL") != []


async def test_a_checkout_in_progress_goes_on_after_the_process_is_killed(
    server: SandboxServer, tmp_path: Path
) -> None:
    await demo_shop(tmp_path)
    alice = SandboxUser(server, 701, "Alice", wait=False)
    first = await _started(server, tmp_path)
    try:
        await alice.send("/add 85123A 1")
        await shown(first, alice, "In your cart")
        await alice.send("/checkout")
        await shown(first, alice, "step 1 of 5")
        await alice.share_contact("+44 7911 123456")
        step_2 = await shown(first, alice, "Step 2 of 5")
        contact = max(server.sent_updates)
        await wait_until(first, lambda: _marked(tmp_path / "run.sqlite3", contact), "its update marked handled")
        await _killed(server, first)
    finally:
        if first.returncode is None:
            first.kill()

    second = await _started(server, tmp_path)
    try:
        await alice.press(step_2, "🚚")  # the step shown before the crash still works
        await shown(second, alice, "delivery address")
        await alice.send("221B Baker Street, London NW1 6XE")
        await shown(second, alice, "Share your location")
        await alice.send_location(51.5237, -0.1585)
        options = await shown(second, alice, "Step 3 of 5")
        await alice.press(options, options.button_texts()[0])
        payment = await shown(second, alice, "Step 4 of 5")
        await alice.press(payment, "💵")
        review = await shown(second, alice, "Please check your order")
        await alice.press(review, "✅")
        await shown(second, alice, "is placed")
        assert _rows(tmp_path / "run.sqlite3", "SELECT contact_phone, status FROM orders") == [
            ("+447911123456", "allocated")
        ]
    finally:
        await _stopped(server, second)


async def test_a_crash_right_after_confirm_loses_nothing_and_repeats_nothing(
    server: SandboxServer, tmp_path: Path
) -> None:
    """Killed as soon as the order is committed: the customer's press after Confirm
    (/cart) had not been handled yet. After the restart: one order, one "order placed",
    and /cart answered once."""
    await demo_shop(tmp_path)
    db = tmp_path / "run.sqlite3"
    bob = SandboxUser(server, 702, "Bob", wait=False)
    first = await _started(server, tmp_path)
    try:
        await bob.send("/add 85123A 2")
        await shown(first, bob, "In your cart")
        await bob.send("/checkout")
        await shown(first, bob, "step 1 of 5")
        await bob.share_contact("+44 7911 123456")
        await bob.press(await shown(first, bob, "Step 2 of 5"), "🏬")
        point = await shown(first, bob, "Choose")
        await bob.press(point, point.button_texts()[0])
        await bob.press(await shown(first, bob, "Step 4 of 5"), "💵")
        review = await shown(first, bob, "Please check your order")
        await bob.press(review, "✅")
        await bob.send("/cart")
        for _ in range(2000):  # kill the moment the order's transaction is committed
            if _rows(db, "SELECT count(*) FROM orders") == [(1,)]:
                break
            await asyncio.sleep(0.002)
        await _killed(server, first)
    finally:
        if first.returncode is None:
            first.kill()

    second = await _started(server, tmp_path)
    try:
        told = lambda: any("is placed" in m.text for m in bob.messages())  # noqa: E731
        # Killed after the Confirm handler claimed the message and before it went out (a busy
        # machine makes that likely), the restarted process sends it when the claim's lease ends.
        await wait_until(second, told, "the order placed message", seconds=LEASE.total_seconds() + 30)
        await wait_until(second, lambda: any("cart is empty" in m.text for m in bob.messages()), "the /cart reply")
        await wait_until(second, lambda: _settled(db), "nothing left to send or to handle")
    finally:
        await _stopped(server, second)
    # Stopped (what it had in hand finished): nothing more can come, so what came is all there is.
    texts = [m.text for m in bob.messages()]
    assert sum("is placed" in t for t in texts) == 1
    assert sum("cart is empty" in t for t in texts) == 1
    assert _rows(db, "SELECT count(*) FROM orders") == [(1,)]
