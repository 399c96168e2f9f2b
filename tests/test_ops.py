"""Operating Ordergram: /healthz, /readyz and /metrics, on serve's port and on HEALTH_PORT."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramForbiddenError, TelegramRetryAfter
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.harness import RunningBot, running_bot
from bot.health import readiness, start_ops_server
from bot.metrics import _STATUS_OF, BOT_API_CALLS, labelled, watch_engine
from bot.scheduler import Jobs
from bot.serving import start_webhook
from domain.campaigns import CAMPAIGN_PRIORITY
from sandbox import SandboxServer, SandboxUser
from sandbox.limits import FloodControl
from storage import models as m
from storage.db import create_engine, session_factory
from storage.ops import head_revision
from tests.conftest import empty_database
from tests.e2e.journeys import add_to_cart, place_cod_order
from tests.fakes import FakeClock
from tests.running_process import start_on_a_free_port, stop_ordergram, wait_until
from tests.services import free_port, listening

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def samples(exposition: str) -> Samples:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(exposition)
        for s in family.samples
    }


def value(figures: Samples, name: str, **labels: str) -> float:
    return figures.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
async def shop(database_url: str) -> AsyncIterator[tuple[RunningBot, str]]:
    """The demo shop with its probes on their own port (HEALTH_PORT), as ``ordergram run`` has
    them, on each engine."""
    await (await empty_database(database_url)).dispose()
    async with running_bot(database_url, clock=FakeClock(), default_currency="GBP", health_port=free_port()) as bot:
        await SandboxUser(bot.server, 999, "Olga").send("/start")  # the bot is polling (a stop finds it so)
        runner, base = await listening(bot.runtime.settings, "health_port", lambda: start_ops_server(bot.runtime))
        assert runner is not None
        try:
            yield bot, base
        finally:
            await runner.cleanup()


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(url) as answer:
        return answer.status, await answer.text()


async def scrape(base: str) -> Samples:
    status, body = await get(f"{base}/metrics")
    assert status == 200
    return samples(body)


async def test_a_checkout_moves_the_counters_in_metrics(shop: tuple[RunningBot, str]) -> None:
    bot, base = shop
    before = await scrape(base)
    alice = SandboxUser(bot.server, 601, "Alice")
    await add_to_cart(alice, "85123A", 2)
    await place_cod_order(alice)
    after = await scrape(base)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("ordergram_orders_placed_total", channel="telegram") == 1
    assert moved("ordergram_updates_total", type="message", outcome="handled") >= 3  # /start, /cart, phone …
    assert moved("ordergram_updates_total", type="callback_query", outcome="handled") >= 3  # ➕, 💵, ✅ …
    handled = moved("ordergram_updates_total", type="message", outcome="handled") + moved(
        "ordergram_updates_total", type="callback_query", outcome="handled"
    )
    timed = moved("ordergram_update_duration_seconds_count", type="message") + moved(
        "ordergram_update_duration_seconds_count", type="callback_query"
    )
    assert timed == handled
    assert moved("ordergram_update_db_statements_count") == handled
    assert moved("ordergram_update_db_statements_sum") >= handled  # every update reads its customer at least
    assert moved("ordergram_bot_api_calls_total", method="sendMessage", status="200") >= 3
    assert moved("ordergram_bot_api_calls_total", method="answerCallbackQuery", status="200") >= 3
    assert moved("ordergram_notifications_total", outcome="sent") >= 1  # the order confirmation
    assert moved("ordergram_cache_lookups_total", result="hit") > 0
    assert value(after, "ordergram_database_up") == 1
    assert value(after, "ordergram_outbox_backlog") == 0
    assert ("ordergram_holds_active", ()) in after


async def test_refused_calls_are_counted_by_status(shop: tuple[RunningBot, str]) -> None:
    """403 (a customer blocked the bot) and 429 (flood control) are what an operator watches."""
    bot, base = shop
    await SandboxUser(bot.server, 778, "Carol").send("/start")
    before = await scrape(base)
    bot.server.blocked.add(777)
    with pytest.raises(TelegramForbiddenError):
        await bot.runtime.bot.send_message(777, "hello")
    bot.server.flood = FloodControl(clock=lambda: 0.0)  # time stands still: a chat's burst of 3, then 429
    try:
        for _ in range(3):
            await bot.runtime.bot.send_message(778, "hello")
        with pytest.raises(TelegramRetryAfter):
            await bot.runtime.bot.send_message(778, "hello")
    finally:
        bot.server.flood = None
    after = await scrape(base)

    def moved(status: str) -> float:
        return value(after, "ordergram_bot_api_calls_total", method="sendMessage", status=status) - value(
            before, "ordergram_bot_api_calls_total", method="sendMessage", status=status
        )

    assert (moved("403"), moved("429"), moved("200")) == (1, 1, 3)


async def test_a_cart_hold_shows_in_holds_active(shop: tuple[RunningBot, str]) -> None:
    bot, base = shop
    alice = SandboxUser(bot.server, 601, "Alice")
    await add_to_cart(alice, "85123A", 1)
    assert value(await scrape(base), "ordergram_holds_active") == 1


async def test_a_live_process_that_is_not_ready_still_passes_healthz(shop: tuple[RunningBot, str]) -> None:
    """Liveness asks nothing of the database or Telegram: an orchestrator restarts a process
    only when it is stuck, not when a dependency is."""
    _, base = shop
    assert (await get(f"{base}/readyz"))[0] == 503  # no scheduler leader yet
    status, body = await get(f"{base}/healthz")
    assert (status, json.loads(body)) == (200, {"status": "ok"})


async def test_ready_when_every_check_passes(shop: tuple[RunningBot, str]) -> None:
    bot, base = shop
    assert await Jobs(bot.runtime).leading()  # a leader for the scheduled jobs
    status, body = await get(f"{base}/readyz")
    answer = json.loads(body)
    assert (status, answer["status"], answer["failed"]) == (200, "ready", [])
    assert set(answer["checks"]) == {"database", "migrations", "scheduler", "outbox", "bot_api"}
    assert answer["checks"]["outbox"]["backlog"] == 0


async def test_not_ready_without_a_scheduler_leader_says_so(shop: tuple[RunningBot, str]) -> None:
    _, base = shop
    status, body = await get(f"{base}/readyz")
    answer = json.loads(body)
    assert (status, answer["status"], answer["failed"]) == (503, "not ready", ["scheduler"])


async def test_a_starting_process_takes_the_lead_at_once_so_a_lone_process_is_ready_before_its_first_tick(
    shop: tuple[RunningBot, str],
) -> None:
    bot, base = shop
    jobs = Jobs(bot.runtime)
    jobs.start()  # the first tick is 5 s away (README: JOBS_TICK_SECONDS)
    try:
        for _ in range(30):
            if jobs.leads:
                break
            await asyncio.sleep(0.1)
        status, body = await get(f"{base}/readyz")
    finally:
        await jobs.stop(grace=1)
    assert (status, json.loads(body)["failed"]) == (200, [])


async def test_a_leader_that_stops_hands_the_jobs_over_and_the_others_stay_ready_until_their_next_tick(
    shop: tuple[RunningBot, str],
) -> None:
    """Before, a stopped leader's lock lived its three minutes: a restarted lone process ran no
    job (holds, reminders, the outbox's campaigns) for that long, and /readyz said a leader was known."""
    bot, base = shop
    clock = bot.runtime.clock
    assert isinstance(clock, FakeClock)
    leader, other = Jobs(bot.runtime), Jobs(bot.runtime)
    assert await leader.claim() and not await other.claim()
    leader.scheduler.start()
    await leader.stop(grace=1)
    status, body = await get(f"{base}/readyz")
    answer = json.loads(body)
    assert (status, answer["checks"]["scheduler"]) == (200, {"ok": True, "leader_known": False})  # handing over
    clock.advance(seconds=bot.runtime.settings.jobs_tick_seconds + 30)
    status, body = await get(f"{base}/readyz")  # a tick and more without a leader: no process looks
    assert (status, json.loads(body)["failed"]) == (503, ["scheduler"])
    assert await other.claim()  # the next tick of another process takes the jobs over
    assert (await get(f"{base}/readyz"))[0] == 200


async def test_not_ready_when_a_message_waited_too_long_or_the_schema_is_behind(shop: tuple[RunningBot, str]) -> None:
    bot, base = shop
    runtime = bot.runtime
    await Jobs(runtime).leading()
    now = runtime.clock.now()
    async with runtime.sessions() as session, session.begin():
        session.add(m.OutboxRow(chat_id=5, template="order_placed", created_at=now, next_attempt_at=now))
    assert isinstance(runtime.clock, FakeClock)
    runtime.clock.advance(seconds=runtime.settings.ready_outbox_max_age_seconds + 60)
    await Jobs(runtime).leading()  # the lease is renewed; only the message is late
    status, body = await get(f"{base}/readyz")
    answer = json.loads(body)
    assert (status, answer["failed"]) == (503, ["outbox"])
    assert answer["checks"]["outbox"]["backlog"] == 1
    assert answer["checks"]["outbox"]["oldest_unsent_seconds"] > runtime.settings.ready_outbox_max_age_seconds
    metrics = await scrape(base)
    assert value(metrics, "ordergram_outbox_backlog") == 1
    assert value(metrics, "ordergram_outbox_oldest_age_seconds") > runtime.settings.ready_outbox_max_age_seconds

    head = head_revision()
    async with runtime.sessions() as session, session.begin():
        await session.execute(update(m.OutboxRow).values(sent_at=runtime.clock.now()))
        await session.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    try:
        status, body = await get(f"{base}/readyz")
    finally:  # the PostgreSQL database is shared by the tests of a run
        async with runtime.sessions() as session, session.begin():
            await session.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})
    answer = json.loads(body)
    assert (status, answer["failed"]) == (503, ["migrations"])
    assert answer["checks"]["migrations"]["revision"] == "0001"


