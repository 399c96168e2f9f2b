"""Set-up files in chat: staff send a CSV with the caption /import KIND; the summary or every problem comes back."""

from __future__ import annotations

import copy
import logging
from collections.abc import Container
from pathlib import PurePath

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.types import Message
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from markupsafe import Markup, escape

from domain.contention import again_on_contention
from domain.csvfiles import UTF8, UTF8_BOM, shown_problems
from domain.errors import DomainError, ImportRejected, Reason
from domain.ports import Clock, UnitOfWork
from domain.usecases.import_files import KINDS, import_file, import_permission
from domain.usecases.imports.report import STOCK_COUNTED, ImportReport
from domain.usecases.imports.stock import HISTORY_WEEKS
from domain.usecases.staff import require, staff_member
from handlers.category_moves import moves_note
from handlers.context import ShopSettings
from handlers.errors import domain_message
from handlers.picking import Picking
from handlers.views.dates import format_day
from handlers.views.labels import label
from handlers.views.rendering import fill, fill_text, format_number

router = Router(name=__name__)
log = logging.getLogger(__name__)

MAX_FILE_BYTES = 10 * 1024 * 1024  # a catalog of 100,000 products; the Bot API serves bots files up to 20 MB


def _usage() -> str:
    return _(
        "Send a CSV file with the caption /import KIND, KIND one of: {kinds}. "
        "A file named after its kind (products.csv) needs only /import."
    ).format(kinds=", ".join(KINDS))


def _unknown_kind(kind: str) -> str:
    """A kind typed that is none: named (escaped, cut short), with those there are."""
    return fill(_("There is no import of “{kind}”. Kinds: {kinds}."), kind=kind, kinds=Markup(", ".join(KINDS)))


@router.message(Command("import"), F.document)
async def import_document(
    message: Message, command: CommandObject, uow: UnitOfWork, clock: Clock, i18n: I18n, settings: ShopSettings
) -> None:
    assert message.from_user is not None and message.document is not None and message.bot is not None
    document = message.document
    name = document.file_name or "file.csv"
    typed = (command.args or "").strip().lower()
    kind = typed or PurePath(name).stem.strip().lower()
    if kind not in KINDS:  # a file's name that is no kind was not typed as one: told how to say the kind
        await message.answer(_unknown_kind(kind) if typed else _usage())
        return
    if (document.file_size or 0) > MAX_FILE_BYTES:
        await message.answer(_("This file is over 10 MB: import it with the ordergram import command instead."))
        return
    staff_id = message.from_user.id
    await require(uow, staff_id, import_permission(kind))
    downloaded = await message.bot.download(document.file_id)
    assert downloaded is not None
    data = downloaded.read()
    await message.answer(fill(_("Importing {name}… The result will follow here."), name=name))
    # Awaited, not left to a task: the update stays in hand until the file is in (a stop or a
    # crash meanwhile rolls the import back and the update is replayed, so the sender always
    # hears). Others are answered meanwhile: updates of different people are handled side by
    # side, and the import gives the event loop a turn while it reads and writes; this
    # person's next update waits its turn, as each person's updates do.
    await _import(message, uow, clock, kind, name, data, i18n.available_locales, settings.timezone)


async def _import(
    message: Message,
    uow: UnitOfWork,
    clock: Clock,
    kind: str,
    name: str,
    data: bytes,
    languages: Container[str],
    timezone: str,
) -> None:
    assert message.from_user is not None
    try:
        # Run again whole when the database gives the import's transaction up (two files of the same
        # products at once): "Importing…" is sent already, so the update itself is not run again.
        staff_id = message.from_user.id
        report = await again_on_contention(
            lambda: import_file(uow, clock, kind, data, staff_id=staff_id, languages=languages, source=name)
        )
    except ImportRejected as rejected:
        await message.answer(_rejection(name, rejected, timezone))
        return
    except DomainError as error:  # the role changed meanwhile
        await message.answer(domain_message(error, timezone=timezone))
        return
    except Exception:
        log.exception("import of %s by %s failed", kind, message.from_user.id)
        await message.answer(_("Sorry, something went wrong on our side. Please try again in a minute."))
        return
    await message.answer(summary(kind, report, timezone))


async def _staff_in_private(message: Message, uow: UnitOfWork) -> bool:
    sender = message.from_user
    return (
        message.chat.type == ChatType.PRIVATE and sender is not None and await staff_member(uow, sender.id) is not None
    )


