"""/pick [WAREHOUSE] — picking rounds: choose the warehouse (admins and managers pick in any,
with its code or a button), then single, batch, zone or wave; then each line
shows bin, item, quantity and tote, and is confirmed by sending the SKU or barcode (or a
photo of the barcode). "Short pick" reports a bin holding fewer than needed."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from domain.customers import Customer
from domain.errors import DomainError
from domain.picking import PickMethod
from domain.ports import Clock, UnitOfWork
from domain.usecases.pick_cancel import LeftByCancel, ScannedForCancelled
from domain.usecases.picking import (
    NoOpenRound,
    PickRound,
    confirm_pick,
    current_round,
    picking_warehouse,
    skip_line,
    stale_line,
    start_round,
    why_no_round,
)
from domain.usecases.short_picks import (
    FoundNotACount,
    MoreFoundNotACount,
    NotShort,
    coded_item,
    report_short,
)
from domain.warehouse import Warehouse
from handlers.callbacks_staff import PickResumeCb, PickShortCb, PickSkipCb, PickStartCb, PickWarehouseCb
from handlers.context import ShopSettings
from handlers.scanning import AtBin, NamedABin, code_in_photo, scans_of
from handlers.search import search_typed
from handlers.views.dates import current_locale
from handlers.views.pressed import Target, pressed_in
from handlers.views.rendering import Renderer, fill, format_number

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
    finished = State()  # the round just ended: a scan now is one too many, not a customer's search


def _method_keyboard(warehouse: Warehouse) -> InlineKeyboardMarkup:
    names = {
        PickMethod.SINGLE: _("Single order"),
        PickMethod.BATCH: _("Batch of orders"),
        PickMethod.ZONE: _("My zone"),
        PickMethod.WAVE: _("Wave"),
    }
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=f"{METHOD_LABELS[m]} {names[m]}",
                    callback_data=PickStartCb(method=m, warehouse=warehouse.id or 0).pack(),
                )
            ]
            for m in PickMethod
        ]
    )


def _warehouse_keyboard(warehouses: list[Warehouse]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=w.code, callback_data=PickWarehouseCb(warehouse=w.id or 0).pack())]
            for w in warehouses
        ]
    )


async def _choose_method(target: Target, warehouse: Warehouse, several: bool) -> None:
    text = (
        _("Picking in {warehouse}. How do you want to pick?").format(warehouse=warehouse.code)
        if several
        else _("How do you want to pick?")
    )
    await target.answer(text, reply_markup=_method_keyboard(warehouse))


async def show_step(target: Target, current: PickRound, renderer: Renderer, state: FSMContext) -> None:
    """The next line of the round, or the round's summary when it is over."""
    line = current.pick_list.next_line
    if line is None:
        await state.set_state(Picking.finished)
        await state.set_data({"finished_round": current.pick_list.id, "warehouse": current.pick_list.warehouse_id})
        await target.answer(renderer.render("staff/pick_done.html.j2", round=current))
        return
    await state.set_state(Picking.scanning)
    # The step on the picker's screen: a scan or button of it after its order was cancelled is told so.
    await state.update_data(step_line=line.id, step_order=line.order_id)
    position, total = current.position()
    rows = [[InlineKeyboardButton(text=_("⚠️ Short pick"), callback_data=PickShortCb(line_id=line.id or 0).pack())]]
    if sum(1 for other in current.pick_list.lines if not other.done) > 1:  # the last line has no later
        skip = PickSkipCb(line_id=line.id or 0).pack()
        rows.append([InlineKeyboardButton(text=_("⏭ Skip this line"), callback_data=skip)])
    keyboard = InlineKeyboardMarkup(inline_keyboard=rows)
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
async def pick(
    message: Message, command: CommandObject, uow: UnitOfWork, renderer: Renderer, state: FSMContext
) -> None:
    code = (command.args or "").strip() or None
    current = await current_round(uow, staff_id=_staff_id(message))
    if current is not None and current.is_another(warehouse_code=code):
        await _still_open(message, current, renderer)
        return
    if current is not None:
        await show_step(message, current, renderer, state)
        return
    warehouse, warehouses = await picking_warehouse(uow, staff_id=_staff_id(message), warehouse_code=code)
    if warehouse is None:
        await message.answer(_("Which warehouse are you picking in?"), reply_markup=_warehouse_keyboard(warehouses))
        return
    await _choose_method(message, warehouse, len(warehouses) > 1)