async def test_a_process_of_the_old_version_stays_ready_on_the_schema_a_newer_version_migrated(
    shop: tuple[RunningBot, str],
) -> None:
    """README "Upgrading": migrate first, then roll. Until they are replaced, the old processes
    work on the new, additive schema: were they not ready, the proxy would drop every one of them
    before a new one is up."""
    bot, base = shop
    await Jobs(bot.runtime).leading()
    head = head_revision()
    async with bot.runtime.sessions() as session, session.begin():
        await session.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    try:
        status, body = await get(f"{base}/readyz")
    finally:  # the PostgreSQL database is shared by the tests of a run
        async with bot.runtime.sessions() as session, session.begin():
            await session.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})
    answer = json.loads(body)
    assert (status, answer["failed"]) == (200, [])
    assert answer["checks"]["migrations"] == {"ok": True, "revision": "9999", "latest": head}


async def test_a_long_campaign_queued_behind_the_orders_does_not_make_the_shop_not_ready(
    shop: tuple[RunningBot, str],
) -> None:
    """A campaign to 30,000 customers takes over 17 minutes at Telegram's 29 a second: its last
    messages wait longer than READY_OUTBOX_MAX_AGE_SECONDS by design, and must not take every
    process out of the load balancer. They count in the backlog; an order's message still fails it."""
    bot, base = shop
    runtime = bot.runtime
    assert isinstance(runtime.clock, FakeClock)
    now = runtime.clock.now()
    async with runtime.sessions() as session, session.begin():
        session.add(
            m.OutboxRow(chat_id=5, template="campaign", created_at=now, next_attempt_at=now, priority=CAMPAIGN_PRIORITY)
        )
    runtime.clock.advance(seconds=runtime.settings.ready_outbox_max_age_seconds + 60)
    await Jobs(runtime).leading()
    status, body = await get(f"{base}/readyz")
    answer = json.loads(body)
    assert (status, answer["failed"]) == (200, [])
    assert answer["checks"]["outbox"]["backlog"] == 1 and answer["checks"]["outbox"]["oldest_unsent_seconds"] == 0
    metrics = await scrape(base)
    assert value(metrics, "ordergram_outbox_backlog") == 1
    assert value(metrics, "ordergram_outbox_oldest_age_seconds") == 0
    async with runtime.sessions() as session, session.begin():
        session.add(m.OutboxRow(chat_id=5, template="order_placed", created_at=now, next_attempt_at=now))
    status, body = await get(f"{base}/readyz")
    assert (status, json.loads(body)["failed"]) == (503, ["outbox"])


