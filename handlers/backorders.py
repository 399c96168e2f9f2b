"""The customer's waiting parts of an order (backorders, preorders): when each is expected, and cancelling one."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from domain.backorders import NothingWaiting
from domain.customers import Customer
from domain.ports import Clock, UnitOfWork
from domain.usecases.backorders import WaitingPart, cancel_waiting_part, waiting_parts
from handlers.callbacks import BackorderCancelCb, BackorderListCb, OrderCb
from handlers.context import ShopSettings
from handlers.views.rendering import Renderer, shorten

router = Router(name=__name__)


def _keyboard(code: str, parts: list[WaitingPart]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for part in parts:
        text = _("✖ Cancel %(count)s × %(name)s") % {"count": part.backorder.quantity, "name": shorten(part.name, 30)}
        builder.button(text=text, callback_data=BackorderCancelCb(backorder_id=part.backorder.id or 0, confirmed=False))
    builder.button(text=_("⬅ Back to the order"), callback_data=OrderCb(code=code))
    builder.adjust(1)
    return builder.as_markup()


async def _show(
    query: CallbackQuery, uow: UnitOfWork, clock: Clock, customer: Customer, renderer: Renderer, code: str
) -> None:
    parts = await waiting_parts(uow, clock, customer_id=customer.id or 0, code=code)
    if isinstance(query.message, Message):
        text = renderer.render("backorders.html.j2", code=code, parts=parts)
        await query.message.edit_text(text, reply_markup=_keyboard(code, parts))


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
async def ask_cancel_waiting(query: CallbackQuery, callback_data: BackorderCancelCb) -> None:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Yes, I no longer want it"),
        callback_data=BackorderCancelCb(backorder_id=callback_data.backorder_id, confirmed=True),
    )
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=builder.as_markup())


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
    except NothingWaiting as gone:
        await query.answer(_(gone.key), show_alert=True)
        return
    await query.answer(_("Cancelled: %(count)s no longer awaited.") % {"count": units}, show_alert=True)
    await _show(query, uow, clock, customer, renderer, order.code)
