"""Stock commands for staff: /stock, /receive, /adjust, /move, /transfer, /lowstock, /reorder."""

from __future__ import annotations

from dataclasses import asdict, replace

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from domain.catalog import Product
from domain.errors import InvalidQuantity
from domain.ports import Clock, UnitOfWork
from domain.usecases.inventory import MAX_RECEIPT, Received, adjust, is_warehouse, move, receive
from domain.usecases.low_stock import low_stock, set_reorder_point
from domain.usecases.stock_examples import stock_example
from domain.usecases.stock_lookup import StockLookup, StockView, stock_view
from domain.usecases.transfers import Transferred, transfer
from domain.warehouse import NewBin, Warehouse
from handlers.callbacks_staff import StockPageCb
from handlers.catalog import search_key
from handlers.views.labels import label
from handlers.views.markup import packed
from handlers.views.new_bin_question import NEW_BIN_FLAG, ask_new_bin
from handlers.views.pager import pager
from handlers.views.pressed import show_in_place
from handlers.views.rendering import Renderer, fill, format_number

router = Router(name=__name__)
# /lowstock's lines in the chat: a catalog under its reorder points at once (a reorder file for
# every variant) was otherwise hundreds of messages; the rest is counted (/lowstock WAREHOUSE
# narrows it).
MAX_LOW_STOCK_SHOWN = 40
# A product with variants found by /stock is a line per variant and one per warehouse holding it:
# this many lines of them a page (a shoe in 184 sizes × colours was several messages), the
# products found one after another, ◀ / ▶ for the rest. A line is at most ~120 characters and a
# product's heading and footer ~200: five products found stay within one message of 4,096.
MAX_VARIANT_LINES = 24
STOCK_DATA = "stock"  # the conversation's data key holding the last /stock's text (for its pages)


def unrated_hint(skus: str, currency: str) -> str:
    """Goods in whose cost is in a currency the shop has no rate for: not in the books' stock value yet."""
    hint = _(
        "Not valued in the books yet: {skus} costs in {currency}, and there is no {currency} rate. Set one with"
        " /fx {currency} RATE: the stock on hand is valued then."
    )
    return fill(hint, skus=skus, currency=currency)


def _args(command: CommandObject) -> list[str]:
    return (command.args or "").split()


def _number(text: str, *, signed: bool = False) -> int:
    """A typed quantity; anything else is the usual quantity message."""
    body = text[1:] if signed and text[:1] in "+-" else text
    if not body.isdecimal() or len(body) > 9:  # more digits is no count (nor fits a database column)
        raise InvalidQuantity(maximum=MAX_RECEIPT)
    return -int(body) if text.startswith("-") else int(body)


def _who(message: Message) -> int:
    assert message.from_user is not None
    return message.from_user.id


@router.message(Command("stock"))
async def show_stock(
    message: Message, command: CommandObject, uow: UnitOfWork, renderer: Renderer, state: FSMContext
) -> None:
    query = (command.args or "").strip()
    if not query:
        await message.answer(_("Usage: /stock SKU, barcode or part of a name"))
        return
    found = await stock_view(uow, staff_id=_who(message), query=query, hidden=True)  # staff count hidden ones too
    text, keyboard, pages = _stock_screen(found, 0, query, renderer)
    if pages > 1:  # its ◀ / ▶ look it up again: the text would not fit in a button's 64 bytes
        await state.update_data({STOCK_DATA: query})
    await message.answer(text, reply_markup=keyboard)


