"""The notifier against the sandbox Bot API: Telegram's flood limits (no 429, per-chat
spacing), retry_after, 403, server errors with backoff, a crashed claimer, and two notifiers
on one database (SQLite and PostgreSQL) never sending a row twice."""

from __future__ import annotations

import asyncio
import bisect
import itertools
import random
import time
from collections import Counter
from collections.abc import AsyncIterator
from typing import Literal

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.i18n import make_i18n
from bot.notifier import CLAIM_BATCH, REFILL_BELOW, Notifier, Pacer, SendLimits, SharedPacer
from domain.customers import Customer
from domain.notifications import Notification
from handlers.views.rendering import Renderer
from sandbox import SandboxServer, SandboxUser
from storage import models as m
from storage.db import on_outbox_written, session_factory
from storage.outbox import LEASE, OutboxMessage, OutboxStore
from storage.repositories.notifications import REPLY_LEASE
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxServer]:
    server = SandboxServer(flood_limits=True)
    await server.start()
    yield server
    await server.stop()


def _bot(server: SandboxServer) -> Bot:
    return Bot(server.token, session=AiohttpSession(api=TelegramAPIServer.from_base(server.url)))


async def _queue(engine: AsyncEngine, clock: FakeClock, per_chat: dict[int, int]) -> None:
    """Customers and their messages; every message text is unique (its code)."""
    uow = SqlUnitOfWork(session_factory(engine))
    async with uow:
        for chat_id, count in per_chat.items():
            await uow.customers.add(Customer(telegram_id=chat_id, first_name=f"C{chat_id}", created_at=clock.now()))
            for n in range(count):
                params = {"code": f"C{chat_id}N{n}", "status": "shipped", "reason": ""}
                await uow.outbox.add(Notification(chat_id, "order_status", "en", params), clock.now())
        await uow.commit()


def _notifier(engine: AsyncEngine, bot: Bot, clock: FakeClock, limits: SendLimits) -> Notifier:
    return Notifier(OutboxStore(session_factory(engine)), bot, Renderer(), make_i18n("en"), clock, limits)


def _sent(server: SandboxServer) -> Counter[str]:
    """How many times each message (by its code) was accepted."""
    codes: Counter[str] = Counter()
    for call in server.calls:
        if call.method == "sendMessage" and call.ok:
            codes[str(call.params["text"]).split("Order ")[1].split()[0]] += 1
    return codes


async def _add(sessions: async_sessionmaker[AsyncSession], chat_id: int, code: str, clock: FakeClock) -> None:
    """One message due now, written through ``sessions`` (a notifier's wake, or none)."""
    uow = SqlUnitOfWork(sessions)
    async with uow:
        params = {"code": code, "status": "shipped", "reason": ""}
        await uow.outbox.add(Notification(chat_id, "order_status", "en", params), clock.now())
        await uow.commit()


def _users(server: SandboxServer, chats: list[int]) -> None:
    for chat_id in chats:
        SandboxUser(server, chat_id, f"C{chat_id}", wait=False)


async def test_flood_limits_are_kept_with_no_429_and_a_second_between_messages_to_a_chat(
    engine: AsyncEngine, sandbox: SandboxServer, clock: FakeClock
) -> None:
    chats = {100 + i: 4 for i in range(8)}
    _users(sandbox, list(chats))
    await _queue(engine, clock, chats)
    bot = _bot(sandbox)
    try:
        await _notifier(engine, bot, clock, SendLimits(29, 1.05)).drain()
    finally:
        await bot.session.close()
    assert sandbox.flood is not None and sandbox.flood.refused == 0
    assert set(_sent(sandbox).values()) == {1} and len(_sent(sandbox)) == 32
    for chat_id in chats:
        times = [c.at for c in sandbox.calls if c.method == "sendMessage" and c.params["chat_id"] == chat_id]
        assert all(later - earlier >= 0.99 for earlier, later in itertools.pairwise(times))


