"""The shop's files on the command line: ``ordergram import`` of a CSV file (all or nothing, each bad
row named) and ``ordergram export journal`` of the accounting journal as CSV."""

from __future__ import annotations

import asyncio
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bot.catalog_files import files_next_to
from bot.config import Settings
from domain.errors import ImportRejected

if TYPE_CHECKING:
    from domain.usecases.imports.report import ImportReport

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


async def export_journal(settings: Settings, start: date, end: date) -> int:
    import csv
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from bot.runtime import open_database
    from domain.accounting import CSV_HEADER, journal_rows
    from domain.shop_days import day_start
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


async def import_csv(settings: Settings, kind: str, file: Path) -> int:
    from bot.runtime import open_database, settle_heap
    from domain.csvfiles import WrongHeader, shown_problems
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
        report = await import_file(
            SqlUnitOfWork(sessions), SystemClock(), kind, data, resolve_path=resolve, source=file.name
        )
    except WrongHeader as wrong:  # no row read, so none counted (another kind of file among them)
        print(f"{file}: {wrong}", file=sys.stderr)
        return 1
    except ImportRejected as rejected:
        shown, more = shown_problems(rejected.problems)
        for line, reason in shown:
            print(f"{file}:{line}: {reason}", file=sys.stderr)
        if more:
            print(f"… and {more} more", file=sys.stderr)
        rows = len({line for line, _ in rejected.problems})
        problems = len(rejected.problems)
        said = f"{_counted(rows, 'bad row')}, {_counted(problems, 'problem')}; nothing was imported"
        print(said, file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    print(import_summary(kind, report))
    return 0


def _counted(n: int, thing: str) -> str:
    """``1 bad row``, ``61 bad rows``: the command line's English, whose plural is an s."""
    return f"{n:,} {thing}{'' if n == 1 else 's'}"


def import_summary(kind: str, report: ImportReport) -> str:
    """ "products: 3 created, 1 updated, 2 unchanged" (a stock count: the bins it set), what was
    skipped and why, and the encoding when the file was not UTF-8."""
    from domain.csvfiles import UTF8, UTF8_BOM
    from domain.usecases.imports.report import STOCK_COUNTED
    from domain.usecases.imports.stock import HISTORY_WEEKS

    text = f"{kind}: {report.created:,} created, {report.updated:,} updated, {report.unchanged:,} unchanged"
    if report.units is not None:  # a stock count, worded as the bot words it (in English, without its full stop)
        wording = STOCK_COUNTED[0] if report.updated == 1 else STOCK_COUNTED[1]
        counts = {"n": f"{report.updated:,}", "unchanged": f"{report.unchanged:,}", "units": f"{report.units:,}"}
        text = wording.removesuffix(".").format(kind=kind, **counts)
    if report.skipped:
        kept = f"forecasts keep {HISTORY_WEEKS} weeks"
        text += f"; {_counted(report.skipped, 'row')} before {report.skipped_before} ignored ({kept})"
    if report.not_sold:
        text += (
            f"; {report.not_sold:,} priced only in {', '.join(report.not_sold_in)}, which the shop does not take"
            f" (it takes {', '.join(report.shop_currencies)}): no customer can buy them until a rate is set with /fx"
        )
    for move in report.relinked:  # as the chat's summary says them (handlers.category_moves), every one
        before = " › ".join(move.before) or "the top of the catalog"
        text += f"; category {move.name} moved from {before} to {' › '.join(move.after)}, with everything in it"
    for parent, column, skus in report.untranslated:  # as the chat's summary says them (handlers.imports)
        text += (
            f"; {parent}: {column} gives no words to its stored variants {', '.join(skus)}, which the file leaves out"
        )
    if report.ignored_columns:
        text += f"; column(s) ignored, not part of the format: {', '.join(report.ignored_columns)}"
    if report.encoding not in (UTF8, UTF8_BOM):
        text += f" (read as {report.encoding})"
    return text