@router.callback_query(PickWarehouseCb.filter())
async def pick_warehouse_chosen(query: CallbackQuery, callback_data: PickWarehouseCb, uow: UnitOfWork) -> None:
    warehouse, warehouses = await picking_warehouse(
        uow, staff_id=_staff_id(query), warehouse_id=callback_data.warehouse
    )
    assert warehouse is not None
    await query.answer()
    await _choose_method(pressed_in(query), warehouse, len(warehouses) > 1)


@router.callback_query(PickStartCb.filter())
async def pick_method_chosen(
    query: CallbackQuery,
    callback_data: PickStartCb,
    uow: UnitOfWork,
    clock: Clock,
    renderer: Renderer,
    state: FSMContext,
) -> None:
    method = PickMethod(callback_data.method)
    target = pressed_in(query)
    warehouse_id = callback_data.warehouse or None
    if method is PickMethod.ZONE and not callback_data.zone:
        warehouse, warehouses = await picking_warehouse(uow, staff_id=_staff_id(query), warehouse_id=warehouse_id)
        if warehouse is None:  # a button from before the shop had several warehouses
            await query.answer()
            await target.answer(_("Which warehouse are you picking in?"), reply_markup=_warehouse_keyboard(warehouses))
            return
        buttons = [
            [
                InlineKeyboardButton(
                    text=zone,
                    callback_data=PickStartCb(method=method, warehouse=warehouse.id or 0, zone=zone).pack(),
                )
            ]
            for zone in warehouse.zones
        ]
        await query.answer()
        await target.answer(
            _("Which zone are you picking in?"), reply_markup=InlineKeyboardMarkup(inline_keyboard=buttons)
        )
        return
    zone = callback_data.zone or None
    current = await start_round(
        uow, clock, staff_id=_staff_id(query), method=method, warehouse_id=warehouse_id, zone=zone
    )
    await query.answer()
    if current.is_another(method=method, zone=zone, warehouse_id=warehouse_id):
        # The round open already came back (zone A's line when zone B was pressed)
        await _still_open(target, current, renderer)
        return
    await show_step(target, current, renderer, state)


async def _still_open(target: Target, current: PickRound, renderer: Renderer) -> None:
    """Another round was asked for (a zone pressed, a warehouse named) with this one open: the
    picker is told it is still open, where, and may go on with it."""
    go_on = InlineKeyboardButton(
        text=_("▶️ Go on with round {id}").format(id=current.pick_list.id), callback_data=PickResumeCb().pack()
    )
    await target.answer(
        renderer.render("staff/pick_open.html.j2", round=current),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[go_on]]),
    )


@router.callback_query(PickResumeCb.filter())
async def pick_resumed(query: CallbackQuery, uow: UnitOfWork, renderer: Renderer, state: FSMContext) -> None:
    current = await current_round(uow, staff_id=_staff_id(query))
    if current is None:  # finished since
        await query.answer(_(NoOpenRound.key), show_alert=True)
        return
    await query.answer()
    await show_step(pressed_in(query), current, renderer, state)


@router.message(StateFilter(Picking.scanning), F.text, ~F.text.startswith("/"))
async def scanned_text(message: Message, uow: UnitOfWork, clock: Clock, renderer: Renderer, state: FSMContext) -> None:
    try:
        scan, *others = await scans_of(uow, message.text or "")
    except NamedABin as named:  # "bin A3": where the picker stands is not what the line asks; its bin is told
        current = await current_round(uow, staff_id=_staff_id(message))
        line = current.pick_list.next_line if current is not None else None
        if line is None or line.bin_code is None:
            raise
        raise AtBin(typed=named.params["typed"], bin=line.bin_code) from None
    try:
        current = await confirm_pick(
            uow,
            clock,
            staff_id=_staff_id(message),
            scanned=scan.code,
            quantity=scan.quantity,
            language=current_locale(),
            other_readings=[(s.code, s.quantity) for s in others],
            step=await _step(state),
        )
    except ScannedForCancelled as refused:
        await _put_back(message, uow, renderer, state, refused)
        return
    await show_step(message, current, renderer, state)


