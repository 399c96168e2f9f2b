"""Logs an operator can read and ship: LOG_LEVEL, LOG_FORMAT=json, no secret ever, quiet routine."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from hypothesis import given, settings
from hypothesis import strategies as st
from prometheus_client import REGISTRY

from bot import logs, scheduler
from bot.api import make_api_app
from bot.api_middleware import problems
from bot.cli import main
from bot.config import load_log_settings
from bot.harness import running_bot
from bot.i18n import make_i18n
from bot.logs import (
    CURRENT_UPDATE,
    QUIET_EVEN_AT_DEBUG,
    REDACTED,
    SECRET_SHAPES,
    UpdateContext,
    never_log,
    redact,
    setup_logging,
)
from bot.scheduler import Jobs
from bot.webapp.security import make_middlewares
from domain.apikeys import Scope
from domain.usecases.api_keys import create_api_key
from sandbox import SandboxUser
from tests.e2e.journeys import place_card_order
from tests.fakes import FakeClock

PROVIDER_TOKEN = "284685063:TEST:NjZiNmU3YjQ5ZGQ0YzRmMjk4"
WEBHOOK_SECRET = "webhook-secret-4f9a2c"


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    quiet = {name: logging.getLogger(name).level for name in QUIET_EVEN_AT_DEBUG}
    yield
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
    for name, was in quiet.items():
        logging.getLogger(name).setLevel(was)


def records(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines()]


async def test_json_logs_are_one_object_per_line_with_one_record_per_update(tmp_path: Path) -> None:
    out = io.StringIO()
    async with running_bot(f"sqlite+aiosqlite:///{tmp_path / 'logs.sqlite3'}", default_currency="GBP") as bot:
        setup_logging("INFO", "json", stream=out)
        alice = SandboxUser(bot.server, 601, "Alice")
        await alice.send("/start")
        card = await alice.send("/start p_85123A")
        await alice.press(card.last, "Add to cart")
    lines = records(out.getvalue())
    assert lines and all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    updates = [line for line in lines if line["logger"] == "ordergram.updates"]
    assert [(u["update_type"], u["user_id"], u["outcome"]) for u in updates] == [
        ("message", 601, "handled"),
        ("message", 601, "handled"),
        ("callback_query", 601, "handled"),
    ]
    assert len({u["update_id"] for u in updates}) == 3
    assert all(str(u["handler"]).startswith("handlers.") for u in updates)
    assert all(isinstance(u["duration_ms"], float) and u["level"] == "INFO" for u in updates)
    assert not [line for line in lines if line["logger"] == "aiogram.event"]  # its "Update id=… is handled" is ours now


def test_a_record_logged_during_an_update_names_the_update_and_user() -> None:
    out = io.StringIO()
    setup_logging("INFO", "json", stream=out)
    token = CURRENT_UPDATE.set(UpdateContext(update_id=77, user_id=601))
    try:
        logging.getLogger("handlers.cart").warning("something worth a look")
    finally:
        CURRENT_UPDATE.reset(token)
    logging.getLogger("handlers.cart").warning("between updates")
    inside, outside = records(out.getvalue())
    assert (inside["update_id"], inside["user_id"], inside["message"]) == (77, 601, "something worth a look")
    assert "update_id" not in outside


@pytest.mark.parametrize("fmt", ["text", "json"])
async def test_no_secret_reaches_the_log_even_at_debug(tmp_path: Path, fmt: str) -> None:
    """A card checkout (the provider token goes to Telegram with the invoice), an API call with
    its key, and what libraries log (a request URL carries the bot token; a traceback may
    quote it): nothing of any of them in the output, at DEBUG, in either format."""
    out = io.StringIO()
    async with running_bot(
        f"sqlite+aiosqlite:///{tmp_path / 'secrets.sqlite3'}",
        default_currency="GBP",
        payment_provider_token=PROVIDER_TOKEN,
        webhook_secret=WEBHOOK_SECRET,
    ) as bot:
        setup_logging("DEBUG", fmt, stream=out)
        runtime = bot.runtime
        boris = SandboxUser(bot.server, 602, "Boris")
        await boris.pay(await place_card_order(boris, "85123A"), charge_id="tg-charge-1")
        api_key, _ = await create_api_key(
            runtime.uow(), runtime.clock, name="shop", scopes=frozenset({Scope.STOCK_READ})
        )
        await _call_the_api(runtime, api_key)
        token = runtime.settings.bot_token
        logging.getLogger("aiohttp.client").debug("POST %s/bot%s/sendMessage", runtime.settings.telegram_api_url, token)
        try:
            raise ConnectionError(f"cannot reach {runtime.settings.telegram_api_url}/bot{token}/getMe")
        except ConnectionError:
            logging.getLogger("aiogram.dispatcher").exception("Failed to fetch updates")
        logging.getLogger("bot.api").info("authorised with Authorization: Bearer %s", api_key)
    output = out.getvalue()
    assert "DEBUG" in output and "Failed to fetch updates" in output  # the flow was logged …
    for secret in (token, PROVIDER_TOKEN, WEBHOOK_SECRET, api_key, api_key.split("_")[-1]):
        assert secret not in output  # … without any secret
    assert f"/bot{REDACTED}/getMe" in output


async def _call_the_api(runtime: object, api_key: str) -> None:
    from bot.runtime import Runtime

    assert isinstance(runtime, Runtime)
    runner = web.AppRunner(make_api_app(runtime.sessions, runtime.settings, runtime.clock), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}/api/v1"
    try:
        async with aiohttp.ClientSession() as http:
            for key in (api_key, api_key[:-3] + "xyz"):  # good, then a wrong one
                async with http.get(f"{base}/stock?sku=85123A", headers={"Authorization": f"Bearer {key}"}) as answer:
                    await answer.read()
    finally:
        await runner.cleanup()


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        (
            "GET https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe",
            "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
        ),
        ("provider 284685063:LIVE:abcDEF123 refused", "abcDEF123"),
        ("key og_1a2b3c4d_Zm9vYmFyYmF6cXV4 rejected", "Zm9vYmFyYmF6cXV4"),
        ("Authorization: Bearer some-opaque-token", "some-opaque-token"),
        ("connecting to postgresql+asyncpg://shop:pa55word@db:5432/shop", "pa55word"),
    ],
)
def test_credentials_are_redacted_by_their_shape(line: str, secret: str) -> None:
    redacted = redact(line)
    assert secret not in redacted and REDACTED in redacted


def test_every_credential_of_a_line_is_redacted_whatever_else_it_holds() -> None:
    never_log("hunter2-database")
    line = (
        "retry 3: GET https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe with "
        "Bearer og_1a2b3c4d_Zm9vYmFyYmF6cXV4 via postgresql://shop:hunter2-database@db/shop at 12:30:00"
    )
    redacted = redact(line)
    for secret in ("AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", "Zm9vYmFyYmF6cXV4", "hunter2-database"):
        assert secret not in redacted
    assert redacted.startswith("retry 3: GET https://api.telegram.org/bot") and redacted.endswith("at 12:30:00")
    assert redact("update 7 (message) from user 5000123: handled in 1.2 ms") == (
        "update 7 (message) from user 5000123: handled in 1.2 ms"
    )


KNOWN_IN_FUZZ = "p@ss.w*rd(1)"
MARKERS = ["AAAAAAAAAA", "BBBBBBBBBB", "KKKKKKKKKK", "ssw0rd", "hunter2pass"]
FRAGMENTS = [*MARKERS, KNOWN_IN_FUZZ, "Bearer ", "://", "og_", "0123abcd", "_", "12345", ":", "TEST", "LIVE", "@"]
FRAGMENTS += ["/", " ", '"', "user", "-", "x"]


def _one_expression(text: str) -> str:
    """Redaction as one expression of every known value and shape, in one pass (what
    ``redact`` did before it looked for each shape only where its text is)."""
    known = [re.escape(secret) for secret in sorted(logs._known, key=len, reverse=True)]
    return re.compile("|".join((*known, *(shape for _, shape in SECRET_SHAPES)))).sub(REDACTED, text)


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=12))
def test_nothing_one_expression_would_redact_is_left_in_a_line(parts: list[str]) -> None:
    never_log("KKKKKKKKKK", KNOWN_IN_FUZZ)
    line = "".join(parts)
    hidden = [marker for marker in MARKERS if marker not in _one_expression(line)]
    assert not [marker for marker in hidden if marker in redact(line)], line


def test_a_token_holding_a_known_value_is_redacted_whole() -> None:
    never_log("KKKKKKKKKK")
    redacted = redact("GET https://api.telegram.org/bot12345:" + "A" * 20 + "KKKKKKKKKK" + "B" * 15 + "/getMe")
    assert "AAAAAAAAAA" not in redacted and "BBBBBBBBBB" not in redacted


def test_a_url_password_after_a_bearer_value_ending_in_a_scheme_is_redacted() -> None:
    assert "hunter2pass" not in redact('Bearer x://",user:hunter2pass@db')


def digests() -> float:
    """The daily digest's runs this process has counted (from every test before too)."""
    return REGISTRY.get_sample_value("ordergram_job_runs_total", {"job": "daily_digest"}) or 0


