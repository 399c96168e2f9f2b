"""/pick — picking rounds for pickers: choose single, batch, zone or wave; then each line
shows bin, item, quantity and tote, and is confirmed by sending the SKU or barcode (or a
photo of the barcode). "Short pick" reports a bin holding fewer than needed."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.rendering import Renderer
from domain.errors import InvalidQuantity
from domain.picking import PickMethod
from domain.ports import Clock
from domain.usecases.fulfilment import (
    PickRound,
    confirm_pick,
    current_round,
    picking_zones,
    report_short,
    start_round,
)
from handlers.callbacks import PickShortCb, PickStartCb
from handlers.scanning import code_in_photo
from storage.uow import SqlUnitOfWork

router = Router(name=__name__)

METHOD_LABELS = {
    PickMethod.SINGLE: "1️⃣",
    PickMethod.BATCH: "🧺",
    PickMethod.ZONE: "🗺",
    PickMethod.WAVE: "🌊",
}


class Picking(StatesGroup):
    scanning = State()
    short = State()


def _method_keyboard() -> InlineKeyboardMarkup:
    names = {
        PickMethod.SINGLE: _("Single order"),
        PickMethod.BATCH: _("Batch of orders"),
        PickMethod.ZONE: _("My zone"),
        PickMethod.WAVE: _("Wave"),
    }
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=f"{METHOD_LABELS[m]} {names[m]}", callback_data=PickStartCb(method=m).pack())]
            for m in PickMethod
        ]
    )


async def show_step(target: Message, current: PickRound, renderer: Renderer, state: FSMContext) -> None:
    """The next line of the round, or the round's summary when it is over."""
    line = current.pick_list.next_line
    if line is None:
        await state.clear()
        await target.answer(renderer.render("staff/pick_done.html.j2", round=current))
        return
    await state.set_state(Picking.scanning)
    position, total = current.position()
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=_("⚠️ Short pick"), callback_data=PickShortCb(line_id=line.id or 0).pack())]
        ]
    )
    await target.answer(
        renderer.render(
            "staff/pick_step.html.j2",
            round=current,
            line=line,
            product=current.products[line.product_id],
            order=current.orders.get(line.order_id),
            position=position,
            total=total,
        ),
        reply_markup=keyboard,
    )


def _staff_id(event: Message | CallbackQuery) -> int:
    assert event.from_user is not None
    return event.from_user.id


@router.message(Command("pick"))
async def pick(message: Message, uow: SqlUnitOfWork, renderer: Renderer, state: FSMContext) -> None:
    current = await current_round(uow, staff_id=_staff_id(message))
    if current is not None:
        await show_step(message, current, renderer, state)
        return
    await message.answer(_("How do you want to pick?"), reply_markup=_method_keyboard())


@router.callback_query(PickStartCb.filter())
async def pick_method_chosen(
    query: CallbackQuery,
    callback_data: PickStartCb,
    uow: SqlUnitOfWork,
    clock: Clock,
    renderer: Renderer,
    state: FSMContext,
) -> None:
    method = PickMethod(callback_data.method)
    assert isinstance(query.message, Message)
    if method is PickMethod.ZONE and not callback_data.zone:
        warehouse = await picking_zones(uow, staff_id=_staff_id(query))
        buttons = [
            [InlineKeyboardButton(text=zone, callback_data=PickStartCb(method=method, zone=zone).pack())]
            for zone in warehouse.zones
        ]
        await query.answer()
        await query.message.answer(
            _("Which zone are you picking in?"), reply_markup=InlineKeyboardMarkup(inline_keyboard=buttons)
        )
        return
    current = await start_round(uow, clock, staff_id=_staff_id(query), method=method, zone=callback_data.zone or None)
    await query.answer()
    await show_step(query.message, current, renderer, state)


@router.message(StateFilter(Picking.scanning), F.text, ~F.text.startswith("/"))
async def scanned_text(
    message: Message, uow: SqlUnitOfWork, clock: Clock, renderer: Renderer, state: FSMContext
) -> None:
    parts = (message.text or "").split()
    quantity = 1
    if len(parts) == 2:
        if not parts[1].isdecimal() or int(parts[1]) < 1:
            raise InvalidQuantity(maximum=9999)
        quantity = int(parts[1])
    current = await confirm_pick(uow, clock, staff_id=_staff_id(message), scanned=parts[0], quantity=quantity)
    await show_step(message, current, renderer, state)


@router.message(StateFilter(Picking.scanning), F.photo)
async def scanned_photo(
    message: Message, bot: Bot, uow: SqlUnitOfWork, clock: Clock, renderer: Renderer, state: FSMContext
) -> None:
    code = await code_in_photo(bot, message)
    if code is None:
        return
    current = await confirm_pick(uow, clock, staff_id=_staff_id(message), scanned=code)
    await show_step(message, current, renderer, state)


@router.callback_query(PickShortCb.filter())
async def short_pressed(query: CallbackQuery, state: FSMContext) -> None:
    await state.set_state(Picking.short)
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.answer(_("How many did you find in the bin? Send a number (0 if none)."))


@router.message(StateFilter(Picking.short), F.text, ~F.text.startswith("/"))
async def short_counted(
    message: Message, uow: SqlUnitOfWork, clock: Clock, renderer: Renderer, state: FSMContext, settings: Settings
) -> None:
    text = (message.text or "").strip()
    if not text.isdecimal():
        raise InvalidQuantity(maximum=9999)
    current = await report_short(
        uow, clock, staff_id=_staff_id(message), found=int(text), staff_chat_id=settings.staff_chat_id
    )
    for order in current.held:
        await message.answer(_("Order {code} is on hold for the shortage; managers were told.").format(code=order.code))
    await show_step(message, current, renderer, state)