@router.callback_query(StockPageCb.filter())
async def stock_page(
    query: CallbackQuery, callback_data: StockPageCb, uow: UnitOfWork, renderer: Renderer, state: FSMContext
) -> None:
    """Another page of a /stock's variants; a button of an older /stock is refused."""
    text = (await state.get_data()).get(STOCK_DATA)
    if not isinstance(text, str) or search_key(text) != callback_data.key:
        await query.answer(_("This stock list is out of date. Please send /stock again."), show_alert=True)
        return
    found = await stock_view(uow, staff_id=query.from_user.id, query=text, hidden=True)
    screen, keyboard, pages = _stock_screen(found, callback_data.page, text, renderer)
    # Variants delisted since: the last page, and why it is not the one asked for.
    moved = callback_data.page >= pages
    await query.answer(_("The list has changed since: this is its last page now.") if moved else None)
    # a list shown days ago cannot be edited: the page comes as a new message
    await show_in_place(query, screen, keyboard or InlineKeyboardMarkup(inline_keyboard=[]))


def _stock_screen(
    found: StockLookup, page: int, query: str, renderer: Renderer
) -> tuple[str, InlineKeyboardMarkup | None, int]:
    """The page's text (past the last: the last), its ◀ / ▶, and how many pages there are."""
    views = found.views
    pages = _variant_pages(views)
    page = min(page, len(pages) - 1)
    shown, totals, firsts = [], [], []
    for index, view in enumerate(views):
        if not view.variants:
            if page == 0:  # a single product or a variant: on the first page
                shown.append(view)
                totals.append(0)
                firsts.append(0)
        elif index in pages[page]:
            start, stop = pages[page][index]
            shown.append(replace(view, variants=view.variants[start:stop]))
            totals.append(len(view.variants))
            firsts.append(start + 1)
    text = renderer.render(
        "staff/stock.html.j2",
        views=shown,
        totals=totals,
        firsts=firsts,
        page=page + 1,
        pages=len(pages),
        typed=query,
        corrected=found.corrected,
    )
    key = search_key(query)
    nav = pager(page, len(pages), lambda n: packed(StockPageCb, n, key))
    return text, InlineKeyboardMarkup(inline_keyboard=nav) if nav else None, len(pages)


def _variant_pages(views: list[StockView]) -> list[dict[int, tuple[int, int]]]:
    """The products' variants one after another, cut into pages of ``MAX_VARIANT_LINES`` lines
    (at least one variant a page): per page, each product's slice of its variants by index."""
    pages: list[dict[int, tuple[int, int]]] = [{}]
    lines = 0
    for index, view in enumerate(views):
        for at, variant in enumerate(view.variants):
            cost = 1 + max(len(variant.warehouses), 1)
            if lines and lines + cost > MAX_VARIANT_LINES:
                pages.append({})
                lines = 0
            start, _stop = pages[-1].get(index, (at, at))
            pages[-1][index] = (start, at + 1)
            lines += cost
    return pages


@router.message(Command("receive"))
async def receive_goods(
    message: Message, command: CommandObject, uow: UnitOfWork, clock: Clock, state: FSMContext
) -> None:
    args = _args(command)
    flagged = len(args) == 5 and args[4].lower() == NEW_BIN_FLAG  # a new bin meant: made without asking
    if len(args) not in (3, 4) and not flagged:
        usage = _("Usage: /receive SKU QTY WAREHOUSE [BIN [new]], e.g. /receive {sku} 24 {warehouse} {bin}")
        await message.answer(fill(usage, **asdict(await stock_example(uow))))
        return
    quantity = _number(args[1])
    request: dict[str, object] = {"kind": "receive", "sku": args[0], "quantity": quantity, "warehouse": args[2]}
    request["bin"] = args[3] if len(args) >= 4 else None
    try:
        received = await receive_as_asked(uow, clock, _who(message), request, new_bin=flagged)
    except NewBin as asked:
        await ask_new_bin(message, state, asked, request)
        return
    await message.answer(received_text(received, quantity))


