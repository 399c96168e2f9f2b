"""/campaign for managers: write a message, pick a segment, preview, test, then schedule or send; its report."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from domain.campaigns import NEEDS_VALUE, Campaign, CampaignStatus, Segment, SegmentKind
from domain.errors import NotFound
from domain.i18n import N_
from domain.money import Money
from domain.ports import Clock, UnitOfWork
from domain.usecases.campaigns import (
    Preview,
    campaign_report,
    campaigns_list,
    cancel_campaign,
    choose_segment,
    schedule_campaign,
    send_campaign,
    send_test,
    set_product,
    start_campaign,
)
from handlers.callbacks import button, rows_of
from handlers.callbacks_staff import CampaignCb, CampaignSegmentCb
from handlers.context import OutboxSender, ShopSettings
from handlers.views.pressed import Target, pressed_in
from handlers.views.rendering import Renderer, fill, format_number

router = Router(name=__name__)

SEGMENTS = {
    SegmentKind.EVERYONE: N_("Everyone"),
    SegmentKind.LANGUAGE: N_("By language"),
    SegmentKind.VIP: N_("VIP customers"),
    SegmentKind.AT_RISK: N_("At risk (no order for 90 days)"),
    SegmentKind.CATEGORY: N_("Bought from a category"),
    SegmentKind.WAITING: N_("Waiting for a product to be back"),
    SegmentKind.IDS: N_("A list of customer ids (CSV)"),
    SegmentKind.GROUP: N_("A customer group (price list)"),
}
ASK_VALUE = {
    SegmentKind.LANGUAGE: N_("Which language? Type its code, e.g. en or ru."),
    SegmentKind.CATEGORY: N_("Which category? Type its name."),
    SegmentKind.WAITING: N_("Which product? Type its SKU."),
    SegmentKind.IDS: N_("Send a CSV file of customer ids (one a line, or a column named id), or type them."),
    SegmentKind.GROUP: N_("Which customer group? Type its name, e.g. wholesale."),
}
STATUSES = {
    CampaignStatus.DRAFT: N_("draft"),
    CampaignStatus.SCHEDULED: N_("scheduled"),
    CampaignStatus.SENT: N_("sent"),
    CampaignStatus.CANCELLED: N_("called off"),
}
CANCEL_HINT = N_("/cancel stops.")


class Writing(StatesGroup):
    message = State()
    product = State()
    segment_value = State()  # the kind waiting for its value is in the state's data
    when = State()


def segment_name(segment: Segment | None) -> str:
    if segment is None:
        return _("none yet")
    name = _(SEGMENTS[segment.kind])
    if segment.kind is SegmentKind.IDS:
        return f"{name}: {len(segment.ids())}"
    return f"{name}: {segment.value}" if segment.value else name


def _segments_menu(campaign_id: int) -> InlineKeyboardMarkup:
    return rows_of(
        *((_(label), CampaignSegmentCb(campaign_id=campaign_id, kind=kind)) for kind, label in SEGMENTS.items())
    )


def _actions(campaign_id: int) -> InlineKeyboardMarkup:
    def cb(action: str) -> CampaignCb:
        return CampaignCb(campaign_id=campaign_id, action=action)

    return InlineKeyboardMarkup(
        inline_keyboard=[
            [button(_("🧪 Send me a test"), cb("test"))],
            [button(_("🚀 Send now"), cb("send")), button(_("🕒 Schedule"), cb("schedule"))],
            [button(_("👥 Another segment"), cb("segments")), button(_("✖ Cancel it"), cb("cancel"))],
        ]
    )


async def _show_preview(message: Target, shown: Preview, renderer: Renderer) -> None:
    campaign = shown.campaign
    assert campaign.id is not None
    text = renderer.render(
        "staff/campaign_preview.html.j2",
        campaign=campaign,
        audience=shown.audience,
        product=shown.product,
        segment=segment_name(campaign.segment),
        text=campaign.text,
    )
    await message.answer(text, reply_markup=_actions(campaign.id))


@router.message(Command("campaign"))
async def campaign_command(
    message: Message, command: CommandObject, uow: UnitOfWork, renderer: Renderer, state: FSMContext
) -> None:
    assert message.from_user is not None
    arg = (command.args or "").strip().lower()
    if arg == "new":
        await state.clear()
        await state.set_state(Writing.message)
        await message.answer(_("Send the campaign's message: text, or a photo with a caption.") + "\n" + _(CANCEL_HINT))
        return
    if arg.lstrip("#").isdecimal():
        number = arg.lstrip("#")
        if len(number) > 9:  # more digits names no campaign (nor fits a database column)
            raise NotFound()
        await _report(message, int(number), message.from_user.id, uow, renderer)
        return
    if arg:
        await message.answer(_("Usage: /campaign, /campaign new or /campaign NUMBER"))
        return
    campaigns = await campaigns_list(uow, staff_id=message.from_user.id)
    rows = [(c, _(STATUSES[c.status]), segment_name(c.segment)) for c in campaigns]
    await message.answer(renderer.render("staff/campaigns.html.j2", campaigns=rows))


async def _report(message: Message, campaign_id: int, staff_id: int, uow: UnitOfWork, renderer: Renderer) -> None:
    report = await campaign_report(uow, staff_id=staff_id, campaign_id=campaign_id)
    c: Campaign = report.campaign
    revenue = [Money(amount, currency) for currency, amount in sorted(report.revenue.items())]
    text = renderer.render(
        "staff/campaign_report.html.j2",
        c=c,
        report=report,
        status=_(STATUSES[c.status]),
        segment=segment_name(c.segment),
        revenue=revenue,
    )
    await message.answer(text)


@router.message(StateFilter(Writing.message), F.photo | F.text)
async def campaign_message(message: Message, uow: UnitOfWork, clock: Clock, state: FSMContext) -> None:
    assert message.from_user is not None
    if message.text and message.text.startswith("/"):
        await message.answer(_("Send the campaign's message: text, or a photo with a caption.") + "\n" + _(CANCEL_HINT))
        return
    photo = message.photo[-1].file_id if message.photo else None
    plain = message.caption if photo else message.text
    html = message.html_text if plain else ""
    campaign = await start_campaign(
        uow, clock, staff_id=message.from_user.id, text=html, plain_length=len(plain or ""), photo=photo
    )
    assert campaign.id is not None
    await state.set_state(Writing.product)
    await state.update_data(campaign_id=campaign.id)
    skip = rows_of((_("No product button"), CampaignCb(campaign_id=campaign.id, action="noproduct")))
    await message.answer(
        _("Campaign #%(id)s saved as a draft. A product button? Type the product's SKU.") % {"id": campaign.id},
        reply_markup=skip,
    )


@router.message(StateFilter(Writing.product), F.text, ~F.text.startswith("/"))
async def campaign_product(message: Message, uow: UnitOfWork, state: FSMContext) -> None:
    assert message.from_user is not None
    campaign_id = int((await state.get_data())["campaign_id"])
    product = await set_product(uow, staff_id=message.from_user.id, campaign_id=campaign_id, sku=message.text)
    assert product is not None
    await state.set_state(None)
    await message.answer(
        fill(_("The button opens {name}. Who gets the campaign?"), name=product.display_name),
        reply_markup=_segments_menu(campaign_id),
    )


@router.callback_query(CampaignCb.filter(F.action == "noproduct"))
async def campaign_no_product(
    query: CallbackQuery, callback_data: CampaignCb, uow: UnitOfWork, state: FSMContext
) -> None:
    await set_product(uow, staff_id=query.from_user.id, campaign_id=callback_data.campaign_id, sku=None)
    await state.set_state(None)
    await query.answer()
    await pressed_in(query).answer(_("Who gets the campaign?"), reply_markup=_segments_menu(callback_data.campaign_id))


@router.callback_query(CampaignCb.filter(F.action == "segments"))
async def campaign_segments(query: CallbackQuery, callback_data: CampaignCb) -> None:
    await query.answer()
    await pressed_in(query).answer(_("Who gets the campaign?"), reply_markup=_segments_menu(callback_data.campaign_id))


@router.callback_query(CampaignSegmentCb.filter())
async def campaign_segment(
    query: CallbackQuery,
    callback_data: CampaignSegmentCb,
    uow: UnitOfWork,
    clock: Clock,
    renderer: Renderer,
    state: FSMContext,
) -> None:
    if callback_data.kind in NEEDS_VALUE:
        await state.set_state(Writing.segment_value)
        await state.update_data(campaign_id=callback_data.campaign_id, kind=callback_data.kind.value)
        await query.answer()
        await pressed_in(query).answer(_(ASK_VALUE[callback_data.kind]) + "\n" + _(CANCEL_HINT))
        return
    shown = await choose_segment(
        uow, clock, staff_id=query.from_user.id, campaign_id=callback_data.campaign_id, kind=callback_data.kind
    )
    await query.answer()
    await _show_preview(pressed_in(query), shown, renderer)


@router.message(StateFilter(Writing.segment_value), F.text | F.document)
async def campaign_segment_value(
    message: Message, uow: UnitOfWork, clock: Clock, renderer: Renderer, state: FSMContext
) -> None:
    assert message.from_user is not None
    if message.text and message.text.startswith("/"):
        await message.answer(_("Type the segment's value, or /cancel."))
        return
    data = await state.get_data()
    value = message.text or ""
    if message.document is not None:
        if (message.document.file_size or 0) > 2_000_000 or message.bot is None:
            await message.answer(_("The file is too large: at most 2 MB."))
            return
        downloaded = await message.bot.download(message.document)
        value = downloaded.read().decode("utf-8", "replace") if downloaded else ""
    shown = await choose_segment(
        uow,
        clock,
        staff_id=message.from_user.id,
        campaign_id=int(data["campaign_id"]),
        kind=SegmentKind(str(data["kind"])),
        value=value,
    )
    await state.set_state(None)
    await _show_preview(message, shown, renderer)


@router.callback_query(CampaignCb.filter(F.action == "test"))
async def campaign_test(
    query: CallbackQuery, callback_data: CampaignCb, uow: UnitOfWork, clock: Clock, notifier: OutboxSender, i18n: I18n
) -> None:
    staff_id = query.from_user.id
    await send_test(uow, clock, staff_id=staff_id, campaign_id=callback_data.campaign_id, language=i18n.current_locale)
    await query.answer(_("A test is on its way to you."))
    await notifier.deliver_now(staff_id)


@router.callback_query(CampaignCb.filter(F.action == "send"))
async def campaign_send(query: CallbackQuery, callback_data: CampaignCb, uow: UnitOfWork, clock: Clock) -> None:
    campaign = await send_campaign(uow, clock, staff_id=query.from_user.id, campaign_id=callback_data.campaign_id)
    await query.answer()
    await pressed_in(query).answer(
        _("Campaign #%(id)s is on its way to %(count)s customers. /campaign %(id)s shows its report.")
        % {"id": campaign.id, "count": format_number(campaign.targeted - campaign.opted_out - campaign.blocked)}
    )


@router.callback_query(CampaignCb.filter(F.action == "schedule"))
async def campaign_schedule(
    query: CallbackQuery, callback_data: CampaignCb, state: FSMContext, settings: ShopSettings
) -> None:
    await state.set_state(Writing.when)
    await state.update_data(campaign_id=callback_data.campaign_id)
    await query.answer()
    await pressed_in(query).answer(
        _("When should it go? Type YYYY-MM-DD HH:MM in the shop's time (%(zone)s).") % {"zone": settings.timezone}
        + "\n"
        + _(CANCEL_HINT)
    )


@router.callback_query(CampaignCb.filter(F.action == "cancel"))
async def campaign_cancel(query: CallbackQuery, callback_data: CampaignCb, uow: UnitOfWork) -> None:
    campaign = await cancel_campaign(uow, staff_id=query.from_user.id, campaign_id=callback_data.campaign_id)
    await query.answer()
    await pressed_in(query).answer(_("Campaign #%(id)s is cancelled: nothing was sent.") % {"id": campaign.id})


@router.message(StateFilter(Writing.when), F.text, ~F.text.startswith("/"))
async def campaign_when(
    message: Message, uow: UnitOfWork, clock: Clock, state: FSMContext, settings: ShopSettings
) -> None:
    assert message.from_user is not None
    try:
        local = datetime.strptime(" ".join((message.text or "").split()), "%Y-%m-%d %H:%M")
    except ValueError:
        await message.answer(_("Type the time as YYYY-MM-DD HH:MM, e.g. 2026-12-24 10:00."))
        return
    at = local.replace(tzinfo=ZoneInfo(settings.timezone))
    campaign_id = int((await state.get_data())["campaign_id"])
    campaign = await schedule_campaign(uow, clock, staff_id=message.from_user.id, campaign_id=campaign_id, at=at)
    await state.clear()
    await message.answer(
        _("Campaign #%(id)s will be sent at %(when)s (%(zone)s).")
        % {"id": campaign.id, "when": local.strftime("%Y-%m-%d %H:%M"), "zone": settings.timezone}
    )