async def _step(state: FSMContext, line_id: int | None = None) -> tuple[int, int] | None:
    """(line id, order id) of the step last shown to the picker (``line_id``: if it is that line)."""
    data = await state.get_data()
    step = data.get("step_line"), data.get("step_order")
    if not (isinstance(step[0], int) and isinstance(step[1], int)) or line_id not in (None, step[0]):
        return None
    return step[0], step[1]


async def _put_back(
    message: Message, uow: UnitOfWork, renderer: Renderer, state: FSMContext, refused: ScannedForCancelled
) -> None:
    """The item scanned is a cancelled order's: said so, then the round's step as it is now (or nothing, over)."""
    await message.answer(fill(_(refused.key), **refused.params))
    current = await current_round(uow, staff_id=_staff_id(message))
    if current is not None:
        await show_step(message, current, renderer, state)
    else:
        await state.update_data(step_line=None, step_order=None)


@router.message(StateFilter(Picking.scanning), F.photo)
async def scanned_photo(
    message: Message, bot: Bot, uow: UnitOfWork, clock: Clock, renderer: Renderer, state: FSMContext
) -> None:
    code = await code_in_photo(bot, message)
    if code is None:
        return
    try:
        current = await confirm_pick(
            uow, clock, staff_id=_staff_id(message), scanned=code, language=current_locale(), step=await _step(state)
        )
    except ScannedForCancelled as refused:
        await _put_back(message, uow, renderer, state, refused)
        return
    await show_step(message, current, renderer, state)


async def _scanned_item(uow: UnitOfWork, text: str) -> str | None:
    """The code as typed when ``text`` reads as a scan of an item in the catalog (``22197``, ``22197 2``), else
    None: words (``popcorn holder``) are a search."""
    try:
        scans = await scans_of(uow, text)
    except DomainError:
        return None
    for scan in scans:
        if await coded_item(uow, scan.code) is not None:
            return scan.code
    return None


async def _round_finished(message: Message, state: FSMContext, code: str) -> None:
    """A scan after the last line: an extra unit, or the next item out of habit. Nothing is counted; the
    picker is told the round is over and offered the next one in the same warehouse."""
    data = await state.get_data()
    said = _("Round {id} is finished: {code} was not counted. /pick starts the next round.")
    nxt = InlineKeyboardButton(
        text=_("▶️ Next round"), callback_data=PickWarehouseCb(warehouse=data.get("warehouse", 0)).pack()
    )
    await message.answer(
        fill(said, id=data.get("finished_round", 0), code=code),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[nxt]]),
    )


@router.message(StateFilter(Picking.finished), F.photo)
async def photo_after_round(message: Message, bot: Bot, state: FSMContext) -> None:
    code = await code_in_photo(bot, message)  # no barcode in it: the picker is told so
    if code is not None:
        await _round_finished(message, state, code)


@router.message(StateFilter(Picking.finished), F.text, ~F.text.startswith("/"))
async def text_after_round(
    message: Message,
    uow: UnitOfWork,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
    state: FSMContext,
    clock: Clock,
) -> None:
    """An item's code is a scan one too many; anything else is searched, as outside a round (the state left)."""
    text = message.text or ""
    code = await _scanned_item(uow, text)
    if code is not None:
        await _round_finished(message, state, code)
        return
    await state.clear()
    await search_typed(message, uow, customer, settings, renderer, state, clock)


@router.callback_query(PickShortCb.filter(), F.from_user)
async def short_pressed(query: CallbackQuery, callback_data: PickShortCb, state: FSMContext, uow: UnitOfWork) -> None:
    current = await current_round(uow, staff_id=query.from_user.id)
    if current is None:  # a button of a round finished since (perhaps as its order was cancelled)
        step = await _step(state, callback_data.line_id)
        line_id, order_id = step or (None, None)
        raise await why_no_round(uow, staff_id=query.from_user.id, line_id=line_id, order_id=order_id)
    line = current.pick_list.next_line
    if line is None or line.id != callback_data.line_id:  # a button of an earlier step
        raise stale_line(current, callback_data.line_id)
    product = current.products[line.product_id]
    await state.set_state(Picking.short)
    # A numeric SKU or a barcode scanned at the question would read as that many found.
    await state.update_data(
        short_line=line.id,
        short_codes=[product.sku, product.barcode or product.sku],
        short_more=bool(line.picked),
        short_open=line.open,
        short_confirm=None,
    )
    await query.answer()
    target = pressed_in(query)
    if not line.picked:
        await target.answer(_("How many did you find in the bin? Send a number (0 if none)."))
        return
    # Units scanned already are in the tote: asked "how many did you find", a picker counts them again.
    asked = _(
        "Scanned into tote {tote} already: {picked} of {quantity} × {sku}. How many more did you find in the bin? "
        "Send a number (0 if none)."
    )
    counts = {"picked": format_number(line.picked), "quantity": format_number(line.quantity)}
    await target.answer(fill(asked, sku=product.sku, tote=line.tote, **counts))


