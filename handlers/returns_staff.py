"""Returns for staff (support, managers): /returns lists open requests by age; /rma CODE
shows one with its photos and the next step as buttons — approve or reject (with a
reason), received, restock or write off each line, then refund or send the replacement."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from domain.orders import ReturnMovedOn, ReturnStatus
from domain.ports import Clock, UnitOfWork
from domain.returns import NotInspected, ReturnKind, ReturnRequest
from domain.usecases.return_handling import (
    ApprovedAlready,
    DecidedAlready,
    RejectedAlready,
    check_undecided,
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
from handlers.views.pressed import Target, show_in_place
from handlers.views.rendering import Renderer

router = Router(name=__name__)
_DECIDED = (ApprovedAlready, RejectedAlready, DecidedAlready)
# A step pressed after the return moved on (another's press, an older screen): said, and the screen redrawn as it is.
_MOVED_ON = (*_DECIDED, ReturnMovedOn, NotInspected)
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


async def _screen(
    uow: UnitOfWork, renderer: Renderer, staff_id: int, rma: str
) -> tuple[str, InlineKeyboardMarkup | None, list[str]]:
    """The request and its next step as buttons; the customer's photos, which only its first showing sends."""
    detail = await return_detail(uow, staff_id=staff_id, rma=rma)
    request = detail.request
    text = renderer.render(
        "staff/rma.html.j2",
        request=request.named_in(current_locale(), detail.order),
        order=detail.order,
        refund_paid=detail.refund_paid,
        can_pay_back=detail.can_pay_back,  # a role without the button is told who records it
        parcels=detail.parcels,
    )
    return text, _keyboard(request, detail.refund_paid, detail.can_pay_back), list(request.photos)


async def _show(
    target: Target, bot: Bot, uow: UnitOfWork, renderer: Renderer, staff_id: int, rma: str, photos: bool = False
) -> None:
    """The request, as a new message (opened by /rma, or after a typed reason); the customer's photos first only when
    it is opened (sent again after a reason, they filled the chat with what the staff member had just seen)."""
    text, keyboard, sent = await _screen(uow, renderer, staff_id, rma)
    for photo in sent if photos else []:
        await bot.send_photo(target.chat.id, photo)
    await target.answer(text, reply_markup=keyboard)


async def _redraw(query: CallbackQuery, uow: UnitOfWork, renderer: Renderer, rma: str) -> None:
    """The pressed screen shows the request as it stands now, in place (one too old to edit: below)."""
    text, keyboard, _photos = await _screen(uow, renderer, query.from_user.id, rma)
    await show_in_place(query, text, keyboard)


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
    uow: UnitOfWork,
    clock: Clock,
    renderer: Renderer,
    state: FSMContext,
    settings: ShopSettings,
) -> None:
    """Each step changes the pressed screen in place, as the bot's other screens do: sent anew, a return handled in
    five steps left five screens, the older ones' buttons still live."""
    rma = callback_data.rma
    try:
        told = await _step(query, callback_data, _Desk(uow, clock, renderer, state, settings))
    except _MOVED_ON as moved:  # another's press, or an older screen: who did what, and the screen as it is now
        await query.answer(domain_message(moved, html=False, timezone=settings.timezone), show_alert=True)
        await _redraw(query, uow, renderer, rma)
        return
    if told is None:  # the step asked its question in place of the screen
        return
    await query.answer(told or None)
    await _redraw(query, uow, renderer, rma)


@dataclass(frozen=True, slots=True)
class _Desk:
    """What a step of a return is done with: the handler's dependencies, passed on as one."""

    uow: UnitOfWork
    clock: Clock
    renderer: Renderer
    state: FSMContext
    settings: ShopSettings


