"""Packing, documents and shipping for staff: /pack CODE (scan every item, choose the box,
record the weight), the label and packing slip as PDFs, /ship CODE [SKU=QTY …] CARRIER
TRACKING (a parcel), /delivered CODE|TRACKING and /handover PICKUP-CODE. (Customers'
receipts are in ``handlers.orders``.)"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from domain.customers import pick_language
from domain.errors import NotFound
from domain.packing import NoBoxFits
from domain.parcels import parse_parcel_items
from domain.ports import Clock, UnitOfWork
from domain.usecases.dispatch import (
    MAX_PACKAGE_WEIGHT_G,
    BadWeight,
    OrderPaperwork,
    mark_delivered,
    pack_order,
    paperwork_for_staff,
    propose_boxes,
    report_pack_short,
    start_packing,
    verify_scan,
)
from domain.usecases.parcels import deliver_parcel, ship_parcel
from domain.usecases.pickup import hand_over
from handlers.callbacks import NOTE_KINDS, DocumentCb, button
from handlers.callbacks_staff import PackBoxCb, PackBoxPageCb, PackWeightCb
from handlers.context import ShopSettings
from handlers.errors import domain_message
from handlers.output.documents import packing_slip, parcel_label, shipping_label
from handlers.scanning import Scan, code_in_photo, scans_of, typed_grams
from handlers.views.labels import label
from handlers.views.markup import packed
from handlers.views.pager import pager
from handlers.views.pressed import Target, pressed_in
from handlers.views.rendering import Renderer, fill, format_money

router = Router(name=__name__)
BOXES_PER_ROW = 4  # Telegram takes 8 buttons a row; four codes of up to 16 characters read whole
BOXES_OFFERED = 96  # a page, and 100 a message: "As proposed" and ◀ / ▶ among them


class Packing(StatesGroup):
    scanning = State()
    weight = State()


def _who(event: Message | CallbackQuery) -> int:
    assert event.from_user is not None
    return event.from_user.id


def _documents_keyboard(code: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text=_("📄 Label"), callback_data=DocumentCb(code=code, kind="label").pack()),
                InlineKeyboardButton(
                    text=_("📄 Packing slip"), callback_data=DocumentCb(code=code, kind="slip").pack()
                ),
            ]
        ]
    )


@router.message(Command("pack"))
async def pack(
    message: Message, command: CommandObject, uow: UnitOfWork, renderer: Renderer, state: FSMContext
) -> None:
    code = (command.args or "").strip()
    if not code:
        await message.answer(_("Usage: /pack ORDER-CODE"))
        return
    job = await start_packing(uow, staff_id=_who(message), code=code)
    await state.set_state(Packing.scanning)
    await state.set_data({"code": job.order.code, "scanned": {}})
    await message.answer(renderer.render("staff/pack_start.html.j2", job=job))


async def _scan(
    message: Message, typed: list[Scan], uow: UnitOfWork, renderer: Renderer, state: FSMContext, timezone: str
) -> None:
    data = await state.get_data()
    job = await start_packing(uow, staff_id=_who(message), code=data["code"])
    scan, *others = typed
    other_readings = [(s.code, s.quantity) for s in others]
    scanned = verify_scan(job, scan.code, data.get("scanned", {}), scan.quantity, other_readings)
    await state.update_data(scanned=scanned)
    missing = job.missing(scanned)
    if missing:
        await message.answer(renderer.render("staff/pack_progress.html.j2", missing=missing, job=job))
        return
    try:
        plans, boxes = await propose_boxes(uow, staff_id=_who(message), job=job)
    except NoBoxFits as too_big:  # no box to offer: the one way on is without a box
        await state.update_data(boxes=[], without_box=True)
        shown = renderer.render(
            "staff/pack_boxes.html.j2",
            plans=[],
            job=job,
            boxes=[],
            too_big=domain_message(too_big, html=False, timezone=timezone),
        )
        await message.answer(shown, reply_markup=_boxes_keyboard(job.order.code, [], 0, proposed=False))
        return
    codes = [b.code for b in boxes]
    await state.update_data(boxes=codes, proposed=bool(plans))  # the buttons carry their position: codes can be long
    await message.answer(
        renderer.render("staff/pack_boxes.html.j2", plans=plans, job=job, boxes=codes),
        reply_markup=_boxes_keyboard(job.order.code, codes, 0, proposed=bool(plans)),
    )


def _boxes_keyboard(code: str, boxes: list[str], page: int, *, proposed: bool) -> InlineKeyboardMarkup:
    """ "As proposed", then a page of ``BOXES_OFFERED`` boxes (past the last: the last) with ◀ / ▶."""
    pages = max(1, -(-len(boxes) // BOXES_OFFERED))
    page = min(page, pages - 1)
    # With nothing proposed (no boxes, or none fits) the first button packs without a box.
    go_on = _("✅ As proposed") if proposed else _("✅ Pack without a box")
    rows = [[button(go_on, PackBoxCb(code=code))]]
    first = page * BOXES_OFFERED
    offered = [
        button(box, PackBoxCb(code=code, box=n))
        for n, box in enumerate(boxes[first : first + BOXES_OFFERED], first + 1)
    ]
    # Rows of BOXES_PER_ROW: one row of every size passed Telegram's 8 buttons a row.
    rows += [offered[i : i + BOXES_PER_ROW] for i in range(0, len(offered), BOXES_PER_ROW)]
    rows += pager(page, pages, lambda n: packed(PackBoxPageCb, code, n))
    return InlineKeyboardMarkup(inline_keyboard=rows)


@router.callback_query(PackBoxPageCb.filter())
async def boxes_page(query: CallbackQuery, callback_data: PackBoxPageCb, state: FSMContext) -> None:
    """Another page of the boxes; a button of a packing left or finished is refused."""
    data = await state.get_data()
    offered: list[str] = data.get("boxes", [])
    if data.get("code") != callback_data.code or not offered:
        await query.answer(_("This item is no longer available. Please open the menu again."), show_alert=True)
        return
    await query.answer()
    keyboard = _boxes_keyboard(callback_data.code, offered, callback_data.page, proposed=data.get("proposed", True))
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=keyboard)
    else:  # a screen shown days ago cannot change: the page comes under a new message, the proposal still above
        scanned = _("All items of %(code)s are scanned.") % {"code": callback_data.code}
        await pressed_in(query).answer(
            f"✅ {scanned}\n\n{_('Confirm, or choose another box for everything.')}", reply_markup=keyboard
        )


@router.message(StateFilter(Packing.scanning), F.text, ~F.text.startswith("/"))
async def pack_scan_text(
    message: Message, uow: UnitOfWork, renderer: Renderer, state: FSMContext, settings: ShopSettings
) -> None:
    await _scan(message, await scans_of(uow, message.text or ""), uow, renderer, state, settings.timezone)


@router.message(StateFilter(Packing.scanning), F.photo)
async def pack_scan_photo(
    message: Message, bot: Bot, uow: UnitOfWork, renderer: Renderer, state: FSMContext, settings: ShopSettings
) -> None:
    code = await code_in_photo(bot, message)
    if code is None:
        return
    await _scan(message, [Scan(code, 1)], uow, renderer, state, settings.timezone)


@router.callback_query(PackBoxCb.filter())
async def box_chosen(query: CallbackQuery, callback_data: PackBoxCb, state: FSMContext) -> None:
    data = await state.get_data()
    offered: list[str] = data.get("boxes", [])
    if data.get("code") != callback_data.code or callback_data.box > len(offered):
        await query.answer(_("This item is no longer available. Please open the menu again."), show_alert=True)
        return
    await state.update_data(box=offered[callback_data.box - 1] if callback_data.box else "")
    await state.set_state(Packing.weight)
    await query.answer()
    await pressed_in(query).answer(
        _("Put the parcel on the scale and send its weight in grams, or use the estimate."),
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(
                        text=_("⚖️ Use the estimate"), callback_data=PackWeightCb(code=callback_data.code).pack()
                    )
                ]
            ]
        ),
    )


async def _finish_packing(
    target: Target,
    staff_id: int,
    weight: int | None,
    uow: UnitOfWork,
    clock: Clock,
    renderer: Renderer,
    state: FSMContext,
) -> None:
    data: dict[str, Any] = await state.get_data()
    order, packages, _ = await pack_order(
        uow,
        clock,
        staff_id=staff_id,
        code=data["code"],
        scanned=data.get("scanned", {}),
        box_code=data.get("box") or None,
        weight_g=weight,
        without_box=bool(data.get("without_box")) and not data.get("box"),
    )
    await state.clear()
    await target.answer(
        renderer.render("staff/packed.html.j2", order=order, packages=packages),
        reply_markup=_documents_keyboard(order.code),
    )


@router.callback_query(PackWeightCb.filter())
async def estimate_used(
    query: CallbackQuery,
    callback_data: PackWeightCb,
    uow: UnitOfWork,
    clock: Clock,
    renderer: Renderer,
    state: FSMContext,
) -> None:
    # Only the packing this button asked about, and only while it awaits its weight: a button
    # from another order's packing packed the one under way unweighed, a second tap found none.
    if await state.get_state() != Packing.weight or (await state.get_data()).get("code") != callback_data.code:
        await query.answer(_("This item is no longer available. Please open the menu again."), show_alert=True)
        return
    await query.answer()
    await _finish_packing(pressed_in(query), _who(query), None, uow, clock, renderer, state)


@router.message(StateFilter(Packing.weight), F.text, ~F.text.startswith("/"))
async def weight_typed(message: Message, uow: UnitOfWork, clock: Clock, renderer: Renderer, state: FSMContext) -> None:
    grams = typed_grams(message.text or "")
    if grams is None:
        raise BadWeight(maximum=MAX_PACKAGE_WEIGHT_G)
    await _finish_packing(message, _who(message), grams, uow, clock, renderer, state)


def _customer_language(papers: OrderPaperwork, i18n: I18n) -> str:
    """The order's customer's language as the bot picks it for them (``pick_language``)."""
    customer = papers.customer
    if customer is None:
        return str(i18n.default_locale)
    return pick_language(customer.language, customer.telegram_language, i18n.default_locale, i18n.available_locales)


DOCUMENT_KINDS = frozenset({"label", "slip"})  # and parcelN: one parcel's label


@router.callback_query(DocumentCb.filter((F.kind != "receipt") & ~F.kind.startswith(NOTE_KINDS)))
async def staff_document(
    query: CallbackQuery, callback_data: DocumentCb, uow: UnitOfWork, settings: ShopSettings, i18n: I18n
) -> None:
    assert query.bot is not None
    kind = callback_data.kind
    # A button's data may be forged or from an older version: a kind not offered is a stale button.
    parcel = kind.removeprefix("parcel") if kind.startswith("parcel") else None
    if kind not in DOCUMENT_KINDS and not (parcel and parcel.isascii() and parcel.isdigit()):
        raise NotFound()
    papers = await paperwork_for_staff(uow, staff_id=_who(query), code=callback_data.code)
    if parcel is not None:
        seq = int(parcel)
        if not any(p.seq == seq for p in papers.parcels):
            raise NotFound()
        content, name = parcel_label(papers, seq), f"label-{papers.order.code}-{seq}.pdf"
    elif kind == "label":
        content, name = shipping_label(papers), f"label-{papers.order.code}.pdf"
    else:
        # The slip travels in the parcel: it is written for the customer, in their language,
        # its lines named as sold (the receipt's rule), whoever prints it.
        language = _customer_language(papers, i18n)
        with i18n.use_locale(language):
            content = packing_slip(replace(papers, order=papers.order.in_language(language)), settings.timezone)
        name = f"packing-slip-{papers.order.code}.pdf"
    await query.answer()
    await query.bot.send_document(query.from_user.id, BufferedInputFile(content, filename=name))


@router.message(Command("ship"))
async def ship(message: Message, command: CommandObject, uow: UnitOfWork, clock: Clock) -> None:
    args = (command.args or "").split()
    items = [word for word in args[1:] if "=" in word]
    rest = [word for word in args[1:] if "=" not in word]
    if not args or len(rest) < 2:
        await message.answer(
            _(
                "Usage: /ship ORDER-CODE [SKU=QTY …] CARRIER TRACKING, e.g. /ship AB12CD34 DPD 15501234567890 "
                "(everything not yet shipped) or /ship AB12CD34 MUG-1=2 DPD 15501234567890 (one parcel)"
            )
        )
        return
    carrier, tracking = " ".join(rest[:-1]), rest[-1]
    order, parcel = await ship_parcel(
        uow,
        clock,
        staff_id=_who(message),
        code=args[0],
        carrier=carrier,
        tracking=tracking,
        items=parse_parcel_items(items) if items else None,
    )
    if parcel.seq == 1 and order.status.value == "shipped":
        text = fill(
            _("Order {code} is shipped with {carrier}, tracking {tracking}. The customer was told."),
            code=order.code,
            carrier=carrier,
            tracking=tracking,
        )
    else:
        text = fill(
            _("Parcel {seq} of order {code} ({items}) left with {carrier}, tracking {tracking}: order {status}."),
            seq=parcel.seq,
            code=order.code,
            items=", ".join(f"{line.quantity} × {line.sku}" for line in parcel.lines),
            carrier=carrier,
            tracking=tracking,
            status=label("status", order.status.value),
        )
    label_button = InlineKeyboardButton(
        text=_("📄 Parcel label"), callback_data=DocumentCb(code=order.code, kind=f"parcel{parcel.seq}").pack()
    )
    await message.answer(text, reply_markup=InlineKeyboardMarkup(inline_keyboard=[[label_button]]))


@router.message(Command("short"))
async def pack_short(
    message: Message, command: CommandObject, uow: UnitOfWork, clock: Clock, settings: ShopSettings, state: FSMContext
) -> None:
    """``/short CODE SKU FOUND``: at packing, only FOUND of an item that was picked are there."""
    args = (command.args or "").split()
    if len(args) != 3 or not args[2].isdecimal():
        await message.answer(
            _(
                "Usage: /short ORDER-CODE SKU FOUND — only FOUND of the item are there to pack (0 if none), "
                "e.g. /short AB12CD34 MUG-1 1"
            )
        )
        return
    short = await report_pack_short(
        uow,
        clock,
        staff_id=_who(message),
        code=args[0],
        sku=args[1],
        found=int(args[2]),
        staff_chat_id=settings.staff_chat_id,
    )
    await state.clear()  # the packing of it stops here
    if short.picked_again:
        text = _(
            "Order {code}: {missing} × {sku} written off as lost at packing. {warehouse} still has it on its "
            "shelves, so the order is back in picking for it: /pick takes it from another bin."
        )
        text = fill(text, code=short.order.code, missing=short.missing, sku=short.sku, warehouse=short.warehouse)
    else:
        text = fill(
            _("Order {code} is on hold for the shortage; the customer is asked what to do."), code=short.order.code
        )
    if short.not_written_off:  # the bin counts fewer than were lost, or the rest is reserved: said, not hidden
        kept = _(
            "{kept} of them could not come off the bin's count (it holds fewer, or they are reserved): "
            "count the bin and correct it with /adjust."
        )
        text += "\n" + fill(kept, kept=short.not_written_off)
    await message.answer(text)


@router.message(Command("delivered"))
async def delivered(message: Message, command: CommandObject, uow: UnitOfWork, clock: Clock) -> None:
    """An order code delivers the whole order; a tracking number one parcel of it."""
    code = (command.args or "").strip()
    if not code:
        await message.answer(_("Usage: /delivered ORDER-CODE or /delivered TRACKING"))
        return
    try:
        order, parcel = await deliver_parcel(uow, clock, staff_id=_who(message), tracking=code)
    except NotFound:
        order = await mark_delivered(uow, clock, staff_id=_who(message), code=code)
    else:
        if order.status.value != "delivered":
            await message.answer(
                fill(
                    _("Parcel {seq} of order {code} (tracking {tracking}) is delivered. The customer was told."),
                    seq=parcel.seq,
                    code=order.code,
                    tracking=parcel.tracking,
                )
            )
            return
    await message.answer(_("Order {code} is delivered. The customer was told.").format(code=order.code))


@router.message(Command("handover"))
async def handover(message: Message, command: CommandObject, uow: UnitOfWork, clock: Clock) -> None:
    code = (command.args or "").strip()
    if not code:
        await message.answer(_("Usage: /handover PICKUP-CODE (the code or QR code the customer shows)"))
        return
    done = await hand_over(uow, clock, staff_id=_who(message), code=code)
    if done.collected.amount:
        text = fill(
            _("Order {code} is handed over and completed. Take {amount} in cash: it is recorded."),
            code=done.order.code,
            amount=format_money(done.collected),
        )
    else:
        text = fill(_("Order {code} is handed over and completed (paid before)."), code=done.order.code)
    await message.answer(text)