async def test_no_second_holds_more_sends_than_the_rate_even_at_the_start(
    engine: AsyncEngine, sandbox: SandboxServer, clock: FakeClock
) -> None:
    """A broadcast of 40 messages to 40 chats with a rate of 29/s: a bucket that starts
    full let 29 go at once and then 29 more within the same second. Counted when each send
    leaves (where they arrive, a busy machine's jitter moves them by tens of milliseconds;
    the sandbox, counting as Telegram does, refuses none)."""
    rate = 29
    chats = {700 + i: 1 for i in range(40)}
    _users(sandbox, list(chats))
    await _queue(engine, clock, chats)
    bot = _bot(sandbox)
    limits = SendLimits(rate, 0)
    assert isinstance(limits.overall, Pacer)
    pacer, left = limits.overall, []
    waited = pacer.wait

    async def timed_wait() -> None:
        await waited()
        left.append(pacer.now())

    pacer.wait = timed_wait  # type: ignore[method-assign]
    try:
        await _notifier(engine, bot, clock, limits).drain()
    finally:
        await bot.session.close()
    assert len(left) == 40 and len(_sent(sandbox)) == 40
    busiest = max(bisect.bisect_left(left, start + 1.0) - i for i, start in enumerate(left))
    assert busiest <= rate
    assert sandbox.flood is not None and sandbox.flood.refused == 0


async def test_after_a_403_the_other_messages_queued_for_that_chat_are_not_tried(
    engine: AsyncEngine, sandbox: SandboxServer, clock: FakeClock
) -> None:
    _users(sandbox, [310, 311])
    sandbox.blocked.add(310)
    await _queue(engine, clock, {310: 4, 311: 2})
    bot = _bot(sandbox)
    try:
        await _notifier(engine, bot, clock, SendLimits(0, 0)).drain()
    finally:
        await bot.session.close()
    tried = Counter(int(c.params["chat_id"]) for c in sandbox.calls if c.method == "sendMessage")
    assert tried == Counter({310: 1, 311: 2})
    async with session_factory(engine)() as session:
        rows = (await session.scalars(select(m.OutboxRow).order_by(m.OutboxRow.id))).all()
    blocked = [r for r in rows if r.chat_id == 310]
    assert all(r.failed_at is not None and r.sent_at is None for r in blocked)
    assert all(r.sent_at is not None for r in rows if r.chat_id == 311)


async def test_429_is_retried_after_what_telegram_says(
    engine: AsyncEngine, sandbox: SandboxServer, clock: FakeClock
) -> None:
    frozen = [1000.0]
    assert sandbox.flood is not None
    sandbox.flood.clock = lambda: frozen[0]
    _users(sandbox, [200])
    await _queue(engine, clock, {200: 5})
    bot = _bot(sandbox)
    notifier = _notifier(engine, bot, clock, SendLimits(0, 0))  # no pacing: we hit the limit
    try:
        await notifier.drain()
        assert sum(_sent(sandbox).values()) == 3  # the per-chat burst
        assert sandbox.flood.refused == 2
        assert await notifier.drain() == 0  # not due before retry_after
        frozen[0] += 2
        clock.advance(seconds=2)
        await notifier.drain()
    finally:
        await bot.session.close()
    assert sum(_sent(sandbox).values()) == 5 and set(_sent(sandbox).values()) == {1}


async def test_a_blocked_bot_marks_the_customer_unreachable_and_gives_up(
    engine: AsyncEngine, sandbox: SandboxServer, clock: FakeClock
) -> None:
    _users(sandbox, [300])
    sandbox.blocked.add(300)
    await _queue(engine, clock, {300: 2})
    bot = _bot(sandbox)
    try:
        await _notifier(engine, bot, clock, SendLimits(0, 0)).drain()
        clock.advance(hours=1)
        assert await _notifier(engine, bot, clock, SendLimits(0, 0)).drain() == 0
    finally:
        await bot.session.close()
    async with session_factory(engine)() as session:
        unreachable = await session.scalar(select(m.CustomerRow.unreachable).where(m.CustomerRow.telegram_id == 300))
        failed = (await session.scalars(select(m.OutboxRow.failed_at))).all()
    assert unreachable is True and all(f is not None for f in failed)