async def _step(query: CallbackQuery, callback_data: RmaCb, desk: _Desk) -> str | None:
    """The step pressed, done: what to tell the one who pressed ("" for nothing), or None where it asked a question
    in place of the screen (a rejection's reason) and answered the press itself."""
    staff_id, rma, action = query.from_user.id, callback_data.rma, callback_data.action
    uow, clock, renderer, state = desk.uow, desk.clock, desk.renderer, desk.state
    if action == "reject":
        await check_undecided(uow, staff_id=staff_id, rma=rma)  # no reason asked of a return decided already
        await query.answer()
        back = InlineKeyboardButton(text=_("⬅ Back"), callback_data=RmaCb(rma=rma, action="back").pack())
        why = _("Why is it rejected? The customer will read your answer.")
        # Above the return, not instead of it: alone, two returns' questions read the same and the staff member
        # answered without the customer's words in sight. First, so a long return shortened keeps the question.
        details, _markup, _photos = await _screen(uow, renderer, staff_id, rma)
        asked = await show_in_place(query, f"{why}\n\n{details}", InlineKeyboardMarkup(inline_keyboard=[[back]]))
        await _unask(query, uow, renderer, await state.get_data(), asked)
        await state.set_state(Rejecting.reason)
        await state.update_data(rma=rma, asked=asked)
        return None
    if action == "approve":
        await decide_return(uow, clock, staff_id=staff_id, rma=rma, approve=True)
    elif action == "received":
        await mark_received(uow, clock, staff_id=staff_id, rma=rma)
    elif action in ("restock", "writeoff"):
        inspected = await inspect_line(
            uow, clock, staff_id=staff_id, rma=rma, line_id=callback_data.line_id, restock=action == "restock"
        )
        if inspected.warehouse:  # which shelf it goes on
            return _("↩️ Back in stock at {warehouse}, bin {bin}.").format(
                warehouse=inspected.warehouse, bin=inspected.bin_code
            )
    elif action in ("resolve", "refund_instead"):
        instead = action == "refund_instead"
        policy = desk.settings.checkout_policy
        await resolve_return(uow, clock, staff_id=staff_id, rma=rma, policy=policy, refund_instead=instead)
    elif action == "refund_paid":
        await confirm_refund(uow, clock, staff_id=staff_id, rma=rma)
    elif action == "back" and (await state.get_data()).get("rma") == rma:  # no reason to reject after all
        await state.clear()
    return ""


async def _unask(query: CallbackQuery, uow: UnitOfWork, renderer: Renderer, data: dict[str, object], now: int) -> None:
    """A reason asked before (``data``) and not answered: only the question asked last (``now``) takes the reason
    typed, so the earlier one is its return's screen again (left with its ⬅ Back, it read as waiting, and a reason
    typed for it rejected the other return)."""
    rma, asked = data.get("rma"), data.get("asked")
    if not isinstance(rma, str) or not isinstance(asked, int) or asked == now or query.bot is None:
        return
    text, keyboard, _photos = await _screen(uow, renderer, query.from_user.id, rma)
    with suppress(TelegramBadRequest):  # deleted, or too old to edit: nothing left there to answer
        chat = query.message.chat.id if query.message else query.from_user.id  # the state's chat: the pressed one's
        await query.bot.edit_message_text(text, chat_id=chat, message_id=asked, reply_markup=keyboard)


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
    """The reason typed: the question it answers keeps its words but not its button, and the return comes below the
    answer as it stands (rejected, or decided by someone else meanwhile)."""
    assert message.from_user is not None and message.bot is not None
    data = await state.get_data()
    rma, asked = data["rma"], data.get("asked")  # a question asked before a deploy that kept no id: none to tidy
    try:
        await decide_return(
            uow, clock, staff_id=message.from_user.id, rma=rma, approve=False, reason=message.text or ""
        )
    except _DECIDED as decided:  # decided by someone else while the reason was typed: nothing rejected
        await message.answer(domain_message(decided, html=True, timezone=settings.timezone))
    await state.clear()
    if asked is not None:
        with suppress(TelegramBadRequest):  # deleted meanwhile: nothing left to tidy
            await message.bot.edit_message_reply_markup(chat_id=message.chat.id, message_id=asked, reply_markup=None)
    await _show(message, bot, uow, renderer, message.from_user.id, rma)
