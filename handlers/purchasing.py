"""Purchase orders for managers: /po lists them, /po N shows one (approve or discard a
draft with buttons), /po qty N SKU QTY edits a draft, /po receive N [SKU|BARCODE QTY [BIN]] books goods in,
/po close N ends one whose rest is not coming, /po pay N AMOUNT [NOTE] records paying its supplier."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from domain.errors import InvalidQuantity, NotFound
from domain.i18n import N_
from domain.money import split_typed_amount
from domain.ports import Clock, UnitOfWork
from domain.purchasing import PoNotEditable, PoReceipt, PoStatus, PurchaseOrder, off_terms
from domain.usecases.po_paperwork import po_paperwork
from domain.usecases.purchasing import (
    MAX_PO_QUANTITY,
    PO_SKUS_NAMED,
    approve_po,
    close_po,
    discard_po,
    purchase_order,
    purchase_orders,
    receive_po,
    set_po_quantity,
)
from domain.usecases.supplier_payments import pay_po
from domain.warehouse import NewBin
from handlers.callbacks_staff import PoCb
from handlers.context import ShopSettings
from handlers.errors import domain_message
from handlers.inventory import unrated_hint
from handlers.output.purchase_order import purchase_order_pdf
from handlers.shop import identity_of_shop
from handlers.views.labels import label
from handlers.views.new_bin_question import NEW_BIN_FLAG, ask_new_bin
from handlers.views.pressed import Target, pressed_in, show_in_place
from handlers.views.rendering import Renderer, fill, format_money, format_number

router = Router(name=__name__)
USAGE = N_(
    "Usage: /po, /po N, /po qty N SKU QTY, /po receive N [SKU|BARCODE QTY [BIN [new]]], /po close N, /po pay N AMOUNT"
    " [NOTE]"
)
# Lines /po N shows; the rest are counted (a draft of a whole catalog was 20,000 lines, over
# a hundred messages). /po qty and /po receive take any of its SKUs.
PO_LINES_SHOWN = 50
PAYMENTS_SHOWN = 10  # /po N lists the latest payments to the supplier; the PDF lists them all
SUBCOMMANDS = frozenset({"qty", "receive", "close", "pay"})
# "/po create" was read as /po N with N "create": "Nothing was found". Purchase orders are drafted, not typed.
MADE_BY_THE_SCAN = frozenset({"create", "new", "add", "make"})
HOW_POS_ARE_MADE = N_(
    "Purchase orders are drafted by the reorder scan, every hour, for what is at or under its reorder point (set"
    " with /reorder SKU WAREHOUSE POINT [MAX], or many at once with a reorder file: /import reorder, which also"
    " names each product's supplier). A draft comes to the staff chat and to /po: edit it with /po qty N SKU QTY,"
    " approve it on /po N."
)


def _number(text: str) -> int:
    if not text.isdecimal() or len(text) > 9:  # more digits is no number or count (nor fits a database column)
        raise InvalidQuantity(maximum=MAX_PO_QUANTITY)
    return int(text)


def _po_number(text: str) -> int:
    """A purchase order's number: anything that cannot be one names no purchase order (not a bad quantity)."""
    if not text.isdecimal() or len(text) > 9:
        raise NotFound()
    return int(text)


def _keyboard(po: PurchaseOrder) -> InlineKeyboardMarkup | None:
    if po.id is None or po.status is PoStatus.DISCARDED:
        return None
    rows = []
    if po.status is PoStatus.DRAFT:
        approve = InlineKeyboardButton(text=_("✅ Approve"), callback_data=PoCb(number=po.id, action="approve").pack())
        discard = InlineKeyboardButton(text=_("🗑 Discard"), callback_data=PoCb(number=po.id, action="discard").pack())
        rows.append([approve, discard])
    pdf = InlineKeyboardButton(text=_("📄 PDF for the supplier"), callback_data=PoCb(number=po.id, action="pdf").pack())
    return InlineKeyboardMarkup(inline_keyboard=[*rows, [pdf]])


async def _show(target: Target, uow: UnitOfWork, renderer: Renderer, staff_id: int, number: int) -> None:
    text, keyboard = await _view(uow, renderer, staff_id, number)
    await target.answer(text, reply_markup=keyboard)