async def test_the_scheduler_routine_is_debug_not_info(tmp_path: Path) -> None:
    """Every minute APScheduler says it runs the tick and that it went well: at INFO that is a
    wall of noise, so it shows only at DEBUG (as DEBUG)."""
    quiet, verbose = io.StringIO(), io.StringIO()
    async with running_bot(
        f"sqlite+aiosqlite:///{tmp_path / 'ticks.sqlite3'}", clock=FakeClock(), demo_catalog=False, jobs_tick_seconds=1
    ) as bot:
        setup_logging("INFO", "json", stream=quiet)
        jobs = Jobs(bot.runtime)
        # The counter is the process's: tests run before this one (test_ops's jobs) counted runs already, and a wait
        # for "any" ended at once, before the first tick had led and said so to the INFO stream.
        runs = digests()
        jobs.start()
        try:
            for _ in range(100):  # the first tick comes a second after the start
                if digests() > runs:
                    break
                await asyncio.sleep(0.1)
            setup_logging("DEBUG", "json", stream=verbose)
            runs = digests()
            for _ in range(100):
                if digests() > runs:
                    break
                await asyncio.sleep(0.1)
        finally:
            await jobs.stop()
    at_info = [r for r in records(quiet.getvalue()) if str(r["logger"]).startswith(("apscheduler", "bot.scheduler"))]
    assert [r["message"] for r in at_info] == [f"jobs: this process now leads the scheduled jobs ({jobs.holder})"]
    scheduler = [
        r for r in records(verbose.getvalue()) if str(r["logger"]).startswith(("apscheduler", "bot.scheduler"))
    ]
    # A change of leader is news at INFO (taking it above, handing it over at the stop); the rest is routine.
    handed_over = f"jobs: this process stopped leading the scheduled jobs ({jobs.holder})"
    assert [r["level"] for r in scheduler if r["message"] == handed_over] == ["INFO"]
    routine = [r for r in scheduler if r["message"] != handed_over]
    assert any("Running job" in str(r["message"]) for r in routine)
    assert {r["level"] for r in routine} == {"DEBUG"}


