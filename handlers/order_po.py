"""Correcting a placed order's PO number: the button on the buyer's order screen or staff's /order, then the number."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.customers import Customer
from domain.orders import MAX_REFERENCE, order_reference
from domain.ports import Clock, UnitOfWork
from domain.usecases.order_reference import change_my_order_reference, change_order_reference
from handlers.callbacks import PoEditCb
from handlers.views.pressed import pressed_in
from handlers.views.rendering import fill

router = Router(name=__name__)


class OrderPo(StatesGroup):
    typing = State()


@router.callback_query(PoEditCb.filter())
async def po_edit_asked(query: CallbackQuery, callback_data: PoEditCb, state: FSMContext) -> None:
    """Whether it may still change is decided when the number comes (the order may ship meanwhile)."""
    await state.set_state(OrderPo.typing)
    await state.update_data(po_code=callback_data.code, po_staff=bool(callback_data.staff))
    await query.answer()
    text = _(
        "Type the new purchase order number for order {code} (up to {n} characters): invoices and packing "
        "slips printed from now on carry it. Or /skip to remove it."
    )
    await pressed_in(query).answer(fill(text, code=callback_data.code, n=MAX_REFERENCE))


@router.message(StateFilter(OrderPo.typing), Command("skip"))
@router.message(StateFilter(OrderPo.typing), F.text, ~F.text.startswith("/"))
async def po_edit_typed(message: Message, state: FSMContext, uow: UnitOfWork, clock: Clock, customer: Customer) -> None:
    """Too long is refused with the limit and the step stays; anything else ends it."""
    assert message.from_user is not None
    text = message.text or ""
    typed = "" if text.startswith("/") else order_reference(text)
    data = await state.get_data()
    code, staff = str(data.get("po_code", "")), bool(data.get("po_staff"))
    await state.clear()
    if staff:
        order, was = await change_order_reference(uow, clock, staff_id=message.from_user.id, code=code, reference=typed)
    else:
        order, was = await change_my_order_reference(
            uow, clock, customer_id=customer.id or 0, code=code, reference=typed
        )
    if order.reference == was:
        await message.answer(fill(_("Order {code} keeps its PO number; nothing was changed."), code=order.code))
    elif order.reference:
        reply = _("Order {code}: PO number {reference}. Invoices and packing slips printed from now on carry it.")
        await message.answer(fill(reply, code=order.code, reference=order.reference))
    else:
        await message.answer(fill(_("Order {code} has no PO number now."), code=order.code))
