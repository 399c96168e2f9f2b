"""Reports for managers: /report today|week|month (figures plus a chart), /stockvalue per
warehouse, /slow [DAYS] for stock that has stopped selling."""

from __future__ import annotations

import asyncio

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.i18n import gettext as _

from domain.ports import Clock, UnitOfWork
from domain.reports import PeriodName, SalesReport
from domain.returns import ReturnReason
from domain.shop_days import shop_day
from domain.usecases.reports import SLOW_MOVER_DAYS, report, slow_movers, stock_report
from domain.usecases.support import support_figures
from handlers.context import ShopSettings
from handlers.output.charts import ChartText, sales_chart
from handlers.views.dates import current_locale
from handlers.views.labels import label
from handlers.views.rendering import Renderer

router = Router(name=__name__)

MAX_SLOW_DAYS = 3650


def report_title(name: PeriodName) -> str:
    titles = {
        PeriodName.TODAY: _("Today"),
        PeriodName.WEEK: _("The last 7 days"),
        PeriodName.MONTH: _("The last 30 days"),
    }
    return titles[name]


def no_orders_in(name: PeriodName) -> str:
    """What a period without a single order says instead of its zeros and an empty chart."""
    said = {
        PeriodName.TODAY: _("No orders today."),
        PeriodName.WEEK: _("No orders in the last 7 days."),
        PeriodName.MONTH: _("No orders in the last 30 days."),
    }
    return said[name]


def chart_text(found: SalesReport) -> ChartText:
    """The chart's words in the reader's language."""
    return ChartText(
        title=report_title(found.period.name),
        orders=_("Orders"),
        revenue=_("Revenue, {currency}").format(currency=found.base),
        top=_("Top products"),
        empty=_("No sales in this period"),
        returns=_("Returns by reason"),
        reasons={reason.value: label("return_reason", reason.value) for reason in ReturnReason},
    )


@router.message(Command("report"))
async def report_command(
    message: Message, command: CommandObject, uow: UnitOfWork, clock: Clock, settings: ShopSettings, renderer: Renderer
) -> None:
    assert message.from_user is not None
    found = await report(
        uow,
        clock,
        staff_id=message.from_user.id,
        name=command.args or "today",
        timezone=settings.timezone,
        language=current_locale(),
    )
    title = report_title(found.period.name)
    support = await support_figures(uow, found.period.start, found.period.end)
    empty = not found.orders and not found.cancelled
    figures = renderer.render(
        "staff/report.html.j2", report=found, title=title, no_orders=no_orders_in(found.period.name) if empty else ""
    )
    support_part = renderer.render("support/figures.html.j2", times=support)
    await message.answer(f"{figures}\n\n{support_part}" if support_part else figures)
    if empty:  # bars of nothing and a flat line at zero said no more than the words
        return
    text = chart_text(found)
    # Drawing takes a few hundred milliseconds of CPU: off the event loop, so other chats go on.
    png = await asyncio.to_thread(sales_chart, found, text)
    await message.answer_photo(BufferedInputFile(png, filename=f"report-{found.period.name}.png"))


@router.message(Command("stockvalue"))
async def stock_value_command(
    message: Message, uow: UnitOfWork, renderer: Renderer, command: CommandObject | None = None
) -> None:
    assert message.from_user is not None
    code = (command.args or "").strip() if command else ""
    values = await stock_report(uow, staff_id=message.from_user.id, warehouse_code=code or None)
    await message.answer(renderer.render("staff/stock_value.html.j2", values=values))


@router.message(Command("slow"))
async def slow_command(
    message: Message,
    command: CommandObject,
    uow: UnitOfWork,
    clock: Clock,
    renderer: Renderer,
    settings: ShopSettings,
) -> None:
    assert message.from_user is not None
    raw = (command.args or str(SLOW_MOVER_DAYS)).strip()
    if not raw.isdecimal() or not 1 <= int(raw) <= MAX_SLOW_DAYS:
        await message.answer(_("Usage: /slow [DAYS], a number of days from 1 to {most}.").format(most=MAX_SLOW_DAYS))
        return
    found, more = await slow_movers(uow, clock, staff_id=message.from_user.id, days=int(raw), language=current_locale())
    today = shop_day(clock.now(), settings.timezone)
    await message.answer(renderer.render("staff/slow.html.j2", movers=found, more=more, days=int(raw), today=today))