async def test_server_errors_back_off_and_then_deliver_once(
    engine: AsyncEngine, sandbox: SandboxServer, clock: FakeClock
) -> None:
    _users(sandbox, [400, 401])
    await _queue(engine, clock, {400: 1, 401: 1})
    sandbox.outage_calls = 2
    bot = _bot(sandbox)
    notifier = _notifier(engine, bot, clock, SendLimits(0, 0))
    try:
        await notifier.drain()
        assert sum(_sent(sandbox).values()) == 0
        clock.advance(seconds=1)
        assert await notifier.drain() == 0  # backing off: 2 s after the first attempt
        clock.advance(seconds=2)
        await notifier.drain()
    finally:
        await bot.session.close()
    assert _sent(sandbox) == Counter({"C400N0": 1, "C401N0": 1})


async def test_a_reply_written_claimed_is_left_to_its_handler_and_sent_once_even_if_the_handler_died(
    engine: AsyncEngine, sandbox: SandboxServer, clock: FakeClock
) -> None:
    """``add_reply`` (an order's confirmation, sent by the Confirm handler): no notifier pass
    claims it while its handler sends it; one the handler never sent (the process died after
    the commit) goes out once its claim lapses; one it sent is never sent again."""
    _users(sandbox, [510, 511])
    uow = SqlUnitOfWork(session_factory(engine))
    async with uow:
        sent = await uow.outbox.add_reply(
            Notification(510, "order_status", "en", {"code": "R1", "status": "shipped", "reason": ""}), clock.now()
        )
        died = await uow.outbox.add_reply(
            Notification(511, "order_status", "en", {"code": "R2", "status": "shipped", "reason": ""}), clock.now()
        )
        await uow.commit()
    bot = _bot(sandbox)
    notifier = _notifier(engine, bot, clock, SendLimits(0, 0))
    try:
        assert await notifier.drain() == 0  # both are their handlers'
        await notifier.send_reply(sent)
        assert died.id is not None and _sent(sandbox) == Counter({"R1": 1})
        clock.advance(seconds=REPLY_LEASE.total_seconds() + 1)
        assert await notifier.drain() == 1  # only the one never sent
        clock.advance(hours=1)
        assert await notifier.drain() == 0
    finally:
        await bot.session.close()
    assert _sent(sandbox) == Counter({"R1": 1, "R2": 1})