async def receive_as_asked(
    uow: UnitOfWork, clock: Clock, staff_id: int, request: dict[str, object], *, new_bin: bool, bin_code: str = ""
) -> Received:
    """/receive's goods in (``request``: as typed), into ``bin_code`` when given instead of the one typed."""
    return await receive(
        uow,
        clock,
        staff_id=staff_id,
        sku=str(request["sku"]),
        quantity=int(str(request["quantity"])),
        warehouse_code=str(request["warehouse"]),
        bin_code=bin_code or (str(request["bin"]) if request.get("bin") else None),
        new_bin=new_bin,
    )


def received_text(received: Received, quantity: int) -> str:
    text = fill(
        _("Received {quantity} × {sku} into {warehouse} {bin}."),
        quantity=format_number(quantity),
        sku=received.product.sku,
        warehouse=received.warehouse.code,
        bin=received.bin_code,
    )
    if received.unrated:  # costed in a currency without a rate: the books value it at the first one
        text += "\n" + unrated_hint(received.product.sku, received.unrated)
    elif not received.booked:  # the stock moved, but the books could not value it
        hint = _(
            "Not booked to the journal yet: {sku} has no cost. Give it one in the products file's cost column"
            " or with /product {sku} → {button}, and its stock on hand is booked then."
        )
        text += "\n" + fill(hint, sku=received.product.sku, button="✏️ " + label("product_field", "cost"))
    return text


@router.message(Command("adjust"))
async def adjust_stock(message: Message, command: CommandObject, uow: UnitOfWork, clock: Clock) -> None:
    args = _args(command)
    if len(args) < 3:
        usage = _("Usage: /adjust SKU WAREHOUSE ±QTY REASON, e.g. /adjust {sku} {warehouse} -2 damaged")
        await message.answer(fill(usage, **asdict(await stock_example(uow))))
        return
    product, warehouse, level = await adjust(
        uow,
        clock,
        staff_id=_who(message),
        sku=args[0],
        warehouse_code=args[1],
        delta=_number(args[2], signed=True),
        reason=" ".join(args[3:]),
    )
    await message.answer(
        fill(
            _("{sku} in {warehouse}: {on_hand} on hand, {available} available."),
            sku=product.sku,
            warehouse=warehouse.code,
            on_hand=format_number(level.on_hand),
            available=format_number(level.available),
        )
    )


@router.message(Command("move"))
async def move_stock(
    message: Message, command: CommandObject, uow: UnitOfWork, clock: Clock, state: FSMContext
) -> None:
    args = _args(command)
    # A new target bin meant, made without asking: `new` after the warehouse, or in its place when no warehouse is
    # coded NEW (a shop with one names it before the flag: `/move … TO-BIN NEW new`).
    flagged = (
        len(args) in (5, 6)
        and args[-1].lower() == NEW_BIN_FLAG
        and (len(args) == 6 or (len(args) == 5 and not await is_warehouse(uow, args[4])))
    )
    args = args[:-1] if flagged else args
    if len(args) not in (4, 5):
        await message.answer(_("Usage: /move SKU QTY FROM-BIN TO-BIN [WAREHOUSE] [new]"))
        return
    request: dict[str, object] = {"kind": "move", "sku": args[0], "quantity": _number(args[1]), "from": args[2]}
    request.update(bin=args[3], warehouse=args[4] if len(args) == 5 else None)
    try:
        moved = await move_as_asked(uow, clock, _who(message), request, new_bin=flagged)
    except NewBin as asked:  # a typo in the target bin: asked, nothing moved
        await ask_new_bin(message, state, asked, request)
        return
    await message.answer(moved_text(moved, int(str(request["quantity"]))))


async def move_as_asked(
    uow: UnitOfWork, clock: Clock, staff_id: int, request: dict[str, object], *, new_bin: bool, bin_code: str = ""
) -> tuple[Product, Warehouse, str, str]:
    """/move's units (``request``: as typed), into ``bin_code`` when given instead of the target bin typed."""
    return await move(
        uow,
        clock,
        staff_id=staff_id,
        sku=str(request["sku"]),
        quantity=int(str(request["quantity"])),
        from_bin=str(request["from"]),
        to_bin=bin_code or str(request["bin"]),
        warehouse_code=str(request["warehouse"]) if request.get("warehouse") else None,
        new_bin=new_bin,
    )