@router.callback_query(PickSkipCb.filter(), F.from_user)
async def skip_pressed(
    query: CallbackQuery, callback_data: PickSkipCb, uow: UnitOfWork, renderer: Renderer, state: FSMContext
) -> None:
    """The line goes behind the round's others; the next one is shown."""
    step = await _step(state, callback_data.line_id)
    order_id = step[1] if step is not None else None
    current = await skip_line(uow, staff_id=query.from_user.id, line_id=callback_data.line_id, order_id=order_id)
    await query.answer(_("Line left for later: it comes again at the end of the round."))
    await show_step(pressed_in(query), current, renderer, state)


@router.message(StateFilter(Picking.short), F.photo)
async def short_photographed(message: Message, state: FSMContext) -> None:
    """A barcode photographed out of habit at "how many did you find": no count, asked again."""
    raise MoreFoundNotACount() if (await state.get_data()).get("short_more") else FoundNotACount()


@router.message(StateFilter(Picking.short), F.text, ~F.text.startswith("/"))
async def short_counted(
    message: Message, uow: UnitOfWork, clock: Clock, renderer: Renderer, state: FSMContext, settings: ShopSettings
) -> None:
    text = (message.text or "").strip()
    data = await state.get_data()
    not_a_count = MoreFoundNotACount() if data.get("short_more") else FoundNotACount()
    if not text.isdecimal() or text in data.get("short_codes", ()):  # the item scanned out of habit: no count
        raise not_a_count
    if text != data.get("short_confirm") and (sku := await coded_item(uow, text)) is not None:
        # Another item's code (a shop's SKUs may be digits): more than the line needs cannot be a
        # count; fewer may be, so it is asked again, and the same number sent twice is a count.
        if int(text) >= data.get("short_open", 0):
            raise not_a_count
        await state.update_data(short_confirm=text)
        asked = _(
            "{code} is an item's SKU or barcode in your catalog ({sku}). Is it a count? If you found {count} in the "
            "bin, send {code} again; if not, send the number you found (0 if none)."
        )
        await message.answer(fill(asked, code=text, sku=sku, count=format_number(int(text))))
        return
    try:
        current = await report_short(
            uow,
            clock,
            staff_id=_staff_id(message),
            found=int(text),
            staff_chat_id=settings.staff_chat_id,
            line_id=data.get("short_line"),
            order_id=data.get("step_order") if data.get("short_line") == data.get("step_line") else None,
        )
    except (NotShort, LeftByCancel):  # the bin gave all the line needs, or its order was cancelled: back to scanning
        await state.set_state(Picking.scanning)
        raise
    for order in current.held:
        await message.answer(_("Order {code} is on hold for the shortage; managers were told.").format(code=order.code))
    for order, warehouse in current.held_already:
        said = (
            _(
                "Order {code} is already on hold for missing items: they were reported in {warehouse} first. "
                "Nothing more is needed from you: its lines in your round are set aside, the customer is asked "
                "and a manager decides. Carry on with the next line."
            )
            if warehouse
            else _(
                "Order {code} is already on hold for missing items. Nothing more is needed from you: its lines in "
                "your round are set aside, the customer is asked and a manager decides. Carry on with the next line."
            )
        )
        await message.answer(fill(said, code=order.code, warehouse=warehouse))
    for sku, bin_code, kept in current.uncounted:
        recount = _(
            "{kept} × {sku} not found in bin {bin} could not come off its count (it holds fewer, or they are "
            "reserved): count the bin and correct it with /adjust."
        )
        await message.answer(fill(recount, kept=kept, sku=sku, bin=bin_code))
    await show_step(message, current, renderer, state)
