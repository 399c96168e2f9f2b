"""The ``ordergram`` command: run, serve, migrate, import, export, apikey, backup, sample, demo.

Only what a command needs is imported, when it runs: ``--help``, ``import``, ``migrate`` and
``apikey`` never load aiogram, aiohttp, matplotlib, reportlab or zxing (bench/cli_startup.py,
tests/test_cli_startup.py).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import logging
import signal
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bot.catalog_files import files_next_to
from bot.config import ConfigError, Settings, load_settings
from bot.logs import configure as configure_logging
from bot.logs import never_log
from domain.apikeys import Scope, parse_scopes
from domain.errors import DomainError, ImportRejected

if TYPE_CHECKING:
    from aiohttp import web

    from bot.runtime import Runtime
    from domain.usecases.imports import ImportReport

IMPORT_KINDS = (
    "products",
    "warehouses",
    "stock",
    "carriers",
    "boxes",
    "suppliers",
    "reorder",
    "demand",
    "customers",
    "prices",
)


def package_version() -> str:
    """The installed distribution's version (from its metadata, so it is the wheel's own)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ordergram")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


class _Version(argparse.Action):
    """argparse's ``version`` action, with the version looked up only when asked for."""

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        print(f"{parser.prog} {package_version()}")
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ordergram", description="Order management through a Telegram bot.")
    parser.add_argument("--version", action=_Version, nargs=0, help="print the version and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser(
        "run",
        help="run the bot (long polling); applies migrations first",
        description="Run the bot with long polling against TELEGRAM_API_URL using BOT_TOKEN. "
        "Applies database migrations first. Stops cleanly on SIGINT/SIGTERM.",
    )
    sub.add_parser(
        "serve",
        help="run the bot and the HTTP intake API (/api/v1) in one server",
        description="Like run, plus the HTTP intake API on WEBHOOK_HOST:WEBHOOK_PORT under /api/v1 "
        "(OpenAPI at /api/v1/openapi.json). Updates come by webhook when WEBHOOK_URL is set, else by "
        "long polling. Stops cleanly on SIGINT/SIGTERM.",
    )
    keys = sub.add_parser(
        "apikey",
        help="API keys for the intake API: create, list, revoke",
        description="create NAME prints a new key once (only its hash is kept); list shows the keys and "
        "their scopes; revoke NAME stops a key from working. A key may do only what its scopes allow: "
        "orders (place, read and cancel its orders), stock:read, receipts (goods received), carrier "
        "(tracking events of the carriers named by --carrier only), customers (business terms on the order's "
        "customer). Without --scope a new key gets orders only.",
    )
    keys.add_argument("action", choices=("create", "list", "revoke"))
    keys.add_argument("name", nargs="?", default="", metavar="NAME")
    keys.add_argument(
        "--scope",
        dest="scopes",
        action="append",
        default=[],
        choices=[scope.value for scope in Scope],
        help="with create: a scope the key gets (repeat for several; default: orders)",
    )
    keys.add_argument(
        "--carrier",
        dest="carriers",
        action="append",
        default=[],
        metavar="CARRIER",
        help="with create and --scope carrier (required then): a carrier whose parcels the key reports for, "
        "as parcels are shipped with it (repeat for several)",
    )
    sub.add_parser(
        "migrate",
        help="upgrade the database to the latest schema",
        description="Apply Alembic migrations up to head on DATABASE_URL (SQLite or PostgreSQL).",
    )
    imp = sub.add_parser(
        "import",
        help="bulk set-up from CSV (products, warehouses, stock, carriers, boxes, suppliers, reorder, demand, "
        "customers, prices)",
        description="Import a CSV file with a header row, as Excel or Google Sheets save it (comma, semicolon or tab; "
        "UTF-8 with or without BOM, UTF-16, Windows-1251). All-or-nothing: any bad row is reported "
        "with its line number and nothing is imported. Re-importing products updates them by SKU.",
    )
    imp.add_argument("kind", choices=IMPORT_KINDS)
    imp.add_argument("file", type=Path, metavar="FILE.csv")
    export = sub.add_parser(
        "export",
        help="export the accounting journal",
        description="Print the accounting journal from one date to another (days of the shop's TIMEZONE, "
        "both included, as /journal takes them) as CSV: one row per journal line (entry, date, source "
        "document, memo, account, debit, credit, currency).",
    )
    export.add_argument("what", choices=("journal",))
    export.add_argument("--from", dest="start", type=_day, required=True, metavar="YYYY-MM-DD")
    export.add_argument("--to", dest="end", type=_day, required=True, metavar="YYYY-MM-DD")
    export.add_argument("--format", choices=("csv",), default="csv")
    demo = sub.add_parser(
        "demo",
        help="offline demo: sandbox Bot API + bot + scripted customers",
        description="Start the sandbox Bot API server and the bot in one process on a temporary SQLite "
        "database, load the demo catalog and play a scripted conversation, printing the transcript.",
    )
    demo.add_argument("--keep", metavar="DIR", type=Path, help="keep the demo database in DIR")
    backup = sub.add_parser(
        "backup",
        help="a consistent copy of the database, safe while the bot runs (PostgreSQL: the pg_dump command)",
        description="SQLite: copy DATABASE_URL to DEST (a file, or a folder to put a dated copy in) with "
        "SQLite's online backup API, then check the copy's integrity; the bot may keep running. PostgreSQL: "
        "print the pg_dump command that does it.",
    )
    backup.add_argument("dest", type=Path, metavar="DEST")
    copy = sub.add_parser(
        "copy",
        help="move a shop from another database (a SQLite file) into DATABASE_URL (PostgreSQL)",
        description="Copy every table of SOURCE (a database URL, or the path of a SQLite file) into DATABASE_URL, "
        "which must be a new database `ordergram migrate` made. Stop the bot first. All or nothing: on any error "
        "DATABASE_URL is left as it was. SOURCE is only read.",
    )
    copy.add_argument("source", metavar="SOURCE")
    sample = sub.add_parser(
        "sample",
        help="write the demo shop's CSV files to DIR, to import or to copy from",
        description="Write the demo shop's CSV files (warehouses, products with photos, stock, carriers, boxes, "
        "suppliers, reorder terms, demand history) into DIR and print the commands that import them in order.",
    )
    sample.add_argument("dir", type=Path, metavar="DIR")
    return parser


