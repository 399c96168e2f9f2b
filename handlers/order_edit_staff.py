"""/edit CODE — staff change an order before picking: its lines, address or delivery method."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.editing import BadEditQuantity, LineChange, OrderChanges
from domain.orders import Delivery, DeliveryMethod, normalize_order_code
from domain.ports import Clock, UnitOfWork
from domain.usecases.editing import edit_order, order_to_edit
from handlers.callbacks import EditLineCb
from handlers.context import ShopSettings
from handlers.order_edit import MAX_ADDRESS, edit_keyboard, edit_screen, outcome_text
from handlers.views.rendering import Renderer

router = Router(name=__name__)
SEEN = "edit_seen"  # FSM data: order code → the version this staff member last saw


async def _seen(state: FSMContext, code: str) -> int | None:
    value = (await state.get_data()).get(SEEN, {}).get(code)
    return int(value) if value is not None else None


async def _remember(state: FSMContext, code: str, version: int) -> None:
    seen = dict((await state.get_data()).get(SEEN, {}))
    seen[code] = version
    await state.update_data({SEEN: dict(list(seen.items())[-20:])})


def _changes(words: list[str]) -> OrderChanges | None:
    """``SKU QUANTITY`` · ``address TEXT`` / ``courier TEXT`` · ``pickup WAREHOUSE``; None: not understood."""
    what, rest = words[0].lower(), " ".join(words[1:])
    if what in ("address", "courier"):
        if not rest or len(rest) > MAX_ADDRESS:
            return None
        return OrderChanges(delivery=Delivery(DeliveryMethod.COURIER, rest))
    if what == "pickup":
        return OrderChanges(pickup_code=rest) if rest and len(words) == 2 else None
    if len(words) != 2 or not words[1].isdigit():
        return None
    if len(words[1]) > 4:
        raise BadEditQuantity(maximum=999)
    return OrderChanges(by_sku=((words[0], int(words[1])),))


@router.message(Command("edit"))
async def edit_command(
    message: Message,
    command: CommandObject,
    uow: UnitOfWork,
    clock: Clock,
    settings: ShopSettings,
    renderer: Renderer,
    state: FSMContext,
) -> None:
    assert message.from_user is not None
    staff_id = message.from_user.id
    words = (command.args or "").split()
    if not words:
        await message.answer(_("Usage: /edit ORDER-CODE, then SKU QUANTITY · address TEXT · pickup WAREHOUSE"))
        return
    code = normalize_order_code(words[0])
    if len(words) == 1:
        order = await order_to_edit(uow, clock, settings.edit_policy, code=code, staff_id=staff_id)
        await _remember(state, order.code, order.version)
        await message.answer(
            edit_screen(order, renderer, settings, staff=True), reply_markup=edit_keyboard(order, staff=True)
        )
        return
    changes = _changes(words[1:])
    if changes is None:
        await message.answer(_("Usage: /edit ORDER-CODE, then SKU QUANTITY · address TEXT · pickup WAREHOUSE"))
        return
    version = await _seen(state, code)
    if version is None:  # they did not open the order first: they edit it as it is now
        version = (await order_to_edit(uow, clock, settings.edit_policy, code=code, staff_id=staff_id)).version
    outcome = await edit_order(
        uow, clock, settings.edit_policy, code=code, version=version, changes=changes, staff_id=staff_id
    )
    await _remember(state, outcome.order.code, outcome.order.version)
    await message.answer(outcome_text(outcome, renderer, actor=f"staff:{staff_id}"))


@router.callback_query(EditLineCb.filter(F.staff.is_(True)))
async def change_line(
    query: CallbackQuery,
    callback_data: EditLineCb,
    uow: UnitOfWork,
    clock: Clock,
    settings: ShopSettings,
    renderer: Renderer,
    state: FSMContext,
) -> None:
    outcome = await edit_order(
        uow,
        clock,
        settings.edit_policy,
        code=callback_data.code,
        version=callback_data.version,
        changes=OrderChanges((LineChange(callback_data.product_id, callback_data.quantity),)),
        staff_id=query.from_user.id,
    )
    order = outcome.order
    await _remember(state, order.code, order.version)
    await query.answer(_("Order {code} is changed.").format(code=order.code))
    if isinstance(query.message, Message):
        await query.message.edit_text(
            edit_screen(order, renderer, settings, staff=True), reply_markup=edit_keyboard(order, staff=True)
        )
        await query.message.answer(outcome_text(outcome, renderer, actor=f"staff:{query.from_user.id}"))
