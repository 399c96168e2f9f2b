"""Returns for staff (support, managers): /returns lists open requests by age; /rma CODE
shows one with its photos and the next step as buttons — approve or reject (with a
reason), received, restock or write off each line, then refund or send the replacement."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from domain.orders import ReturnStatus
from domain.ports import Clock, UnitOfWork
from domain.returns import ReturnKind, ReturnRequest
from domain.usecases.return_handling import (
    ApprovedAlready,
    DecidedAlready,
    RejectedAlready,
    confirm_refund,
    decide_return,
    inspect_line,
    mark_received,
    open_returns,
    resolve_return,
    return_detail,
)
from handlers.callbacks_staff import RmaCb
from handlers.context import ShopSettings
from handlers.errors import domain_message
from handlers.views.dates import current_locale
from handlers.views.pressed import Target, pressed_in
from handlers.views.rendering import Renderer

router = Router(name=__name__)
_DECIDED = (ApprovedAlready, RejectedAlready, DecidedAlready)
# Lines with their ↩️ / 🗑 buttons at once: a return of a 100-line order was 200 buttons,
# over Telegram's 100 a message.
LINES_INSPECTED_AT_ONCE = 24


class Rejecting(StatesGroup):
    reason = State()


def _keyboard(request: ReturnRequest, refund_paid: bool, can_pay_back: bool) -> InlineKeyboardMarkup | None:
    rma = request.rma_code
    rows: list[list[InlineKeyboardButton]] = []

    def button(text: str, action: str, line_id: int = 0) -> InlineKeyboardButton:
        return InlineKeyboardButton(text=text, callback_data=RmaCb(rma=rma, action=action, line_id=line_id).pack())

    if request.status is ReturnStatus.REQUESTED:
        rows.append([button(_("✅ Approve"), "approve"), button(_("✖ Reject"), "reject")])
    elif request.status is ReturnStatus.APPROVED:
        rows.append([button(_("📥 Parcel received"), "received")])
    elif request.status is ReturnStatus.RECEIVED:
        waiting = [line for line in request.lines if not line.inspected]
        for line in waiting[:LINES_INSPECTED_AT_ONCE]:  # the next ones' buttons come as these are done
            rows.append(
                [
                    button(_("↩️ Restock {sku}").format(sku=line.sku), "restock", line.id or 0),
                    button(_("🗑 Write off {sku}").format(sku=line.sku), "writeoff", line.id or 0),
                ]
            )
        if all(line.inspected for line in request.lines) and request.kind is ReturnKind.REFUND:
            rows.append([button(_("💸 Refund"), "resolve")])
        elif all(line.inspected for line in request.lines):  # a replacement that cannot go: money back
            rows.append([button(_("📦 Send the replacement"), "resolve")])
            rows.append([button(_("💸 Refund instead"), "refund_instead")])
    elif request.owes_back and not refund_paid and can_pay_back:  # only to a role that may record it
        rows.append([button(_("✅ Refund paid back"), "refund_paid")])
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


async def _show(
    target: Target, bot: Bot, uow: UnitOfWork, renderer: Renderer, staff_id: int, rma: str, photos: bool = False
) -> None:
    """The request and its next step; the customer's photos only when it is first opened."""
    detail = await return_detail(uow, staff_id=staff_id, rma=rma)
    request = detail.request
    for photo in request.photos if photos else []:
        await bot.send_photo(target.chat.id, photo)
    await target.answer(
        renderer.render(
            "staff/rma.html.j2",
            request=request.named_in(current_locale(), detail.order),
            order=detail.order,
            refund_paid=detail.refund_paid,
            can_pay_back=detail.can_pay_back,  # a role without the button is told who records it
            parcels=detail.parcels,
        ),
        reply_markup=_keyboard(request, detail.refund_paid, detail.can_pay_back),
    )


@router.message(Command("returns"))
async def returns_list(message: Message, uow: UnitOfWork, renderer: Renderer) -> None:
    assert message.from_user is not None
    requests, more = await open_returns(uow, staff_id=message.from_user.id)
    await message.answer(renderer.render("staff/returns.html.j2", requests=requests, more=more))


@router.message(Command("rma"))
async def rma_command(message: Message, command: CommandObject, bot: Bot, uow: UnitOfWork, renderer: Renderer) -> None:
    assert message.from_user is not None
    if not (command.args or "").strip():
        await message.answer(_("Usage: /rma RMA-CODE"))
        return
    await _show(message, bot, uow, renderer, message.from_user.id, command.args or "", photos=True)


@router.callback_query(RmaCb.filter())
async def rma_button(
    query: CallbackQuery,
    callback_data: RmaCb,
    bot: Bot,
    uow: UnitOfWork,
    clock: Clock,
    renderer: Renderer,
    state: FSMContext,
    settings: ShopSettings,
) -> None:
    target = pressed_in(query)  # a request handled over days: its screen may be too old to edit, or to read
    staff_id, rma = query.from_user.id, callback_data.rma
    action, told = callback_data.action, ""
    if action == "reject":
        await state.set_state(Rejecting.reason)
        await state.update_data(rma=rma)
        await query.answer()
        await target.answer(_("Why is it rejected? The customer will read your answer."))
        return
    if action == "approve":
        try:
            await decide_return(uow, clock, staff_id=staff_id, rma=rma, approve=True)
        except _DECIDED as decided:  # two staff at once, or an old screen: who did it, and the screen as it is
            await query.answer(domain_message(decided, html=False, timezone=settings.timezone), show_alert=True)
            await _show(target, bot, uow, renderer, staff_id, rma)
            return
    elif action == "received":
        await mark_received(uow, clock, staff_id=staff_id, rma=rma)
    elif action in ("restock", "writeoff"):
        inspected = await inspect_line(
            uow, clock, staff_id=staff_id, rma=rma, line_id=callback_data.line_id, restock=action == "restock"
        )
        if inspected.warehouse:  # which shelf it goes on
            told = _("↩️ Back in stock at {warehouse}, bin {bin}.").format(
                warehouse=inspected.warehouse, bin=inspected.bin_code
            )
    elif action in ("resolve", "refund_instead"):
        instead = action == "refund_instead"
        policy = settings.checkout_policy
        await resolve_return(uow, clock, staff_id=staff_id, rma=rma, policy=policy, refund_instead=instead)
    elif action == "refund_paid":
        await confirm_refund(uow, clock, staff_id=staff_id, rma=rma)
    await query.answer(told or None)
    await _show(target, bot, uow, renderer, staff_id, rma)


@router.message(StateFilter(Rejecting.reason), F.text, ~F.text.startswith("/"))
async def rejected(
    message: Message,
    bot: Bot,
    uow: UnitOfWork,
    clock: Clock,
    renderer: Renderer,
    state: FSMContext,
    settings: ShopSettings,
) -> None:
    assert message.from_user is not None
    rma = (await state.get_data())["rma"]
    try:
        await decide_return(
            uow, clock, staff_id=message.from_user.id, rma=rma, approve=False, reason=message.text or ""
        )
    except _DECIDED as decided:  # decided by someone else while the reason was typed: nothing rejected
        await message.answer(domain_message(decided, html=True, timezone=settings.timezone))
    await state.clear()
    await _show(message, bot, uow, renderer, message.from_user.id, rma)
