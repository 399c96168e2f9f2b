"""/count BIN [WAREHOUSE] [new]: a bin counted blind (its items listed, not their figures), scans or
photos of barcodes adding up what is found, then the differences confirmed and recorded."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from markupsafe import Markup

from domain.errors import InvalidQuantity
from domain.ports import Clock, UnitOfWork
from domain.usecases.bin_counts import (
    MAX_COUNTED,
    CountSummary,
    NoSuchItem,
    count_differences,
    count_item,
    open_bin,
    record_count,
)
from domain.usecases.count_shortages import OrderShort
from domain.usecases.inventory import is_warehouse
from domain.warehouse import NewBin
from handlers.callbacks_staff import BinCountCb
from handlers.context import ShopSettings
from handlers.scanning import code_in_photo, scans_of
from handlers.views.dates import current_locale
from handlers.views.new_bin_question import NEW_BIN_FLAG, ask_new_bin
from handlers.views.pressed import show_in_place
from handlers.views.rendering import fill, format_number

router = Router(name=__name__)
COUNT = "bin_count"  # the conversation's data key: the count under way


class Counting(StatesGroup):
    scanning = State()


def _who(event: Message | CallbackQuery) -> int:
    assert event.from_user is not None
    return event.from_user.id


def _buttons(token: int, *actions: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=text, callback_data=BinCountCb(token=token, action=action).pack())]
            for text, action in actions
        ]
    )


def _done(token: int) -> InlineKeyboardMarkup:
    return _buttons(token, (_("✅ Done counting"), "done"), (_("✖️ Cancel"), "cancel"))


@router.message(Command("count"))
async def start_count(
    message: Message, command: CommandObject, uow: UnitOfWork, clock: Clock, state: FSMContext
) -> None:
    args = (command.args or "").split()
    # A new bin meant, counted without asking: `new` after the warehouse, or in its place when no warehouse is coded
    # NEW (a shop with one names it before the flag: `/count BIN NEW new`), as /move reads it.
    flagged = (
        len(args) in (2, 3)
        and args[-1].lower() == NEW_BIN_FLAG
        and (len(args) == 3 or not await is_warehouse(uow, args[1]))
    )
    args = args[:-1] if flagged else args
    if not 1 <= len(args) <= 2:
        await message.answer(
            _("Usage: /count BIN [WAREHOUSE] [new] — count a bin and record what differs from the books.")
        )
        return
    request: dict[str, object] = {"kind": "count", "bin": args[0], "warehouse": args[1] if len(args) > 1 else None}
    try:
        text, keyboard = await count_as_asked(
            uow, clock, state, _who(message), request, message.message_id, new_bin=flagged
        )
    except NewBin as asked:  # a typo in the bin: asked, no count begun
        await ask_new_bin(message, state, asked, request)
        return
    await message.answer(text, reply_markup=keyboard)


async def count_as_asked(
    uow: UnitOfWork,
    clock: Clock,
    state: FSMContext,
    staff_id: int,
    request: dict[str, object],
    token: int,
    *,
    new_bin: bool = False,
    bin_code: str = "",
) -> tuple[str, InlineKeyboardMarkup]:
    """/count's bin (``request``: as typed; ``bin_code`` when given instead) opened: the count under way kept in the
    conversation (``token``: its buttons'), and what the counter is shown."""
    opened = await open_bin(
        uow,
        staff_id=staff_id,
        bin_code=bin_code or str(request["bin"]),
        warehouse_code=str(request["warehouse"]) if request.get("warehouse") else None,
        new_bin=new_bin,
    )
    count = {
        "token": token,
        "warehouse": opened.warehouse.id,
        "code": opened.warehouse.code,
        "bin": opened.bin_code,
        "started": clock.now().isoformat(),
    }
    await state.set_state(Counting.scanning)
    await state.set_data({COUNT: count | {"items": {}}})
    listed = "\n".join(
        fill("• <code>{sku}</code> {name}", sku=p.sku, name=p.in_language(current_locale()).display_name)
        for p in opened.products[:40]
    )
    more = len(opened.products) - 40
    heading = fill(_("Counting bin {bin} in {warehouse}."), bin=opened.bin_code, warehouse=opened.warehouse.code)
    books = (
        _("The books list these items here (their figures are hidden: count what is on the shelf):")
        if opened.products
        else _("The books list nothing here: send whatever you find.")
    )
    extra = "\n" + fill(_("…and {count} more."), count=more) if more > 0 else ""
    ask = _(
        "Send each item's SKU or barcode with how many (JAR-1 12), or a photo of its barcode (one unit a photo);"
        " what you send for one item adds up. Then press ✅ Done counting."
    )
    text = "\n\n".join(part for part in (heading, books + ("\n" + listed if listed else "") + extra, ask))
    return text, _done(token)


async def _counted(message: Message, uow: UnitOfWork, state: FSMContext, scans: list[tuple[str, int]]) -> None:
    data = await state.get_data()
    count: dict[str, Any] = data.get(COUNT) or {}
    if not count:
        return
    found: tuple[str, int, int] | None = None
    for code, quantity in scans:  # "2x 150": the reading whose code is an item's
        try:
            sku, shelf = await count_item(
                uow, staff_id=_who(message), warehouse_id=count["warehouse"], bin_code=count["bin"], code=code
            )
        except NoSuchItem:
            continue
        found = (sku, shelf, quantity)
        break
    if found is None:
        raise NoSuchItem(code=scans[0][0])
    sku, shelf, quantity = found
    units, expected = count["items"].get(sku, (0, shelf))  # the shelf as at the item's first scan
    if units + quantity > MAX_COUNTED:
        raise InvalidQuantity(maximum=MAX_COUNTED)
    count["items"][sku] = (units + quantity, expected)
    await state.update_data({COUNT: count})
    said = fill(
        _("{sku}: {units} counted in bin {bin}."), sku=sku, units=format_number(units + quantity), bin=count["bin"]
    )
    await message.answer(said, reply_markup=_done(count["token"]))


@router.message(StateFilter(Counting.scanning), F.text, ~F.text.startswith("/"))
async def counted_text(message: Message, uow: UnitOfWork, state: FSMContext) -> None:
    await _counted(message, uow, state, [(s.code, s.quantity) for s in await scans_of(uow, message.text or "")])


@router.message(StateFilter(Counting.scanning), F.photo)
async def counted_photo(message: Message, bot: Bot, uow: UnitOfWork, state: FSMContext) -> None:
    code = await code_in_photo(bot, message)
    if code is not None:
        await _counted(message, uow, state, [(code, 1)])


NAMED_ORDERS = 10  # order codes the confirm screen names per item, the rest counted
LISTED_ORDERS = 30  # orders the recorded screen lists, one a line, the rest counted


def _held(summary: CountSummary) -> list[str]:
    """What ✅ Confirm will do to carts and orders holding units the count finds gone, said before it is pressed."""
    said = []
    for short in summary.shorts:
        if short.orders:
            codes: str = ", ".join(code for _, code, _ in short.orders[:NAMED_ORDERS])
            if (more := len(short.orders) - NAMED_ORDERS) > 0:  # hundreds named ran past a message's length
                # Filled here, as markup: the named codes fill a value's length, the count must not be cut off.
                codes = Markup(
                    fill(
                        ngettext("{codes} and {count} more order", "{codes} and {count} more orders", more),
                        codes=codes,
                        count=format_number(more),
                    )
                )
            said.append(
                fill(
                    ngettext(
                        "⚠️ {units} × {sku} held for order {orders}: not on the shelf. ✅ Confirm takes them off the"
                        " order: it gets them from another warehouse that has them free, or is put on hold and its"
                        " customer asked.",
                        "⚠️ {units} × {sku} held for orders {orders}: not on the shelf. ✅ Confirm takes them off those"
                        " orders: each gets its part from another warehouse that has it free, or is put on hold and"
                        " its customer asked.",
                        len(short.orders),
                    ),
                    sku=short.sku,
                    units=format_number(short.in_orders),
                    orders=codes,
                )
            )
        if short.in_carts:
            said.append(
                fill(
                    _(
                        "⚠️ {units} × {sku} held in customers' carts: not on the shelf. ✅ Confirm ends those holds:"
                        " each cart takes them from another warehouse that has them free, or has fewer and its"
                        " customer is told."
                    ),
                    sku=short.sku,
                    units=format_number(short.in_carts),
                )
            )
    return said


def _summary(summary: CountSummary, count: dict[str, Any]) -> str:
    lines = summary.lines
    heading = fill(_("Bin {bin} in {warehouse}, books → counted:"), bin=count["bin"], warehouse=count["code"])
    rows = []
    for line in lines[:60]:
        sign = "+" if line.difference > 0 else "−"
        mark = "✅" if not line.difference else f"({sign}{format_number(abs(line.difference))})"
        rows.append(
            fill(
                "• <code>{sku}</code> {expected} → {counted} {mark}",
                sku=line.product.sku,
                expected=format_number(line.expected),
                counted=format_number(line.counted),
                mark=mark,
            )
        )
    if len(lines) > 60:  # ✅ Confirm records every difference: those not listed are counted, never left unsaid
        rows.append(fill(_("…and {count} more."), count=len(lines) - 60))
    differ = sum(1 for line in lines if line.difference)
    tail = (
        fill(
            ngettext(
                "{count} item differs: ✅ Confirm records it as a stock adjustment.",
                "{count} items differ: ✅ Confirm records them as stock adjustments.",
                differ,
            ),
            count=differ,
        )
        if differ
        else _("Everything counted matches the books.")
    )
    held = _held(summary)
    return "\n".join([heading, *rows, "", *held, *([""] if held else []), tail])


def _affected(orders: list[OrderShort]) -> list[str]:
    """Each order that gave up units the count found gone, and what became of it."""
    return [
        fill(
            _("• Order {code}: {units} × {sku} now allocated from {warehouse}.")
            if short.moved_to
            else _("• Order {code}: {units} × {sku} missing, the order is on hold and its customer asked."),
            code=short.code,
            units=format_number(short.units),
            sku=short.sku,
            warehouse=short.moved_to,
        )
        for short in orders[:LISTED_ORDERS]
    ] + [
        fill(ngettext("…and {count} more order.", "…and {count} more orders.", more), count=format_number(more))
        for more in [len(orders) - LISTED_ORDERS]
        if more > 0
    ]


@router.callback_query(BinCountCb.filter())
async def count_step(
    query: CallbackQuery,
    callback_data: BinCountCb,
    uow: UnitOfWork,
    clock: Clock,
    state: FSMContext,
    settings: ShopSettings,
) -> None:
    count: dict[str, Any] = (await state.get_data()).get(COUNT) or {}
    if count.get("token") != callback_data.token:  # a finished or an earlier count's button
        await query.answer(_("This count is over: /count BIN starts a new one."), show_alert=True)
        return
    counted = {sku: (units, expected) for sku, (units, expected) in count["items"].items()}
    staff_id, warehouse_id, bin_code = _who(query), int(count["warehouse"]), str(count["bin"])
    if callback_data.action == "cancel":
        await state.clear()
        await query.answer()
        await show_in_place(query, fill(_("Count of bin {bin} cancelled: nothing recorded."), bin=count["bin"]))
    elif callback_data.action == "done":
        summary = await count_differences(
            uow, staff_id=staff_id, warehouse_id=warehouse_id, bin_code=bin_code, counted=counted
        )
        await query.answer()
        keyboard = _buttons(count["token"], (_("✅ Confirm"), "confirm"), (_("✖️ Cancel"), "cancel"))
        await show_in_place(query, _summary(summary, count), keyboard)
    else:
        result = await record_count(
            uow,
            clock,
            staff_id=staff_id,
            warehouse_id=warehouse_id,
            bin_code=bin_code,
            counted=counted,
            started=datetime.fromisoformat(count["started"]),
            staff_chat_id=settings.staff_chat_id,
        )
        await state.clear()
        await query.answer()
        differ = sum(1 for line in result.lines if line.difference)
        said = ngettext(
            "Bin {bin} counted: {count} difference recorded as a stock adjustment.",
            "Bin {bin} counted: {count} differences recorded as stock adjustments.",
            differ,
        )
        text = "\n".join([fill(said, bin=count["bin"], count=differ), *_affected(result.orders)])
        await show_in_place(query, text)
