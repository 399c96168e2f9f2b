"""/edit CODE — staff change an order before picking: its lines, address or delivery method; /cancelorder CODE."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from domain.editing import MAX_EDIT_QUANTITY, BadEditQuantity, OrderChanges
from domain.orders import Delivery, DeliveryMethod, OrderStatus, normalize_order_code
from domain.ports import Clock, UnitOfWork
from domain.text import MAX_ADDRESS, without_direction_controls
from domain.usecases.editing import EditOutcome, edit_order, order_to_edit
from domain.usecases.orders import cancel_for_customer
from domain.usecases.paylinks import payment_link
from handlers.callbacks import EditAddCb, EditLineCb, rows_of
from handlers.catalog import reading_language
from handlers.context import ShopSettings
from handlers.order_edit import (
    edit_keyboard,
    edit_pressed,
    edit_screen,
    outcome_text,
    product_choices,
    typed_search,
    wait_for_text,
)
from handlers.paylinks import invoice_links
from handlers.views.pressed import Target, pressed_in, show_in_place
from handlers.views.rendering import Renderer, fill, format_money, format_number

router = Router(name=__name__)
SEEN = "edit_seen"  # FSM data: order code → the version this staff member last saw


class StaffEditing(StatesGroup):
    product = State()  # what to add: an SKU or name, then the quantity if more than one


async def _seen(state: FSMContext, code: str) -> int | None:
    value = (await state.get_data()).get(SEEN, {}).get(code)
    return int(value) if value is not None else None


async def _remember(state: FSMContext, code: str, version: int) -> None:
    seen = dict((await state.get_data()).get(SEEN, {}))
    seen[code] = version
    await state.update_data({SEEN: dict(list(seen.items())[-20:])})


def _changes(words: list[str], point: tuple[float, float] | None) -> OrderChanges | None:
    """``SKU QUANTITY`` · ``address TEXT`` / ``courier TEXT`` (at ``point``, the location the customer
    shared: a corrected street or flat is the same place, at its price) · ``elsewhere TEXT`` (a
    different place, no location: the national rate) · ``pickup WAREHOUSE``; None: not understood."""
    what, rest = words[0].lower(), without_direction_controls(" ".join(words[1:])).strip()
    if what in ("address", "courier", "elsewhere"):
        if not rest or len(rest) > MAX_ADDRESS:
            return None
        at = point if what != "elsewhere" else None
        latitude, longitude = at if at else (None, None)
        return OrderChanges(delivery=Delivery(DeliveryMethod.COURIER, rest, latitude=latitude, longitude=longitude))
    if what == "pickup":
        return OrderChanges(pickup_code=rest) if rest and len(words) == 2 else None
    if len(words) != 2 or not words[1].isdecimal():
        return None
    if len(words[1]) > len(str(MAX_EDIT_QUANTITY)):
        raise BadEditQuantity(maximum=MAX_EDIT_QUANTITY)
    return OrderChanges(by_sku=((words[0], int(words[1])),))


def _usage() -> str:
    return _(
        "Usage: /edit ORDER-CODE, then SKU QUANTITY · address TEXT (the same place) · "
        "elsewhere TEXT (a different place: the national rate) · courier TEXT · pickup WAREHOUSE"
    )


@router.message(Command("edit"))
async def edit_command(
    message: Message,
    command: CommandObject,
    uow: UnitOfWork,
    clock: Clock,
    settings: ShopSettings,
    renderer: Renderer,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
) -> None:
    assert message.from_user is not None
    staff_id = message.from_user.id
    words = (command.args or "").split()
    if not words:
        await message.answer(_usage())
        return
    code = normalize_order_code(words[0])
    if len(words) == 1:
        order = await order_to_edit(uow, clock, settings.edit_policy, code=code, staff_id=staff_id)
        await _remember(state, order.code, order.version)
        await message.answer(
            edit_screen(order, renderer, settings, staff=True), reply_markup=edit_keyboard(order, staff=True)
        )
        return
    current = await order_to_edit(uow, clock, settings.edit_policy, code=code, staff_id=staff_id)
    shared = current.delivery.point if current.delivery is not None else None
    changes = _changes(words[1:], shared)
    if changes is None:
        await message.answer(_usage())
        return
    version = await _seen(state, code)
    if version is None:  # they did not open the order first: they edit it as it is now
        version = current.version
    outcome = await edit_order(
        uow,
        clock,
        settings.edit_policy,
        code=code,
        version=version,
        changes=changes,
        staff_id=staff_id,
        language=reading_language(),
    )
    await _remember(state, outcome.order.code, outcome.order.version)
    text = outcome_text(outcome, renderer, editor=message.from_user.full_name)
    if changes.delivery is not None and changes.delivery.point is not None:
        kept = _(
            "📍 The location the customer shared is kept, and its delivery price. "
            "A different place: /edit {code} elsewhere ADDRESS (the national rate)."
        )
        text += "\n\n" + fill(kept, code=outcome.order.code)
    await message.answer(text)
    await _collect(message, outcome, uow, clock, bot, i18n, settings, staff_id)


@router.callback_query(EditLineCb.filter(F.staff.is_(True)))
@router.callback_query(EditAddCb.filter((F.product_id > 0) & F.staff.is_(True)))
async def change_line(
    query: CallbackQuery,
    callback_data: EditLineCb | EditAddCb,
    uow: UnitOfWork,
    clock: Clock,
    settings: ShopSettings,
    renderer: Renderer,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
) -> None:
    """A line's ➖/➕/🗑, or a product chosen to add: the same guarded edit as the customer's
    (stock re-held all or nothing, priced by their list, the difference owed or to collect).
    Pressed on a screen the order has moved on from: said so, nothing changed, the screen redrawn."""
    page = callback_data.page if isinstance(callback_data, EditLineCb) else 0
    step = isinstance(callback_data, EditLineCb)  # a quantity typed for a product added is exact
    outcome = await edit_pressed(
        query, callback_data, uow, clock, settings, renderer, step=step, staff_id=query.from_user.id
    )
    if not isinstance(outcome, EditOutcome):
        await _remember(state, outcome.code, outcome.version)
        return
    order = outcome.order
    await _remember(state, order.code, order.version)
    await query.answer(_("Order {code} is changed.").format(code=order.code))
    keyboard = edit_keyboard(order, staff=True, page=page)
    # a screen shown days ago cannot be edited: the order as it now is comes as a new message
    await show_in_place(query, edit_screen(order, renderer, settings, staff=True, page=page), keyboard)
    await pressed_in(query).answer(outcome_text(outcome, renderer, editor=query.from_user.full_name))
    await _collect(pressed_in(query), outcome, uow, clock, bot, i18n, settings, query.from_user.id)


async def _collect(
    chat: Target,
    outcome: EditOutcome,
    uow: UnitOfWork,
    clock: Clock,
    bot: Bot,
    i18n: I18n,
    settings: ShopSettings,
    staff_id: int,
) -> None:
    """A paid card order that now costs more: the customer was asked in their chat (a button
    on the change they were told of); staff get a payment link for it too, to send wherever
    the customer is. Paying both records one payment (the second is owed back)."""
    links = invoice_links(bot, i18n, settings.payment_provider_token)
    if not outcome.settlement.charge.amount or links is None:
        return
    link = await payment_link(uow, clock, links, code=outcome.order.code, staff_id=staff_id, tell_customer=False)
    sentence = _("💳 Link to pay the {amount} difference on order {code}:\n{url}")
    await chat.answer(fill(sentence, amount=format_money(link.due), code=link.order.code, url=link.url))


@router.callback_query(EditAddCb.filter((F.product_id == 0) & F.staff.is_(True)))
async def ask_product(
    query: CallbackQuery,
    callback_data: EditAddCb,
    uow: UnitOfWork,
    clock: Clock,
    settings: ShopSettings,
    state: FSMContext,
) -> None:
    order = await order_to_edit(uow, clock, settings.edit_policy, code=callback_data.code, staff_id=query.from_user.id)
    await wait_for_text(query, state, StaffEditing.product, order.code, callback_data.version)
    await pressed_in(query).answer(
        fill(
            _("What should be added to order {code}? Send an SKU or name, then the quantity (or /cancel)."),
            code=order.code,
        )
    )


def _quantity(text: str) -> tuple[str, int]:
    """``popcorn 15`` → ("popcorn", 15); without a number at the end, one unit."""
    words = text.split()
    if len(words) > 1 and words[-1].isdecimal():
        units = int(words[-1]) if len(words[-1]) <= len(str(MAX_EDIT_QUANTITY)) else 0
        if not 1 <= units <= MAX_EDIT_QUANTITY:
            raise BadEditQuantity(maximum=MAX_EDIT_QUANTITY)
        return " ".join(words[:-1]), units
    return text, 1


@router.message(StaffEditing.product)
async def offer_products(
    message: Message, uow: UnitOfWork, clock: Clock, settings: ShopSettings, state: FSMContext
) -> None:
    """The products matching the SKU or name typed, one button each adding the quantity typed."""
    assert message.from_user is not None
    text = await typed_search(message, state)
    if text is None:
        return
    data = await state.get_data()
    code, version = str(data.get("edit_code", "")), int(data.get("edit_version", -1))
    order = await order_to_edit(uow, clock, settings.edit_policy, code=code, staff_id=message.from_user.id)
    # A name may end in a number ("iPhone 15"): the whole text is a product's name first, and
    # only when nothing is called that is its last number the quantity.
    units = 1
    buttons = await product_choices(uow, order, version, text, settings, units=units, staff=True)
    if buttons is None and (split := _quantity(text))[0] != text:
        search, units = split
        buttons = await product_choices(uow, order, version, search, settings, units=units, staff=True)
    if buttons is None:
        await message.answer(_("Nothing matches that. Send another name or SKU, or /cancel."))
        return
    await state.set_state(None)  # what they last saw stays remembered
    await message.answer(
        fill(_("Tap a product to add {count} to order {code}:"), count=format_number(units), code=order.code),
        reply_markup=rows_of(*buttons),
    )


@router.message(Command("cancelorder"))
async def cancel_order(
    message: Message, command: CommandObject, uow: UnitOfWork, clock: Clock, settings: ShopSettings
) -> None:
    """``/cancelorder CODE``: the order cancelled for its customer (before picking), as they could; a manager's
    mid-pick or on hold after a short pick too (``cancel_for_customer``)."""
    assert message.from_user is not None
    code = (command.args or "").strip()
    if not code or len(code.split()) > 1:
        await message.answer(
            _(
                "Usage: /cancelorder ORDER-CODE — cancel an order for its customer: before picking (or on hold before "
                "it); a manager also while it is being picked or on hold after a short pick, its pickers told what to "
                "put back."
            )
        )
        return
    order, refund = await cancel_for_customer(
        uow, clock, staff_id=message.from_user.id, code=code, staff_chat_id=settings.staff_chat_id
    )
    text = fill(_("✖ Order {code} is cancelled: its stock is back, and the customer is told."), code=order.code)
    if order.history and order.history[-1].from_status is OrderStatus.PICKING:
        text += "\n" + _("Its picker is told which items to put back into which bins; the rest of the round goes on.")
    elif order.history and order.history[-1].from_status is OrderStatus.ON_HOLD:  # held mid-pick, for a short
        text += "\n" + _(
            "It was on hold for a short pick: its missing part waits no more, and its pickers are told which items to "
            "put back into which bins."
        )
    if refund is not None:
        text += "\n" + fill(
            _("The customer is owed {amount}: it waits in /refunds until a manager pays it back."),
            amount=format_money(refund),
        )
    await message.answer(text)
