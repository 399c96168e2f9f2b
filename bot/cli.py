"""The ``ordergram`` command: run, serve, migrate, import, export, apikey, backup, sample, demo.

Only what a command needs is imported, when it runs: ``--help``, ``import``, ``migrate`` and
``apikey`` never load aiogram, aiohttp, matplotlib, reportlab or zxing (bench/cli_startup.py,
tests/test_cli_startup.py).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from bot.cli_apikeys import apikey, callback
from bot.cli_files import IMPORT_KINDS, export_journal, import_csv
from bot.config import ConfigError, Settings, load_settings, unknown_in_dotenv
from bot.logs import configure as configure_logging
from bot.serving import run_bot
from domain.apikeys import Scope


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
        help="run the bot (long polling, or a webhook when WEBHOOK_URL is set); applies migrations first",
        description="Run the bot against TELEGRAM_API_URL using BOT_TOKEN: long polling, or updates by webhook "
        "on WEBHOOK_HOST:WEBHOOK_PORT when WEBHOOK_URL is set. Applies database migrations first. "
        "Stops cleanly on SIGINT/SIGTERM.",
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
        help="API keys for the intake API: create, list, revoke; a channel's status callback URL",
        description="create NAME prints a new key once (only its hash is kept); list shows the keys and "
        "their scopes; revoke NAME stops a key from working; callback NAME URL sends the status changes of the "
        "orders of the channel NAME (its keys) to URL, signed with a secret printed once (again: a new secret; "
        "callback NAME shows it and the deliveries waiting or given up; callback NAME --remove stops them). "
        "A key may do only what its scopes allow: "
        "orders (place, read and cancel its orders, one being picked too (each picker holding it told what to put "
        "back), until picked whole), stock:read, receipts (goods received), carrier "
        "(tracking events of the carriers named by --carrier only), customers (business terms on the order's "
        "customer). Without --scope a new key gets orders only.",
    )
    keys.add_argument("action", choices=("create", "list", "revoke", "callback"))
    keys.add_argument("name", nargs="?", default="", metavar="NAME")
    keys.add_argument("url", nargs="?", default="", metavar="URL", help="with callback: where the events are POSTed")
    keys.add_argument("--remove", action="store_true", help="with callback: send the channel no more events")
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
    migrate = sub.add_parser(
        "migrate",
        help="upgrade the database to the latest schema",
        description="Apply Alembic migrations up to head on DATABASE_URL (SQLite or PostgreSQL), saying in one line "
        "from which schema to which and how many migrations ran.",
    )
    migrate.add_argument("-v", "--verbose", action="store_true", help="show Alembic's line for each migration too")
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
    export.add_argument(
        "what", choices=("journal",), help="what to export: journal, the accounting journal (the only one so far)"
    )
    export.add_argument(
        "--from", dest="start", type=_day, required=True, metavar="YYYY-MM-DD", help="the first day, included"
    )
    export.add_argument(
        "--to", dest="end", type=_day, required=True, metavar="YYYY-MM-DD", help="the last day, included"
    )
    export.add_argument("--format", choices=("csv",), default="csv", help="the file format (default: csv)")
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
        description="SQLite: copy DATABASE_URL to DEST (a new file, or a folder to put a dated copy in: one that "
        "exists, or DEST/ or --prune's, made if need be) with "
        "SQLite's online backup API, then check the copy's integrity; the bot may keep running. Into a folder, "
        "a copy taken by hand is named …-manual.sqlite3 and removes nothing; with --prune (the nightly backup) "
        "the folder's dated copies older than BACKUP_KEEP_DAYS (30; 0 keeps all), and unfinished .partial "
        "files a crashed backup left over a day ago, are then removed. PostgreSQL: print the pg_dump command "
        "that does it.",
    )
    backup.add_argument("dest", metavar="DEST")
    backup.add_argument(
        "--prune",
        action="store_true",
        help="the nightly backup's: then remove this folder's dated copies older than BACKUP_KEEP_DAYS "
        "and crashed backups' .partial files older than a day (copies named …-manual never)",
    )
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


async def _migrate(settings: Settings, *, verbose: bool = False) -> None:
    from bot.runtime import open_migrated

    engine, _, migrated = await open_migrated(settings, verbose=verbose)  # at head, it may still lack something
    await engine.dispose()
    print(migrated or "database is at the latest schema")


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
        for unknown in unknown_in_dotenv():
            logging.getLogger("ordergram.cli").warning(unknown)
        if args.command in ("run", "serve"):
            settings.require_token()
        from bot.dbtools import backup, database_ready

        refused = database_ready(settings.database_url, args.command, json_logs=settings.log_format == "json")
        if refused:
            return refused
        if args.command == "backup":
            return backup(
                settings.database_url,
                Path(args.dest),
                keep_days=settings.backup_keep_days,
                prune=args.prune,
                into_folder=args.prune or args.dest.endswith(("/", os.sep)),  # Path() drops the trailing /
            )
        if args.command in ("run", "serve"):
            return run_bot(settings, with_api=args.command == "serve")
        if args.command == "apikey":
            if args.action == "callback":
                return asyncio.run(callback(settings, args.name, args.url, remove=args.remove))
            return asyncio.run(apikey(settings, args.action, args.name, args.scopes, args.carriers))
        if args.command == "migrate":
            asyncio.run(_migrate(settings, verbose=args.verbose))
            return 0
        if args.command == "export":
            return asyncio.run(export_journal(settings, args.start, args.end))
        if args.command == "copy":
            from bot.dbtools import copy_shop

            return copy_shop(args.source, settings.database_url)
        return asyncio.run(import_csv(settings, args.kind, args.file))
    except ConfigError as exc:
        for line in str(exc).splitlines():  # each bad value on its own line, all at once
            print(f"configuration error: {line}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