async def test_not_ready_when_the_bot_api_does_not_answer(shop: tuple[RunningBot, str]) -> None:
    bot, _ = shop
    runtime = bot.runtime
    await Jobs(runtime).leading()
    runtime.bot_api.last_reached = time.monotonic() - 120  # quiet for two minutes: /readyz asks getMe
    assert (await readiness(runtime))[0]  # the sandbox answers it
    session = runtime.bot.session
    api, session.api = session.api, TelegramAPIServer.from_base(f"http://127.0.0.1:{free_port()}")
    try:
        runtime.bot_api.last_reached = time.monotonic() - 120
        ready, answer = await readiness(runtime)
    finally:
        session.api = api
    assert (ready, answer["failed"]) == (False, ["bot_api"])
    assert answer["checks"]["bot_api"]["last_answer_seconds_ago"] > 60


async def test_not_ready_when_the_database_does_not_answer(shop: tuple[RunningBot, str], tmp_path: Path) -> None:
    bot, _ = shop
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'nowhere.sqlite3'}")
    try:
        ready, answer = await readiness(dataclasses.replace(bot.runtime, sessions=session_factory(engine)))
    finally:
        await engine.dispose()
    assert (ready, answer["failed"]) == (False, ["database"])


async def test_a_lost_connection_closes_without_an_error_from_the_metrics(engine: AsyncEngine) -> None:
    """A task cancelled mid-statement leaves its connection invalidated; closing it rolls back,
    and the orders-placed bookkeeping must not turn that into an error (it did)."""
    watch_engine(engine)
    connection = await engine.connect()
    await connection.begin()
    await connection.execute(text("SELECT 1"))
    await connection.invalidate()
    await connection.close()
    async with engine.connect() as again:  # the pool hands out a working connection after it
        assert (await again.execute(text("SELECT 1"))).scalar() == 1


