"""The customer changes an order's delivery address: the text, then where it is, as at checkout."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, KeyboardButton, Message, ReplyKeyboardMarkup, ReplyKeyboardRemove
from aiogram.utils.i18n import gettext as _

from domain.customers import Customer
from domain.editing import OrderChanges
from domain.orders import Delivery, DeliveryMethod
from domain.ports import Clock, UnitOfWork
from domain.text import MAX_ADDRESS, without_direction_controls
from domain.usecases.editing import edit_order, order_to_edit
from handlers.callbacks import EditAddressCb
from handlers.catalog import reading_language
from handlers.context import ShopSettings
from handlers.order_edit import after_edit, wait_for_text
from handlers.views.pressed import pressed_in
from handlers.views.rendering import Renderer, fill

router = Router(name=__name__)


class EditingAddress(StatesGroup):
    address = State()
    location = State()  # where the new address is: the location shared before, a new one, or none


@router.callback_query(EditAddressCb.filter())
async def ask_address(
    query: CallbackQuery,
    callback_data: EditAddressCb,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    settings: ShopSettings,
    state: FSMContext,
) -> None:
    await order_to_edit(uow, clock, settings.edit_policy, code=callback_data.code, customer_id=customer.id or 0)
    await wait_for_text(query, state, EditingAddress.address, callback_data.code, callback_data.version)
    await pressed_in(query).answer(_("Send the new delivery address in one message (or /cancel)."))


@router.message(EditingAddress.address)
async def address_typed(
    message: Message, uow: UnitOfWork, clock: Clock, customer: Customer, settings: ShopSettings, state: FSMContext
) -> None:
    """The text, then the checkout's question: where is it? A location shared for the order is
    offered as "Same place": fixing a typo there keeps its price."""
    text = " ".join(without_direction_controls(message.text or "").split())
    if text.startswith("/"):
        await state.clear()
        await message.answer(_("The address stays as it was."))
        return
    if not text or len(text) > MAX_ADDRESS:
        await message.answer(_("Please send the address as text, up to {limit} characters.").format(limit=MAX_ADDRESS))
        return
    code = str((await state.get_data()).get("edit_code", ""))
    order = await order_to_edit(uow, clock, settings.edit_policy, code=code, customer_id=customer.id or 0)
    delivery = order.delivery
    point = delivery.point if delivery is not None and delivery.method is DeliveryMethod.COURIER else None
    await state.update_data(edit_address=text, edit_point=list(point) if point else None)
    await state.set_state(EditingAddress.location)
    await _ask_where(message, kept=point is not None)


async def _ask_where(message: Message, *, kept: bool, before: str = "") -> None:
    """Where the address is: a location, Skip, and Same place when one was shared (``kept``)."""
    rows = [[KeyboardButton(text=_("📍 Share location"), request_location=True)], [KeyboardButton(text=_("Skip"))]]
    question = _("Share your location for a precise delivery estimate, or press Skip.")
    if kept:
        rows.insert(0, [KeyboardButton(text=_("Same place"))])
        question = _(
            "Is it the same place as the location you shared? Press Same place to keep it and its price, "
            "share the new location, or press Skip."
        )
    keyboard = ReplyKeyboardMarkup(keyboard=rows, resize_keyboard=True, one_time_keyboard=True)
    await message.answer(f"{before}\n{question}" if before else question, reply_markup=keyboard)


def _answer(typed: str, kept: bool) -> str:
    """What was typed at "where is it?": "same", "skip", an "address", or "" (none of them)."""
    said = typed.strip().casefold()
    if kept and said == _("Same place").casefold():
        return "same"
    if said == _("Skip").casefold():
        return "skip"
    return "address" if 5 <= len(typed) <= MAX_ADDRESS else ""


@router.message(EditingAddress.location)
async def location_given(
    message: Message,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
    state: FSMContext,
    bot: Bot,
) -> None:
    """A location shared prices the new address by it, "Same place" by the one shared before,
    Skip as the checkout's does: without one (the national rate). An address typed instead is the
    address, asked where it is again; other text is asked again with a hint (it was taken as Skip)."""
    data = await state.get_data()
    if (message.text or "").startswith("/"):
        await state.clear()
        await message.answer(_("The address stays as it was."), reply_markup=ReplyKeyboardRemove())
        return
    kept = data.get("edit_point")
    text = " ".join(without_direction_controls(message.text or "").split())
    answer = _answer(text, bool(kept)) if message.location is None else "location"
    if answer in ("address", ""):
        before = _("To change the address, send it in full.")
        if answer == "address":
            await state.update_data(edit_address=text)
            before = fill(_("The address is now: {address}."), address=text)
        await _ask_where(message, kept=bool(kept), before=before)
        return
    await state.clear()
    if message.location is not None:
        point: tuple[float, float] | None = (message.location.latitude, message.location.longitude)
    elif answer == "same" and kept:
        point = (float(kept[0]), float(kept[1]))
    else:
        point = None
    delivery = Delivery(
        DeliveryMethod.COURIER,
        str(data.get("edit_address", "")),
        latitude=point[0] if point else None,
        longitude=point[1] if point else None,
    )
    outcome = await edit_order(
        uow,
        clock,
        settings.edit_policy,
        code=str(data.get("edit_code", "")),
        version=int(data.get("edit_version", -1)),
        changes=OrderChanges(delivery=delivery),
        customer_id=customer.id or 0,
        language=reading_language(),
    )
    await after_edit(outcome, message, bot, renderer, settings, ReplyKeyboardRemove())