async def test_a_failing_job_is_counted_and_the_others_still_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object, **kwargs: object) -> int:
        raise RuntimeError("the carrier's API is down")

    def runs(job: str) -> float:
        return REGISTRY.get_sample_value("ordergram_job_runs_total", {"job": job}) or 0

    def failures(job: str) -> float:
        return REGISTRY.get_sample_value("ordergram_job_failures_total", {"job": job}) or 0

    monkeypatch.setattr(scheduler, "dun_invoices", broken)
    async with running_bot(f"sqlite+aiosqlite:///{tmp_path / 'jobs.sqlite3'}", demo_catalog=False) as bot:
        await SandboxUser(bot.server, 601, "Alice").send("/start")  # the bot is polling
        jobs = Jobs(bot.runtime)
        before = {job: (runs(job), failures(job)) for job in ("sweep_holds", "dun_invoices", "daily_digest")}
        await jobs.tick()
    assert (runs("dun_invoices"), failures("dun_invoices")) == (
        before["dun_invoices"][0] + 1,
        before["dun_invoices"][1] + 1,
    )
    assert (runs("daily_digest"), failures("daily_digest")) == (
        before["daily_digest"][0] + 1,
        before["daily_digest"][1],
    )
    assert runs("sweep_holds") == before["sweep_holds"][0] + 1


def test_a_bad_log_setting_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env, no database file left behind
    monkeypatch.setenv("LOG_FORMAT", "xml")
    assert main(["migrate"]) == 2
    assert capsys.readouterr().err.strip() == "configuration error: LOG_FORMAT: 'xml' is not 'text' or 'json'"


def test_an_empty_log_setting_is_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    """``LOG_LEVEL=`` in an env file means "the default", as for every other setting."""
    monkeypatch.setenv("LOG_LEVEL", "")
    monkeypatch.setenv("LOG_FORMAT", "")
    settings = load_log_settings(default_level="WARNING")
    assert (settings.log_level, settings.log_format) == ("WARNING", "text")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    assert load_log_settings().log_level == "DEBUG"