def moved_text(moved: tuple[Product, Warehouse, str, str], quantity: int) -> str:
    product, warehouse, source, target = moved
    return fill(
        _("Moved {quantity} × {sku} in {warehouse}: {source} → {target}."),
        quantity=format_number(quantity),
        sku=product.sku,
        warehouse=warehouse.code,
        source=source,
        target=target,
    )


@router.message(Command("transfer"))
async def transfer_stock(
    message: Message, command: CommandObject, uow: UnitOfWork, clock: Clock, state: FSMContext
) -> None:
    args = _args(command)
    flagged = len(args) == 5 and args[4].lower() == NEW_BIN_FLAG  # a new target bin meant: made without asking
    if len(args) != 4 and not flagged:
        usage = _(
            "Usage: /transfer SKU QTY FROM-WAREHOUSE[:BIN] TO-WAREHOUSE[:BIN] [new],"
            " e.g. /transfer {sku} 5 {warehouse} {other}:{other_bin}"
        )
        await message.answer(fill(usage, **asdict(await stock_example(uow))))
        return
    request: dict[str, object] = {"kind": "transfer", "sku": args[0], "quantity": _number(args[1])}
    request.update(source=args[2], target=args[3])
    try:
        done = await transfer_as_asked(uow, clock, _who(message), request, new_bin=flagged)
    except NewBin as asked:  # a typo in the target bin: asked, nothing transferred
        await ask_new_bin(message, state, asked, request)
        return
    await message.answer(transferred_text(done))


async def transfer_as_asked(
    uow: UnitOfWork, clock: Clock, staff_id: int, request: dict[str, object], *, new_bin: bool, bin_code: str = ""
) -> Transferred:
    """/transfer's units (``request``: as typed), into ``bin_code`` of the target warehouse when given instead."""
    target = str(request["target"])
    return await transfer(
        uow,
        clock,
        staff_id=staff_id,
        sku=str(request["sku"]),
        quantity=int(str(request["quantity"])),
        source=str(request["source"]),
        target=f"{target.partition(':')[0]}:{bin_code}" if bin_code else target,
        new_bin=new_bin,
    )


def transferred_text(done: Transferred) -> str:
    return fill(
        _("Transferred {quantity} × {sku}: {source} {bins} → {target} {bin}."),
        quantity=format_number(done.quantity),
        sku=done.product.sku,
        source=done.source.code,
        bins=", ".join(done.source_bins),
        target=done.target.code,
        bin=done.target_bin,
    )


@router.message(Command("reorder"))
async def reorder_point(message: Message, command: CommandObject, uow: UnitOfWork) -> None:
    args = _args(command)
    if len(args) not in (3, 4):
        usage = _("Usage: /reorder SKU WAREHOUSE POINT [MAX], e.g. /reorder {sku} {warehouse} 20 100")
        await message.answer(fill(usage, **asdict(await stock_example(uow))))
        return
    point = _number(args[2]) if args[2] != "0" else 0
    top = _number(args[3]) if len(args) == 4 else None
    await set_reorder_point(
        uow, staff_id=_who(message), sku=args[0], warehouse_code=args[1], point=point, max_level=top
    )
    await message.answer(_("Reorder point saved."))


@router.message(Command("lowstock"))
async def show_low_stock(message: Message, command: CommandObject, uow: UnitOfWork, renderer: Renderer) -> None:
    args = _args(command)
    lines = await low_stock(uow, staff_id=_who(message), warehouse_code=args[0] if args else None)
    shown, more = lines[:MAX_LOW_STOCK_SHOWN], max(len(lines) - MAX_LOW_STOCK_SHOWN, 0)
    await message.answer(renderer.render("staff/lowstock.html.j2", lines=shown, more=more))