# A finished pick round asks nothing (``handlers.fallback`` answers there as outside any step): a file sent then is
# one outside any step too, not the customers' «press 💬 Contact us».
@router.message(StateFilter(None, Picking.finished), F.document, _staff_in_private)
async def uncaptioned_file(message: Message) -> None:
    """A file staff send without /import: the customers' «press 💬 Contact us» is not for them, and a
    staff message never reaches support; what imports it is the caption."""
    said = _(
        "This file was not imported: send it again with the caption /import KIND, KIND one of: {kinds}. "
        "A file named after its kind (products.csv) needs only /import."
    )
    await message.answer(said.format(kinds=", ".join(KINDS)))


@router.message(Command("import"))
async def import_usage(message: Message, command: CommandObject) -> None:
    kind = (command.args or "").strip().lower()
    await message.answer(_unknown_kind(kind) if kind and kind not in KINDS else _usage())


def reason_text(reason: Reason, *, timezone: str, html: bool = True) -> str:
    """A problem in the reader's language; ``what`` names a kind of thing (a message id). Escaped for
    a message (``html``); a page shows plain text."""
    error = reason.error
    if "what" in error.params:
        error = copy.copy(error)
        error.params = {**error.params, "what": _(str(error.params["what"]))}
    if reason.column:  # a header's name, the same in every language
        column = (fill if html else fill_text)("{column}:", column=reason.column)
        return f"{column} {domain_message(error, html=html, timezone=timezone)}"
    return domain_message(error, html=html, timezone=timezone)


def _rejection(name: str, rejected: ImportRejected, timezone: str) -> str:
    shown, more = shown_problems(rejected.problems)
    rows = len({line for line, _ in rejected.problems})
    lines = [
        fill(
            ngettext(
                "Nothing was imported: {rows} row has problems.",
                "Nothing was imported: {rows} rows have problems.",
                rows,
            ),
            rows=rows,
        )
    ]
    lines += [
        f"{fill('{name}:{line}:', name=name, line=line)} {reason_text(reason, timezone=timezone)}"
        for line, reason in shown
    ]
    if more:
        lines.append(fill(ngettext("… and {n} more problem.", "… and {n} more problems.", more), n=format_number(more)))
    return "\n".join(lines)


def summary(kind: str, report: ImportReport, timezone: str, *, html: bool = True) -> str:
    """What the file did, in the reader's language: created, updated, unchanged, skipped. Plain text,
    escaped once at the end for a message (``html``); a page shows it as text."""
    text = _("{kind}: {created} created, {updated} updated, {unchanged} unchanged.").format(
        kind=label("import_kind", kind),
        created=format_number(report.created),
        updated=format_number(report.updated),
        unchanged=format_number(report.unchanged),
    )
    if report.units is not None:  # a count creates nothing: "0 created" read as if the file did nothing
        text = ngettext(*STOCK_COUNTED, report.updated).format(
            kind=label("import_kind", kind),
            n=format_number(report.updated),
            unchanged=format_number(report.unchanged),
            units=format_number(report.units),
        )
    if report.skipped and report.skipped_before is not None:
        text += " " + ngettext(
            "{n} row before {day} ignored: forecasts keep {weeks} weeks.",
            "{n} rows before {day} ignored: forecasts keep {weeks} weeks.",
            report.skipped,
        ).format(n=format_number(report.skipped), day=format_day(report.skipped_before, timezone), weeks=HISTORY_WEEKS)
    if report.not_sold:
        text += " " + fill_text(
            ngettext(
                "{n} product is priced only in {currencies}, which the shop does not take (it takes {taken}):"
                " no customer can buy it until you set a rate with /fx.",
                "{n} products are priced only in {currencies}, which the shop does not take (it takes {taken}):"
                " no customer can buy them until you set a rate with /fx.",
                report.not_sold,
            ),
            n=format_number(report.not_sold),
            currencies=", ".join(report.not_sold_in),
            taken=", ".join(report.shop_currencies),
        )
    if report.relinked:
        text += " " + moves_note(report.relinked)
    for parent, column, skus in report.untranslated:
        text += " " + fill_text(
            _(
                "{parent}: {column} gives no words to its stored variants {skus}, which the file leaves out: their "
                "cards read their options as options writes them in that language (a variant without words does); "
                "give their rows to translate them too."
            ),
            parent=parent,
            column=column,
            skus=", ".join(skus),
        )
    if report.ignored_columns:
        columns = ", ".join(report.ignored_columns)
        text += " " + fill_text(_("Column(s) ignored, not part of the format: {columns}."), columns=columns)
    if report.encoding not in (UTF8, UTF8_BOM):
        text += " " + _("Read as {encoding}.").format(encoding=report.encoding)
    return str(escape(text)) if html else text