TOKEN_TAIL = r":(?:[A-Za-z0-9_-]{30,}|(?:TEST|LIVE):[A-Za-z0-9_:-]+)"


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(["1", "12345", ":", "A" * 30, "TEST", "LIVE", ":x", "a", " ", "٣", "0"]), max_size=12))
def test_the_token_shape_written_digit_first_matches_what_its_plain_form_matches(parts: list[str]) -> None:
    """``(?<!\\d)\\d{4,}`` and ``\\d(?<!\\d\\d)\\d{3,}`` find the same tokens (the second scans faster)."""
    line = "".join(parts)
    plain = re.compile(r"(?<!\d)\d{4,}" + TOKEN_TAIL)
    shape = re.compile(SECRET_SHAPES[0][1])
    assert SECRET_SHAPES[0][1].endswith(TOKEN_TAIL)
    assert [m.span() for m in shape.finditer(line)] == [m.span() for m in plain.finditer(line)]


def test_the_time_of_a_text_line_is_the_one_logging_writes() -> None:
    kept, plain = logs._SecondsKept(logs.TEXT_FORMAT), logging.Formatter(logs.TEXT_FORMAT)
    for created in (1_764_900_000.0, 1_764_900_000.999, 1_764_900_001.25, 1_764_900_000.5, 1_800_000_000.007):
        record = logging.LogRecord("ordergram.updates", logging.INFO, __file__, 1, "update %s", (7,), None)
        record.created, record.msecs = created, (created - int(created)) * 1000
        assert kept.format(record) == plain.format(record)
        assert kept.formatTime(record, "%H:%M") == plain.formatTime(record, "%H:%M")


@pytest.mark.parametrize("level", ["DEBUG", "INFO", "WARNING"])
def test_routine_info_is_written_at_debug_only_and_warnings_at_every_level(level: str) -> None:
    out = io.StringIO()
    setup_logging(level, "text", stream=out)
    try:
        routine = logging.getLogger("aiogram.event")
        routine.info("Update id=%s is handled.", 7)
        routine.warning("Failed to make answer")
        logging.getLogger("apscheduler.scheduler").info("Running job")
        # Alembic's seven "setup plugin …" lines opened every `ordergram migrate`; its upgrades stay.
        logging.getLogger("alembic.runtime.plugins").info("setup plugin %s", "alembic.autogenerate.schemas")
        logging.getLogger("alembic.runtime.migration").info("Running upgrade %s -> %s", "0038", "0039")
        lines = out.getvalue().splitlines()
        if level == "DEBUG":
            assert [line.split(" ", 3)[2] for line in lines] == ["DEBUG", "WARNING", "DEBUG", "DEBUG", "INFO"]
        elif level == "INFO":
            assert [line.split(" ", 3)[2:] for line in lines] == [
                ["WARNING", "aiogram.event: Failed to make answer"],
                ["INFO", "alembic.runtime.migration: Running upgrade 0038 -> 0039"],
            ]
        else:
            assert [line.split(" ", 3)[2:] for line in lines] == [["WARNING", "aiogram.event: Failed to make answer"]]
            assert not routine.isEnabledFor(logging.INFO)  # dropped before a record is made
    finally:
        setup_logging("WARNING", "text", stream=io.StringIO())


# As sent: percent-encoded; as aiohttp gives it (``request.path``): a line break, terminal escapes, U+202E.
HOSTILE_PATH = "/api/v1/orders/X%0AINFO%20forged:%20admin%20signed%20in%1B[2J%1B[31m\u202e" + "a" * 5000


async def _fails(request: web.Request) -> web.StreamResponse:
    raise RuntimeError("a bug")


async def test_a_hostile_request_path_is_logged_on_one_line_escaped_and_shortened_by_the_api(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="bot.api"):
        answer = await problems(make_mocked_request("GET", HOSTILE_PATH), _fails)
    assert answer.status == 500
    _assert_one_escaped_line([r.getMessage() for r in caplog.records if "request failed" in r.getMessage()])


async def test_a_hostile_request_path_is_logged_on_one_line_escaped_and_shortened_by_the_mini_app(
    caplog: pytest.LogCaptureFixture,
) -> None:
    runtime: Any = SimpleNamespace(i18n=make_i18n("en"))
    [guarded] = make_middlewares(runtime, cast(Any, None))
    with caplog.at_level(logging.ERROR, logger="bot.webapp.security"):
        answer = await guarded(make_mocked_request("GET", HOSTILE_PATH.replace("/api/v1", "/app")), _fails)
    assert answer.status == 500
    _assert_one_escaped_line([r.getMessage() for r in caplog.records if "request failed" in r.getMessage()])


def _assert_one_escaped_line(lines: list[str]) -> None:
    [line] = lines
    assert "\n" not in line and "\x1b" not in line and "\u202e" not in line
    assert "\\n" in line and "\\x1b[2J" in line and "\\u202e" in line  # shown escaped, not dropped
    assert len(line) < 400  # a 5,000-character path is not written whole