async def test_serve_has_the_probes_on_its_own_port(tmp_path: Path) -> None:
    async with running_bot(
        f"sqlite+aiosqlite:///{tmp_path / 'serve.sqlite3'}", webhook_port=free_port(), demo_catalog=False
    ) as bot:
        await SandboxUser(bot.server, 1, "Ada").send("/start")  # the bot is polling
        runner, base = await listening(  # serve's server, API and all
            bot.runtime.settings, "webhook_port", lambda: start_webhook(bot.runtime, with_api=True, polling=True)
        )
        try:
            assert (await get(f"{base}/healthz"))[0] == 200
            status, body = await get(f"{base}/metrics")
            assert status == 200 and "ordergram_updates_total" in body
            assert (await get(f"{base}/readyz"))[0] == 503  # no scheduler in this test
            assert (await get(f"{base}/api/v1/stock"))[0] == 401  # the API still needs its key
        finally:
            await runner.cleanup()


async def test_run_with_health_port_serves_the_probes_and_logs_json(tmp_path: Path) -> None:
    """``ordergram run`` as a process: HEALTH_PORT opens the probes, ready from their first answer
    (the process takes the lead of the jobs before it listens)."""
    server = SandboxServer()
    await server.start()
    first: dict[int, int] = {}  # each port a process was started on: /readyz's first answer there
    polls: list[asyncio.Task[None]] = []

    async def poll(port: int) -> None:
        for _ in range(600):
            try:
                status, body = await get(f"http://127.0.0.1:{port}/readyz")
            except aiohttp.ClientError:
                await asyncio.sleep(0.1)  # looking again for the listener, not waiting for time to pass
                continue
            if '"failed"' in body:  # Ordergram's probe: anything else is another program's (another test worker's)
                first[port] = status
                return
            await asyncio.sleep(0.1)

    def env_for(port: int) -> dict[str, str]:
        polls.append(asyncio.create_task(poll(port)))  # asking from before the process starts: its first answer
        return {"HEALTH_PORT": str(port), "JOBS_TICK_SECONDS": "1", "LOG_FORMAT": "json", "LOG_LEVEL": "INFO"}

    try:
        process, port = await start_on_a_free_port(server, tmp_path, "run", env_for, "deleteWebhook")
        await wait_until(process, lambda: port in first, "/readyz answering")
    finally:
        for task in polls:  # a port another program took: asked no more
            task.cancel()
    base = f"http://127.0.0.1:{port}"
    try:
        assert first[port] == 200  # the lead is taken before the probes listen
        alice = SandboxUser(server, 42, "Alice", wait=False)
        greeted = server.next_activity(42)
        await alice.send("/start")
        await asyncio.wait_for(greeted, 30)
        for _ in range(100):  # the first tick is JOBS_TICK_SECONDS (1 s) after start
            metrics = await scrape(base)
            if value(metrics, "ordergram_job_runs_total", job="sweep_holds") >= 1:
                break
            await asyncio.sleep(0.1)
        assert value(metrics, "ordergram_updates_total", type="message", outcome="handled") >= 1
        assert value(metrics, "ordergram_job_runs_total", job="sweep_holds") >= 1
    finally:
        stderr = await stop_ordergram(process, server)
    assert process.returncode == 0, stderr
    records = [json.loads(line) for line in stderr.splitlines() if line.strip()]
    assert records and all({"time", "level", "logger", "message"} <= set(r) for r in records)
    start = next(r for r in records if r["logger"] == "ordergram.updates")
    assert start["user_id"] == 42 and start["outcome"] == "handled" and start["handler"].startswith("handlers.start.")
    assert not [r for r in records if r["logger"].startswith("apscheduler") and r["level"] == "INFO"]