def _day(text: str) -> date:
    """A day as the operator types it; argparse says "invalid fromisoformat value" otherwise."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day like 2026-12-31") from None


async def _export(settings: Settings, start: date, end: date) -> int:
    import csv
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from bot.runtime import open_database
    from domain.accounting import CSV_HEADER, journal_rows
    from domain.sales import day_start
    from domain.usecases.accounts import journal_pages
    from storage.uow import SqlUnitOfWork

    engine, sessions = await open_database(settings)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    try:
        # Page by page: years of entries stream out in memory that does not grow with them.
        async for page in journal_pages(
            SqlUnitOfWork(sessions),
            # Days of the shop's time zone, both included, as /journal and /report count them.
            start=day_start(start, ZoneInfo(settings.timezone)),
            end=day_start(end + timedelta(days=1), ZoneInfo(settings.timezone)),
        ):
            writer.writerows(journal_rows(page, settings.timezone))
    finally:
        await engine.dispose()
    return 0


async def _migrate(settings: Settings) -> None:
    from bot.runtime import open_database

    engine, _ = await open_database(settings)
    await engine.dispose()
    print("database is at the latest schema")


async def _import(settings: Settings, kind: str, file: Path) -> int:
    from bot.runtime import open_database, settle_heap
    from domain.csvfiles import shown_problems
    from domain.ports import SystemClock
    from domain.usecases.import_files import import_file
    from storage.uow import SqlUnitOfWork

    try:
        data = await asyncio.to_thread(file.read_bytes)
    except OSError as exc:
        print(f"{file}: cannot read the file ({exc})", file=sys.stderr)
        return 2
    engine, sessions = await open_database(settings)
    settle_heap()  # as the bot does: a big file's objects scanned by fewer full collections (a tenth of its time)
    try:
        resolve = files_next_to(file) if kind == "products" else None
        report = await import_file(SqlUnitOfWork(sessions), SystemClock(), kind, data, resolve_path=resolve)
    except ImportRejected as rejected:
        shown, more = shown_problems(rejected.problems)
        for line, reason in shown:
            print(f"{file}:{line}: {reason}", file=sys.stderr)
        if more:
            print(f"… and {more} more", file=sys.stderr)
        rows = len({line for line, _ in rejected.problems})
        print(f"{rows} bad row(s), {len(rejected.problems)} problem(s); nothing was imported", file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    print(import_summary(kind, report))
    return 0


def import_summary(kind: str, report: ImportReport) -> str:
    """ "products: 3 created, 1 updated, 2 unchanged", what was skipped and why, and the
    encoding when the file was not UTF-8."""
    from domain.csvfiles import UTF8, UTF8_BOM
    from domain.usecases.imports import HISTORY_WEEKS

    text = f"{kind}: {report.created} created, {report.updated} updated, {report.unchanged} unchanged"
    if report.skipped:
        text += (
            f"; {report.skipped:,} row(s) before {report.skipped_before} ignored (forecasts keep {HISTORY_WEEKS} weeks)"
        )
    if report.not_sold:
        text += (
            f"; {report.not_sold:,} priced only in {', '.join(report.not_sold_in)}, which the shop does not take"
            f" (it takes {', '.join(report.shop_currencies)}): no customer can buy them until a rate is set with /fx"
        )
    if report.ignored_columns:
        text += f"; column(s) ignored, not part of the format: {', '.join(report.ignored_columns)}"
    if report.encoding not in (UTF8, UTF8_BOM):
        text += f" (read as {report.encoding})"
    return text


async def _apikey(
    settings: Settings, action: str, name: str, scopes: Sequence[str] = (), carriers: Sequence[str] = ()
) -> int:
    from bot.runtime import open_database
    from domain.ports import SystemClock
    from domain.usecases.api_keys import api_keys, create_api_key, revoke_api_key
    from storage.uow import SqlUnitOfWork

    if action != "list" and not name:
        print(f"ordergram apikey {action}: give the key's NAME", file=sys.stderr)
        return 2
    engine, sessions = await open_database(settings)
    uow = SqlUnitOfWork(sessions)
    try:
        if action == "create":
            try:
                token, key = await create_api_key(
                    uow, SystemClock(), name=name, scopes=parse_scopes(scopes), carriers=frozenset(carriers)
                )
            except DomainError as error:
                print(f"ordergram apikey create: {error}", file=sys.stderr)
                return 1
            print(token)
            reports = f" for carriers {', '.join(sorted(key.carriers))}" if key.carriers else ""
            print(
                f"API key {name!r} created with scopes {_scopes(key.scopes)}{reports}; it is shown only now.",
                file=sys.stderr,
            )
            return 0
        if action == "revoke":
            if not await revoke_api_key(uow, SystemClock(), name=name):
                print(f"ordergram apikey revoke: no active API key named {name!r}", file=sys.stderr)
                return 1
            print(f"API key {name!r} revoked")
            return 0
        for key in await api_keys(uow):
            state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
            line = f"{key.name}\tog_{key.prefix}_…\t{_scopes(key.scopes)}\tcreated {key.created_at:%Y-%m-%d}\t{state}"
            if Scope.CARRIER in key.scopes:  # an old carrier key names none: it is refused until replaced
                named = ", ".join(sorted(key.carriers)) or "none (refused: make a new key with --carrier)"
                line += f"\tcarriers {named}"
            print(line)
        return 0
    finally:
        await engine.dispose()


def _scopes(scopes: frozenset[Scope]) -> str:
    return ",".join(scope.value for scope in Scope if scope in scopes)


async def _run(settings: Settings, *, with_api: bool = False) -> None:
    from bot.health import start_ops_server
    from bot.runtime import start_runtime
    from bot.scheduler import Jobs

    settings.require_token()
    runtime = await start_runtime(settings)
    notifier = asyncio.create_task(runtime.notifier.run(settings.notifier_interval_seconds))
    jobs = Jobs(runtime)
    await jobs.claim()  # before any listener opens: the first /readyz finds the lead taken
    jobs.start()
    ops = None
    try:
        ops = await start_ops_server(runtime)  # HEALTH_PORT: /healthz, /readyz, /metrics
        if settings.webhook_url:
            await serve_webhook(runtime, with_api=with_api)
        elif with_api:
            await serve_webhook(runtime, with_api=True, polling=True)
        else:
            await runtime.bot.delete_webhook(drop_pending_updates=False)
            await runtime.dp.start_polling(runtime.bot, handle_signals=True, close_bot_session=False)
    finally:
        if ops is not None:
            await ops.cleanup()
        await jobs.stop()
        runtime.notifier.stop()
        await notifier
        await runtime.close()


async def serve_webhook(runtime: Runtime, *, with_api: bool = False, polling: bool = False) -> None:
    """Receive updates on ``WEBHOOK_HOST:WEBHOOK_PORT`` at the path of ``WEBHOOK_URL`` (put a
    TLS proxy in front), register the webhook with Telegram, run until SIGINT/SIGTERM. With
    ``with_api`` the intake API is served by the same server; with ``polling`` updates come
    by long polling instead (no public URL needed) and the server carries only the API."""
    runner = await start_webhook(runtime, with_api=with_api, polling=polling)
    if polling:
        await runtime.bot.delete_webhook(drop_pending_updates=False)
        try:
            await runtime.dp.start_polling(runtime.bot, handle_signals=True, close_bot_session=False)
        finally:
            await runner.cleanup()
        return
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    logging.getLogger(__name__).info("receiving updates at %s", runtime.settings.webhook_url)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
        await runtime.dp.settle()


def derived_webhook_secret(bot_token: str) -> str:
    """The webhook's secret when ``WEBHOOK_SECRET`` is unset: an HMAC of the bot token, so webhook
    mode never runs unauthenticated, yet every process of the shop (and every restart) derives
    the same one without configuration. Whoever could compute it already holds the token, which
    controls the bot anyway. 64 hex digits: within Telegram's alphabet; never logged."""
    return hmac.new(bot_token.encode(), b"ordergram webhook secret", hashlib.sha256).hexdigest()