async def test_only_a_commit_that_writes_a_message_due_at_once_wakes_the_notifier(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """A reply written claimed (``add_reply``) is its handler's to send: a pass it woke would
    claim nothing (one write transaction for nothing per order placed)."""
    sessions = session_factory(engine)
    woken: list[str] = []
    on_outbox_written(sessions, lambda: woken.append("woken"))
    params = {"code": "R3", "status": "shipped", "reason": ""}
    uow = SqlUnitOfWork(sessions)
    async with uow:
        await uow.outbox.add_reply(Notification(520, "order_status", "en", params), clock.now())
        await uow.commit()
    assert woken == []
    async with uow:
        await uow.outbox.add(Notification(520, "order_status", "en", params), clock.now())
        await uow.commit()
    assert woken == ["woken"]


async def test_a_message_claimed_by_a_process_that_died_is_sent_once_after_its_lease(
    engine: AsyncEngine, sandbox: SandboxServer, clock: FakeClock
) -> None:
    _users(sandbox, [500])
    await _queue(engine, clock, {500: 1})
    store = OutboxStore(session_factory(engine))
    assert len(await store.claim(clock.now())) == 1  # claimed, then the process was killed
    bot = _bot(sandbox)
    notifier = _notifier(engine, bot, clock, SendLimits(0, 0))
    try:
        assert await notifier.drain() == 0  # still leased to the dead process
        clock.advance(seconds=LEASE.total_seconds() + 1)
        assert await notifier.drain() == 1
        clock.advance(hours=1)
        assert await notifier.drain() == 0
    finally:
        await bot.session.close()
    assert _sent(sandbox) == Counter({"C500N0": 1})


async def test_two_notifiers_on_one_database_never_send_a_row_twice(engine: AsyncEngine, clock: FakeClock) -> None:
    server = SandboxServer()  # no flood limits: as fast as possible, to provoke races
    await server.start()
    chats = {600 + i: 6 for i in range(40)}
    _users(server, list(chats))
    await _queue(engine, clock, chats)
    bots = [_bot(server), _bot(server)]
    try:
        notifiers = [_notifier(engine, bot, clock, SendLimits(0, 0)) for bot in bots]
        attempted = await asyncio.gather(*(n.drain() for n in notifiers))
    finally:
        for bot in bots:
            await bot.session.close()
        await server.stop()
    assert sum(attempted) == 240
    assert len(_sent(server)) == 240 and set(_sent(server).values()) == {1}


async def test_a_late_waking_event_loop_costs_the_pacer_no_throughput_and_never_a_crowded_second() -> None:
    """Every sleep overruns by up to 30 ms (a busy machine): an evenly spaced bucket of one
    loses that much of every slot; the pacer makes it up, and still no second holds more
    sends than the rate."""
    now = [0.0]
    overrun = random.Random(20)

    async def late_sleep(seconds: float) -> None:
        now[0] += seconds + overrun.uniform(0, 0.03)

    pacer = Pacer(29, now=lambda: now[0], sleep=late_sleep)
    times = []
    for _ in range(900):
        await pacer.wait()
        times.append(now[0])
        now[0] += 0.001  # the send itself
    busiest = max(bisect.bisect_left(times, start + 1.0) - i for i, start in enumerate(times))
    assert busiest <= 29
    per_second = (len(times) - 1) / (times[-1] - times[0])
    assert per_second >= 0.97 * 29  # an evenly spaced bucket of one: ~20/s, each overrun lost


async def test_the_next_batch_is_claimed_while_the_last_one_is_still_being_sent(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """The limiter must never wait for the database: the next rows are claimed once fewer
    than ``REFILL_BELOW`` of the last batch are left, not after its last send."""
    sandbox = SandboxServer()  # no flood limits: as fast as it goes
    await sandbox.start()
    chats = {800 + i: 1 for i in range(3 * CLAIM_BATCH)}
    _users(sandbox, list(chats))
    await _queue(engine, clock, chats)
    bot = _bot(sandbox)
    notifier = _notifier(engine, bot, clock, SendLimits(0, 0))
    sent_at_claim: list[int] = []
    claim = notifier.store.claim

    async def counted_claim(*args: object, **kwargs: object) -> list[OutboxMessage]:
        sent_at_claim.append(sum(1 for c in sandbox.calls if c.method == "sendMessage"))
        return await claim(*args, **kwargs)  # type: ignore[arg-type]

    notifier.store.claim = counted_claim  # type: ignore[method-assign]
    try:
        assert await notifier.drain() == 3 * CLAIM_BATCH
    finally:
        await bot.session.close()
        await sandbox.stop()
    assert len(_sent(sandbox)) == 3 * CLAIM_BATCH
    second, third = sent_at_claim[1:3]
    assert CLAIM_BATCH - REFILL_BELOW <= second < CLAIM_BATCH
    assert 2 * CLAIM_BATCH - REFILL_BELOW <= third < 2 * CLAIM_BATCH


async def test_an_idle_notifier_claims_once_a_pass_and_a_new_message_wakes_it_at_once(
    engine: AsyncEngine, sandbox: SandboxServer, clock: FakeClock
) -> None:
    """Only a commit that inserts outbox rows wakes the notifier: its own writes (a claim,
    even of nothing; a sent mark) once woke it too, and it then claimed without pause. A
    pass whose claim comes back short of a batch has taken all that was due: it claims no
    more (every order placed wakes a pass, which once claimed three times for one message)."""
    _users(sandbox, [900, 901])
    sessions = session_factory(engine)
    bot = _bot(sandbox)
    notifier = Notifier(OutboxStore(sessions), bot, Renderer(), make_i18n("en"), clock, SendLimits(0, 0))
    wakes = claims = 0

    def woken() -> None:
        nonlocal wakes
        wakes += 1
        notifier.wake()

    on_outbox_written(sessions, woken)
    claim = notifier.store.claim

    async def counted_claim(*args: object, **kwargs: object) -> list[OutboxMessage]:
        nonlocal claims
        claims += 1
        return await claim(*args, **kwargs)  # type: ignore[arg-type]

    notifier.store.claim = counted_claim  # type: ignore[method-assign]
    # In order: what each pass of ``run`` attempted, as it ends, and "idle" each time it then waits with no wake due.
    seen: asyncio.Queue[int | str] = asyncio.Queue()
    drain = notifier.drain

    async def told_drain() -> int:
        attempted = await drain()
        seen.put_nowait(attempted)
        return attempted

    class Idle(asyncio.Event):
        async def wait(self) -> Literal[True]:
            if not self.is_set():
                seen.put_nowait("idle")
            return await super().wait()

    notifier.drain = told_drain  # type: ignore[method-assign]
    notifier._wake = Idle()  # what ``run`` waits on between passes, ``wake`` sets
    running = asyncio.create_task(notifier.run(interval=60))

    async def next_two() -> list[int | str]:
        return [await asyncio.wait_for(seen.get(), 30) for _ in range(2)]  # 30 s only against a hang

    try:
        assert await next_two() == [0, "idle"]  # the first pass, then it waits for the interval or a new message
        assert (claims, wakes) == (1, 0)  # one claim, of nothing, and it woke nothing
        await _add(session_factory(engine), 900, "Q1", clock)  # through other sessions: no wake
        await _add(sessions, 901, "W1", clock)
        assert await next_two() == [2, "idle"]  # the pass this insert woke took both, and it waits again
        assert (claims, wakes) == (2, 1)  # in one claim; its sends and marks woke nothing
        assert _sent(sandbox) == Counter({"Q1": 1, "W1": 1})
    finally:
        notifier.stop()
        await running
        await bot.session.close()


async def test_two_processes_sharing_the_bot_keep_one_overall_rate_between_them(sandbox: SandboxServer) -> None:
    """Telegram counts a bot's sends, not a process's: two processes at 25/s each send 50 a
    second, and after the first burst Telegram refuses (checked: with a pacer each, the sandbox
    refuses some of these 100). With Redis each departure is decided there, for both."""
    from tests.services import redis_or_skip

    rate, bot_id = 25, time.time_ns()  # a key of this run's own: CI and a local run share Redis
    chats = [900 + i for i in range(100)]
    _users(sandbox, chats)
    clients = [await redis_or_skip(), await redis_or_skip()]
    bots = [_bot(sandbox), _bot(sandbox)]

    async def process(n: int) -> None:
        limits = SendLimits(rate, 0, shared=SharedPacer(clients[n], bot_id, rate))
        for chat_id in chats[n::2]:
            await limits.wait(chat_id)
            await bots[n].send_message(chat_id, f"Order C{chat_id}N0 shipped")

    try:
        await asyncio.gather(process(0), process(1))
    finally:
        for bot in bots:
            await bot.session.close()
        for client in clients:
            await client.aclose()
    assert len(_sent(sandbox)) == 100
    assert sandbox.flood is not None and sandbox.flood.refused == 0
