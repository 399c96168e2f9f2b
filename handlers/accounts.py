"""The books for managers: /journal [FROM] [TO] sends the journal as CSV (/journal CODE: one order's), /trial shows the
trial balance, /ar the receivables aging of business invoices, /ap what is owed to suppliers."""

from __future__ import annotations

import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from domain.accounting import CSV_HEADER, JournalEntry, journal_rows
from domain.ports import Clock, UnitOfWork
from domain.shop_days import day_start
from domain.usecases.accounts import (
    journal_for_staff,
    order_journal_for_staff,
    payables,
    receivables,
    trial_balance,
)
from domain.usecases.statements import customer_statement
from handlers.context import ShopSettings
from handlers.output.spreadsheets import spreadsheet_csv, spreadsheet_date_format
from handlers.views.dates import current_locale
from handlers.views.labels import label
from handlers.views.memos import entry_memo
from handlers.views.rendering import Renderer

router = Router(name=__name__)
# Open invoices /ar lists, the earliest due first; the rest are counted (a wholesaler's hundreds
# were several messages).
AR_LINES_SHOWN = 40


# A date is typed in full, YYYY-MM-DD: an order code typed with a dash may begin with four digits
# (2345-BCDF), and one of eight digits may read as a day run together (22221122).
DATE_FORM = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day(text: str) -> date | None:
    if not DATE_FORM.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@router.message(Command("journal"))
async def journal_command(
    message: Message, command: CommandObject, uow: UnitOfWork, clock: Clock, settings: ShopSettings
) -> None:
    assert message.from_user is not None
    args = (command.args or "").split()
    if len(args) == 1 and not DATE_FORM.fullmatch(args[0]):  # an order, INV-…, CN-… or DN-…
        order, entries = await order_journal_for_staff(uow, staff_id=message.from_user.id, reference=args[0])
        await _send_journal(message, entries, f"journal-{order.code}.csv", settings)
        return
    # Days of the shop's time zone, as /report counts them, both named days included (as the
    # file's name says): a month is /journal 2026-12-01 2026-12-31.
    zone = ZoneInfo(settings.timezone)
    today = clock.now().astimezone(zone).date()
    first = _day(args[0]) if args else today - timedelta(days=30)
    last = _day(args[1]) if len(args) > 1 else today
    if first is None or last is None or first > last:
        await message.answer(
            _(
                "Usage: /journal [FROM] [TO], dates as YYYY-MM-DD, both included; the last 30 days by default. "
                "/journal CODE: one order's entries, named by its code, its invoice (INV-…), a credit note (CN-…) "
                "or a debit note (DN-…)."
            )
        )
        return
    start, end = day_start(first, zone), day_start(last + timedelta(days=1), zone)
    entries = await journal_for_staff(uow, staff_id=message.from_user.id, start=start, end=end)
    await _send_journal(message, entries, f"journal-{first.isoformat()}-{last.isoformat()}.csv", settings)


async def _send_journal(message: Message, entries: list[JournalEntry], name: str, settings: ShopSettings) -> None:
    # For a person's spreadsheet, in their language: its columns and accounts named as /trial
    # names them, its memos translated (``handlers.views.memos``), its dates as their spreadsheet
    # reads dates, the shop's local time without an offset (``ordergram export journal`` is for
    # programs, and keeps the codes, the English memos and ISO dates).
    header = [label("journal_column", column) for column in CSV_HEADER]
    account = CSV_HEADER.index("account")
    rows = [
        (*row[:account], label("account", row[account]), *row[account + 1 :])
        for row in journal_rows(entries, settings.timezone, spreadsheet_date_format(current_locale()), entry_memo)
    ]
    await message.answer_document(
        BufferedInputFile(
            spreadsheet_csv(
                header,
                rows,
                language=current_locale(),
                numbers=(label("journal_column", "debit"), label("journal_column", "credit")),
            ),
            filename=name,
        ),
        caption=ngettext("{n} journal entry.", "{n} journal entries.", len(entries)).format(n=len(entries)),
    )


@router.message(Command("trial"))
async def trial(message: Message, uow: UnitOfWork, clock: Clock, renderer: Renderer) -> None:
    assert message.from_user is not None
    balance = await trial_balance(uow, staff_id=message.from_user.id, until=clock.now() + timedelta(seconds=1))
    await message.answer(renderer.render("staff/trial.html.j2", balance=balance))


@router.message(Command("ar"))
async def aging(message: Message, command: CommandObject, uow: UnitOfWork, clock: Clock, renderer: Renderer) -> None:
    """Every open invoice, the latest first; ``/ar CUSTOMER``: that business's statement of account."""
    assert message.from_user is not None
    if command.args:
        drawn = await customer_statement(uow, clock, staff_id=message.from_user.id, reference=command.args)
        text = renderer.render("statement.html.j2", statement=drawn, shown=AR_LINES_SHOWN, for_staff=True)
        await message.answer(text)
        return
    owed = await receivables(uow, clock, staff_id=message.from_user.id)
    shown, more = owed[:AR_LINES_SHOWN], max(len(owed) - AR_LINES_SHOWN, 0)
    await message.answer(renderer.render("staff/ar.html.j2", receivables=shown, more=more))


@router.message(Command("ap"))
async def owed_to_suppliers(message: Message, uow: UnitOfWork, renderer: Renderer) -> None:
    """Purchase orders whose suppliers are owed for what arrived, oldest first; each paid with /po pay."""
    assert message.from_user is not None
    owing, count, suppliers = await payables(uow, staff_id=message.from_user.id, limit=AR_LINES_SHOWN)
    more = count - len(owing)
    await message.answer(renderer.render("staff/ap.html.j2", orders=owing, suppliers=suppliers, more=more))