async def start_webhook(runtime: Runtime, *, with_api: bool = False, polling: bool = False) -> web.AppRunner:
    """The server of ``serve_webhook``, listening; unless ``polling``, the webhook is
    registered with Telegram and every POST must carry its secret token."""
    from aiogram.webhook.aiohttp_server import setup_application
    from aiohttp import web

    from bot.api import MAX_BODY, add_api
    from bot.health import add_ops_routes, listen
    from bot.polling import InboxRequestHandler

    settings = runtime.settings
    app = web.Application(client_max_size=MAX_BODY)
    if with_api:
        from bot.webapp import add_webapp, set_menu_button
        from handlers.paylinks import invoice_links

        links = invoice_links(runtime.bot, runtime.i18n, settings.payment_provider_token)
        add_api(app, runtime.sessions, settings, runtime.clock, links)
        add_ops_routes(app, runtime)
        add_webapp(app, runtime)  # the Mini App under /app
        await set_menu_button(runtime)
    secret = settings.webhook_secret or derived_webhook_secret(settings.bot_token)
    never_log(secret)
    if not polling:
        InboxRequestHandler(runtime.dp, runtime.bot, secret_token=secret).register(app, path=settings.webhook_path)
        setup_application(app, runtime.dp, bot=runtime.bot)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    if not polling:  # what a stopped process recorded and did not finish, before anything newer arrives
        await runtime.dp.replay(runtime.bot)
    await listen(runner, settings.webhook_host, settings.webhook_port, "WEBHOOK_HOST/WEBHOOK_PORT")
    served = ([] if polling else [f"the webhook ({settings.webhook_path})"]) + (
        ["the intake API (/api/v1)", "the Mini App (/app)", "/healthz, /readyz, /metrics"] if with_api else []
    )
    # Where to point the proxy and the probes, said once: the operator should not have to guess.
    logging.getLogger(__name__).info(
        "listening on http://%s:%s: %s", settings.webhook_host, settings.webhook_port, "; ".join(served)
    )
    if not polling:
        await runtime.bot.set_webhook(
            settings.webhook_url or "",
            secret_token=secret,
            allowed_updates=runtime.dp.resolve_used_update_types(),
        )
    return runner


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "export" and args.end < args.start:  # else an empty file, as if nothing was booked
        print(
            f"ordergram export: --to {args.end} must not be before --from {args.start} (the days from --from to --to, "
            "both included)",
            file=sys.stderr,
        )
        return 2
    try:
        configure_logging(args.command)  # LOG_LEVEL, LOG_FORMAT; secrets redacted (bot.logs)
        if args.command == "demo":
            from bot.demo import run_demo

            return asyncio.run(run_demo(keep=args.keep))
        if args.command == "sample":
            from bot.sample import write_sample

            return write_sample(args.dir)
        settings = load_settings()
        if args.command in ("run", "serve"):
            settings.require_token()
        from bot.dbtools import backup, database_ready

        if not database_ready(settings.database_url, args.command, json_logs=settings.log_format == "json"):
            return 2
        if args.command == "backup":
            return backup(settings.database_url, args.dest)
        if args.command in ("run", "serve"):
            return _run_bot(settings, with_api=args.command == "serve")
        if args.command == "apikey":
            return asyncio.run(_apikey(settings, args.action, args.name, args.scopes, args.carriers))
        if args.command == "migrate":
            asyncio.run(_migrate(settings))
            return 0
        if args.command == "export":
            return asyncio.run(_export(settings, args.start, args.end))
        if args.command == "copy":
            from bot.dbtools import copy_shop

            return copy_shop(args.source, settings.database_url)
        return asyncio.run(_import(settings, args.kind, args.file))
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _run_bot(settings: Settings, *, with_api: bool) -> int:
    from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError

    settings.require_token()
    if settings.health_port == settings.webhook_port and (with_api or settings.webhook_url):
        # Else the probes' listener takes the port first and the server is refused it, as if
        # another program held it.
        raise ConfigError(
            f"HEALTH_PORT: {settings.health_port} is WEBHOOK_PORT too; give it another port, or unset it "
            "(serve answers /healthz, /readyz and /metrics on WEBHOOK_PORT)"
        )
    try:
        asyncio.run(_run(settings, with_api=with_api))
    except TelegramUnauthorizedError:
        print("configuration error: BOT_TOKEN: the Bot API rejected this token", file=sys.stderr)
        return 2
    except TelegramNetworkError as exc:
        print(f"cannot reach the Bot API at TELEGRAM_API_URL: {exc.message}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