def test_a_kept_child_counts_where_labels_counts() -> None:
    before = BOT_API_CALLS.labels("testMethod", "200")._value.get()
    labelled(BOT_API_CALLS, "testMethod", "200").inc()
    labelled(BOT_API_CALLS, "testMethod", "200").inc()
    assert labelled(BOT_API_CALLS, "testMethod", "200") is BOT_API_CALLS.labels("testMethod", "200")
    assert BOT_API_CALLS.labels("testMethod", "200")._value.get() == before + 2


README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


async def test_readmes_metrics_table_names_every_job_the_scheduler_counts(shop: tuple[RunningBot, str]) -> None:
    """The jobs a tick and the hourly scan run, as /metrics labels them, are the ones README lists."""
    bot, base = shop
    jobs = Jobs(bot.runtime)
    await jobs.tick()
    await jobs.hourly()
    counted = {dict(labels)["job"] for name, labels in await scrape(base) if name == "ordergram_job_runs_total"}
    row = next(line for line in README.splitlines() if line.startswith("| `ordergram_job_runs_total{job}`"))
    listed = set(re.findall(r"`([a-z_]+)`", row.split("|")[2]))
    assert counted and counted == listed


def test_readmes_metrics_table_names_every_bot_api_answer_counted() -> None:
    """Every ``status`` label ``ordergram_bot_api_calls_total`` can carry is in README's row."""
    row = next(line for line in README.splitlines() if line.startswith("| `ordergram_bot_api_calls_total"))
    listed = set(re.findall(r"`([0-9a-z]+)`", row.split("|")[2]))
    assert listed == {"200", "error", *(status for _, status in _STATUS_OF)}
