"""The customer's waiting parts of an order (backorders, preorders): when each is expected, cancelling one,
and answering a short pick."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from domain.backorders import NoSplit, NothingWaiting
from domain.customers import Customer
from domain.orders import OrderStatus
from domain.ports import Clock, UnitOfWork
from domain.shortages import ChoiceGone, ShortChoice
from domain.usecases.backorders import (
    WaitingPart,
    cancel_waiting_part,
    choose_split,
    short_question,
    split_offer,
    waiting_part_order,
    waiting_parts,
)
from domain.usecases.orders import CancelledAlready, NotCancellable
from domain.usecases.shortages import choose_short
from handlers.callbacks import BackorderCancelCb, BackorderListCb, BackorderSplitCb, OrderCb, ShortChoiceCb, button
from handlers.catalog import reading_language
from handlers.context import ShopSettings
from handlers.errors import domain_message
from handlers.views.notification_buttons import short_buttons
from handlers.views.pressed import pressed_in, show_in_place
from handlers.views.rendering import Renderer, shorten

router = Router(name=__name__)


def _keyboard(
    code: str, parts: list[WaitingPart], split: bool | None, question: list[ShortChoice]
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if question:  # the order waits for this answer: a part cancelled past it left the order held
        for row in short_buttons(code, [choice.value for choice in question]).inline_keyboard:
            builder.row(*row)
        builder.row(button(_("⬅ Back to the order"), OrderCb(code=code)))
        return builder.as_markup()
    if split is False:
        builder.button(text=_("🚚 Send what is here now"), callback_data=BackorderSplitCb(code=code, ship_now=True))
    elif split:
        builder.button(
            text=_("⏳ Wait and send it all together"), callback_data=BackorderSplitCb(code=code, ship_now=False)
        )
    for part in parts:
        text = _("✖ Cancel %(count)s × %(name)s") % {"count": part.backorder.quantity, "name": shorten(part.name, 30)}
        builder.button(text=text, callback_data=BackorderCancelCb(backorder_id=part.backorder.id or 0, confirmed=False))
    builder.button(text=_("⬅ Back to the order"), callback_data=OrderCb(code=code))
    builder.adjust(1)
    return builder.as_markup()


async def _show(
    query: CallbackQuery,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    renderer: Renderer,
    code: str,
    asking: InlineKeyboardMarkup | None = None,
) -> None:
    """The order's waiting parts as they are now; ``asking``: under them, a question instead of their buttons."""
    parts = await waiting_parts(uow, clock, customer_id=customer.id or 0, code=code, language=reading_language())
    question = await short_question(uow, customer_id=customer.id or 0, code=code)
    split = await split_offer(uow, customer_id=customer.id or 0, code=code) if parts and not question else None
    text = renderer.render("backorders.html.j2", code=code, parts=parts, split=split, question=question)
    await show_in_place(query, text, asking or _keyboard(code, parts, split, question))


@router.callback_query(BackorderListCb.filter())
async def show_waiting(
    query: CallbackQuery,
    callback_data: BackorderListCb,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    renderer: Renderer,
) -> None:
    await query.answer()
    await _show(query, uow, clock, customer, renderer, callback_data.code)


@router.callback_query(BackorderCancelCb.filter(F.confirmed.is_(False)))
async def ask_cancel_waiting(
    query: CallbackQuery,
    callback_data: BackorderCancelCb,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    renderer: Renderer,
) -> None:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Yes, I no longer want it"),
        callback_data=BackorderCancelCb(backorder_id=callback_data.backorder_id, confirmed=True),
    )
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=builder.as_markup())
        return
    # Too old to edit: the screen as it is now comes below, asking there.
    code = await waiting_part_order(uow, customer_id=customer.id or 0, backorder_id=callback_data.backorder_id)
    if code is not None:
        await _show(query, uow, clock, customer, renderer, code, asking=builder.as_markup())


@router.callback_query(BackorderCancelCb.filter(F.confirmed.is_(True)))
async def cancel_waiting(
    query: CallbackQuery,
    callback_data: BackorderCancelCb,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
) -> None:
    try:
        order, units = await cancel_waiting_part(
            uow,
            clock,
            customer_id=customer.id or 0,
            backorder_id=callback_data.backorder_id,
            staff_chat_id=settings.staff_chat_id,
        )
    except (NothingWaiting, NotCancellable, CancelledAlready) as late:
        # The order changed while the screen was open (the part arrived, a picker started it):
        # said, and the screen drawn again as the order is now, its stale buttons gone.
        await query.answer(domain_message(late, html=False, timezone=settings.timezone), show_alert=True)
        await _show_again(query, uow, clock, customer, renderer, callback_data.backorder_id)
        return
    await query.answer(_("Cancelled: %(count)s no longer awaited.") % {"count": units}, show_alert=True)
    await _show(query, uow, clock, customer, renderer, order.code)


async def _show_again(
    query: CallbackQuery, uow: UnitOfWork, clock: Clock, customer: Customer, renderer: Renderer, backorder_id: int
) -> None:
    code = await waiting_part_order(uow, customer_id=customer.id or 0, backorder_id=backorder_id)
    if code is not None:
        await _show(query, uow, clock, customer, renderer, code)


@router.callback_query(BackorderSplitCb.filter())
async def choose(
    query: CallbackQuery,
    callback_data: BackorderSplitCb,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    renderer: Renderer,
    settings: ShopSettings,
) -> None:
    try:
        await choose_split(uow, customer_id=customer.id or 0, code=callback_data.code, ship_now=callback_data.ship_now)
    except NoSplit as late:
        await query.answer(domain_message(late, html=False, timezone=settings.timezone), show_alert=True)
    else:
        chosen = (
            _("What is here will be sent now, the rest later.")
            if callback_data.ship_now
            else _("It will all be sent together.")
        )
        await query.answer(chosen)
    await _show(query, uow, clock, customer, renderer, callback_data.code)


@router.callback_query(ShortChoiceCb.filter())
async def answer_short(
    query: CallbackQuery,
    callback_data: ShortChoiceCb,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    settings: ShopSettings,
) -> None:
    choice = callback_data.choice
    try:
        order = await choose_short(
            uow,
            clock,
            customer_id=customer.id or 0,
            code=callback_data.code,
            choice=choice,
            staff_chat_id=settings.staff_chat_id,
        )
    except ChoiceGone as gone:
        await query.answer(domain_message(gone, html=False, timezone=settings.timezone), show_alert=True)
        return
    chosen = {
        ShortChoice.SPLIT: _("What is here will be sent now; the rest follows in a second parcel when it arrives."),
        ShortChoice.WAIT: _("We will wait for the missing part and send everything together."),
        ShortChoice.CANCEL: _("The missing part is cancelled; we are sending the rest."),
    }[choice]
    if order.status is OrderStatus.CANCELLED:
        chosen = _("Nothing of order %(code)s was left to send, so it is cancelled.") % {"code": order.code}
    await query.answer(chosen, show_alert=True)
    if isinstance(query.message, Message):  # its buttons gone; one too old to edit keeps them, refused if pressed
        await query.message.edit_reply_markup(reply_markup=None)
    await pressed_in(query).answer(chosen)