async def _view(
    uow: UnitOfWork, renderer: Renderer, staff_id: int, number: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    details = await purchase_order(uow, staff_id=staff_id, number=number)
    po, terms = details.po, details.terms
    lines, more = po.lines[:PO_LINES_SHOWN], max(len(po.lines) - PO_LINES_SHOWN, 0)
    payments = details.payments[-PAYMENTS_SHOWN:]  # the latest; the earlier ones are counted
    earlier = len(details.payments) - len(payments)
    # A draft's lines the supplier would not take as they are (not whole packs, under its
    # minimum: edited by hand), each with its pack and the quantities that would do.
    off = {
        line.id: (t.pack_size, *found)
        for line in (lines if po.status is PoStatus.DRAFT else [])
        if (t := terms.get(line.product_id)) is not None and (found := off_terms(line.quantity, t)) is not None
    }
    text = renderer.render(
        "staff/po.html.j2",
        po=po,
        supplier=details.supplier,
        warehouse=details.warehouse,
        lines=lines,
        more=more,
        off=off,
        payments=payments,
        earlier=earlier,
    )
    return text, _keyboard(po)


@router.message(Command("po"))
@router.message(F.text.regexp(r"^/po_\d+$"))
async def po_command(
    message: Message,
    uow: UnitOfWork,
    clock: Clock,
    renderer: Renderer,
    state: FSMContext,
    command: CommandObject | None = None,
) -> None:
    assert message.from_user is not None
    staff_id = message.from_user.id
    # /po … has a command object; the tappable /po_N links in the list have none.
    args = (command.args or "").split() if command else [(message.text or "").strip().removeprefix("/po_")]
    if not args:
        orders, suppliers, warehouses = await purchase_orders(uow, staff_id=staff_id)
        listed = renderer.render("staff/po_list.html.j2", orders=orders, suppliers=suppliers, warehouses=warehouses)
        await message.answer(listed)
    elif args[0].lower() in MADE_BY_THE_SCAN:
        await message.answer(_(HOW_POS_ARE_MADE))
    elif len(args) == 1 and args[0] not in SUBCOMMANDS:  # "/po receive" alone names no order: the usage
        await _show(message, uow, renderer, staff_id, _po_number(args[0]))
    elif args[0] == "qty" and len(args) == 4:
        number = _po_number(args[1])
        await set_po_quantity(uow, staff_id=staff_id, number=number, sku=args[2], quantity=_number(args[3]))
        await _show(message, uow, renderer, staff_id, number)
    elif args[0] == "receive" and (len(args) in (2, 4, 5) or (len(args) == 6 and args[5].lower() == NEW_BIN_FLAG)):
        request: dict[str, object] = {"kind": "po", "number": _po_number(args[1]), "sku": None, "quantity": None}
        if len(args) >= 4:
            request.update(sku=args[2], quantity=_number(args[3]))
        request["bin"] = args[4] if len(args) >= 5 else None
        try:
            receipt = await receive_po_as_asked(uow, clock, staff_id, request, new_bin=len(args) == 6)
        except NewBin as asked:  # a typo in the bin: asked, nothing received
            await ask_new_bin(message, state, asked, request)
            return
        await message.answer(received_text(receipt))
    elif args[0] == "close" and len(args) == 2:
        po = await close_po(uow, staff_id=staff_id, number=_po_number(args[1]))
        await message.answer(
            _("Purchase order {number} is closed: what it still expected is no longer coming.").format(number=po.id)
        )
    elif args[0] == "pay" and len(args) >= 3:
        await _pay(message, uow, clock, staff_id, (command.args or "") if command else "")
    else:
        await message.answer(_(USAGE))


async def _pay(message: Message, uow: UnitOfWork, clock: Clock, staff_id: int, text: str) -> None:
    """/po pay N AMOUNT [NOTE]: the amount may be typed with a space between thousands ("1 234,50")
    (the reader's way); the words after it are the note, kept in the journal's memo."""
    _pay_word, number, rest = text.split(maxsplit=2)
    amount, note = split_typed_amount(rest)  # "1 234,50 wire 77": 1234,50 and the note "wire 77"
    po = await pay_po(uow, clock, staff_id=staff_id, number=_po_number(number), amount=amount, note=note)
    if po.owed.amount:
        text = _("Paid to the supplier of purchase order {number}. Paid {paid} of {received}; still owed {owed}.")
    else:
        text = _("Paid to the supplier of purchase order {number}. Paid {paid} of {received}: nothing is owed now.")
    await message.answer(
        fill(
            text,
            number=po.id,
            paid=format_money(po.paid),
            received=format_money(po.received_total),
            owed=format_money(po.owed),
        )
    )


async def receive_po_as_asked(
    uow: UnitOfWork, clock: Clock, staff_id: int, request: dict[str, object], *, new_bin: bool, bin_code: str = ""
) -> PoReceipt:
    """/po receive's goods in (``request``: as typed), into ``bin_code`` when given instead of the one typed."""
    quantity = request.get("quantity")
    return await receive_po(
        uow,
        clock,
        staff_id=staff_id,
        number=int(str(request["number"])),
        sku=str(request["sku"]) if request.get("sku") else None,
        quantity=int(str(quantity)) if quantity is not None else None,
        bin_code=bin_code or (str(request["bin"]) if request.get("bin") else None),
        new_bin=new_bin,
    )


def received_text(receipt: PoReceipt) -> str:
    """What came in and the bin each line went to (where to shelve it), then the order's status."""
    lines = [fill(_("Received into {warehouse}:"), warehouse=receipt.warehouse)]
    lines += [
        fill(_("• {sku} × {quantity} → bin {bin}"), sku=p.sku, quantity=format_number(p.quantity), bin=p.bin_code)
        for p in receipt.placed[:PO_LINES_SHOWN]
    ]
    if (more := len(receipt.placed) - PO_LINES_SHOWN) > 0:
        lines.append(_("… and %(count)s more.") % {"count": format_number(more)})
    status = label("po_status", receipt.po.status.value)
    lines.append(_("Purchase order {number} is now {status}.").format(number=receipt.po.id, status=status))
    by_currency: dict[str, list[str]] = {}
    for sku, currency in receipt.unrated.items():
        by_currency.setdefault(currency, []).append(sku)
    for currency, skus in sorted(by_currency.items()):
        shown = ", ".join(skus[:PO_SKUS_NAMED]) + (", …" if len(skus) > PO_SKUS_NAMED else "")
        lines.append(unrated_hint(shown, currency))
    return "\n".join(lines)


@router.callback_query(PoCb.filter())
async def po_button(
    query: CallbackQuery,
    callback_data: PoCb,
    uow: UnitOfWork,
    clock: Clock,
    renderer: Renderer,
    i18n: I18n,
    settings: ShopSettings,
) -> None:
    chat = pressed_in(query)  # a draft the nightly scan posted may wait days for its Approve
    staff_id = query.from_user.id
    if callback_data.action == "pdf":
        papers = await po_paperwork(uow, staff_id=staff_id, number=callback_data.number)
        pdf = purchase_order_pdf(papers, await identity_of_shop(uow, i18n), settings.timezone)
        await query.answer()
        await chat.answer_document(BufferedInputFile(pdf, filename=f"purchase-order-{papers.po.id}.pdf"))
    elif callback_data.action in ("approve", "discard"):
        try:
            if callback_data.action == "approve":
                po = await approve_po(uow, clock, staff_id=staff_id, number=callback_data.number)
                pressed, done = _("Approved"), _("Purchase order {number} is approved.")
            else:
                po = await discard_po(uow, staff_id=staff_id, number=callback_data.number)
                pressed, done = _("Discarded"), _("Purchase order {number} is discarded.")
        except PoNotEditable as decided:  # elsewhere (/po N, another note): refused, and the message shows it now
            await query.answer(domain_message(decided, html=False, timezone=settings.timezone), show_alert=True)
            await _refresh(query, uow, renderer, staff_id, callback_data.number)
            return
        await query.answer(pressed)
        await _refresh(query, uow, renderer, staff_id, callback_data.number)
        await chat.answer(done.format(number=po.id))
    else:
        await query.answer()
        await _show(chat, uow, renderer, staff_id, callback_data.number)


async def _refresh(query: CallbackQuery, uow: UnitOfWork, renderer: Renderer, staff_id: int, number: int) -> None:
    """The pressed message (/po N, or the staff chat's note of the draft) shows the order as it is
    now: no Approve or Discard left to tap again, nor a draft's "change a quantity"."""
    text, keyboard = await _view(uow, renderer, staff_id, number)
    await show_in_place(query, text, keyboard)
