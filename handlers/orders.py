"""The customer's orders: list, detail with timeline, /track CODE, cancel, pay again."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from domain.credit_notes import CreditNote
from domain.customers import Customer
from domain.debit_notes import DebitNote
from domain.errors import DomainError, NotFound
from domain.order_actions import order_actions
from domain.orders import Order, PaymentMethod
from domain.ports import Clock, UnitOfWork
from domain.returns import delivered_at
from domain.usecases.buy_again import buy_again
from domain.usecases.dispatch import OrderPaperwork, paperwork_for_customer
from domain.usecases.orders import (
    CancelledAlready,
    NotCancellable,
    OrdersPage,
    PaidMeanwhile,
    cancel_my_order,
    check_cancellable,
    my_orders,
)
from domain.usecases.payments import order_to_pay
from domain.usecases.tracking import OrderTracking, my_order_tracking
from handlers.callbacks import (
    CREDIT_NOTE_KIND,
    DEBIT_NOTE_KIND,
    NOTE_KINDS,
    BackorderListCb,
    BuyAgainCb,
    CancelOrderCb,
    ContactCb,
    DocumentCb,
    EditOrderCb,
    OrderCb,
    OrdersPageCb,
    PayDifferenceCb,
    PayOrderCb,
    PoEditCb,
    ReturnStartCb,
    button,
)
from handlers.cart import cart_keyboard, cart_text, customer_cart
from handlers.catalog import customer_currency, reading_language
from handlers.checkout_payment import send_invoice
from handlers.context import ShopSettings
from handlers.errors import domain_message
from handlers.menu import ORDERS_BUTTON
from handlers.output.documents import adds_to, corrected, credit_note, debit_note, receipt
from handlers.shop import identity_of_shop
from handlers.views.buy_again import buy_again_notes
from handlers.views.labels import label
from handlers.views.markup import inline_keyboard, packed
from handlers.views.pager import pager
from handlers.views.pressed import pressed_in, show_in_place
from handlers.views.rendering import Renderer, fill, format_money

router = Router(name=__name__)


def _list_keyboard(page: OrdersPage) -> InlineKeyboardMarkup:
    rows = [
        [button(f"{o.code} · {format_money(o.total)} · {label('status', o.status.value)}", OrderCb(code=o.code))]
        for o in page.orders
    ]
    return inline_keyboard(rows + pager(page.page, page.pages, lambda n: packed(OrdersPageCb, n)))


def _is_invoice(order: Order) -> bool:
    """Whether the order's document is an invoice (a business's order on terms), not a receipt."""
    return order.payment_method is PaymentMethod.INVOICE


def document_label(order: Order) -> str:
    """The order's PDF button, named for what it sends (the chat's and the Mini App's): a business's invoice is
    no receipt (in Russian a «чек» is a fiscal cash receipt)."""
    if order.no_charge_replacement:  # no invoice was issued: it has no number
        return _("🧾 Delivery note (PDF)")
    return _("🧾 Invoice (PDF)") if _is_invoice(order) else _("🧾 Receipt (PDF)")


def document_file_name(order: Order) -> str:
    """The order's PDF as its button names it: ``receipt-CODE.pdf``, or an invoice by the number it is filed
    under, ``invoice-INV-000001.pdf``, as a credit note is (``invoice-CODE.pdf``: issued before numbers)."""
    if order.no_charge_replacement:
        return f"delivery-note-{order.code}.pdf"
    if _is_invoice(order):
        return f"invoice-{order.invoice_label or order.code}.pdf"
    return f"receipt-{order.code}.pdf"


def _detail_keyboard(
    order: Order, settings: ShopSettings, now: datetime, tracking: OrderTracking | None = None
) -> InlineKeyboardMarkup | None:
    builder = InlineKeyboardBuilder()
    offered = order_actions(order, settings, now, tracking)
    if offered.pay:
        builder.button(text=_("💳 Pay"), callback_data=PayOrderCb(code=order.code))
    if offered.pay_difference:
        builder.button(text=_("💳 Pay the difference"), callback_data=PayDifferenceCb(code=order.code))
    if offered.edit:
        builder.button(text=_("✏️ Edit"), callback_data=EditOrderCb(code=order.code))
    if offered.waiting:
        builder.button(text=_("⏳ Waiting for stock"), callback_data=BackorderListCb(code=order.code))
    if offered.cancel:
        builder.button(text=_("✖ Cancel order"), callback_data=CancelOrderCb(code=order.code, confirmed=False))
    if offered.returns:
        builder.button(text=_("↩️ Return"), callback_data=ReturnStartCb(code=order.code, kind="refund"))
        builder.button(text=_("🔁 Exchange"), callback_data=ReturnStartCb(code=order.code, kind="exchange"))
    if offered.po_number:
        text = _("🧾 Change your PO number") if order.reference else _("🧾 Add your PO number")
        builder.button(text=text, callback_data=PoEditCb(code=order.code, staff=0))
    builder.button(text=document_label(order), callback_data=DocumentCb(code=order.code, kind="receipt"))
    builder.button(text=_("🛒 Buy again"), callback_data=BuyAgainCb(code=order.code))
    if settings.support_chat_id is not None:
        builder.button(text=_("💬 Contact us"), callback_data=ContactCb(code=order.code))
    builder.button(text=_("⬅ My orders"), callback_data=OrdersPageCb(page=0))
    builder.adjust(1)
    return builder.as_markup()


# Lines an order's screen names; the rest are counted. A business's 100-line order listed whole ran
# past a message's 4,096 characters, and the edit in place cut off the total, payment and timeline.
DETAIL_LINES_SHOWN = 20


def detail_text(renderer: Renderer, order: Order, tracking: OrderTracking | None = None) -> str:
    """The order as its reader sees it: the lines named in their language as when it was placed;
    its parcels; an invoice not yet settled, when it is due and what it still asks for; its
    returns and refunds, each with where it stands."""
    tracking, language = tracking or OrderTracking(order), reading_language()
    order = order.in_language(language)
    return renderer.render(
        "order_detail.html.j2",
        order=order,
        line_names={line.id: line.name for line in order.lines},  # a parcel's lines by name, not SKU
        language=language,
        parcels=tracking.parcels,
        lines_shown=DETAIL_LINES_SHOWN,
        invoice_left=tracking.invoice_left,
        tracking=tracking,
        delivered_at=delivered_at(order),
    )


async def _show_in_place(
    query: CallbackQuery,
    order: Order,
    settings: ShopSettings,
    renderer: Renderer,
    clock: Clock,
    tracking: OrderTracking | None = None,
) -> None:
    text = detail_text(renderer, order, tracking)
    await show_in_place(query, text, _detail_keyboard(order, settings, clock.now(), tracking))


@router.message(Command("orders"))
@router.message(F.text == ORDERS_BUTTON)
async def list_orders(
    message: Message, uow: UnitOfWork, customer: Customer, settings: ShopSettings, renderer: Renderer
) -> None:
    page = await my_orders(uow, customer_id=customer.id or 0, page=0, page_size=settings.orders_page_size)
    await message.answer(renderer.render("orders.html.j2", page=page), reply_markup=_list_keyboard(page))


@router.callback_query(OrdersPageCb.filter())
async def orders_page(
    query: CallbackQuery,
    callback_data: OrdersPageCb,
    uow: UnitOfWork,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
) -> None:
    page = await my_orders(
        uow, customer_id=customer.id or 0, page=callback_data.page, page_size=settings.orders_page_size
    )
    await query.answer()
    await show_in_place(query, renderer.render("orders.html.j2", page=page), _list_keyboard(page))


@router.message(Command("track"))
async def track(
    message: Message,
    command: CommandObject,
    uow: UnitOfWork,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
    clock: Clock,
) -> None:
    if not command.args:
        await message.answer(_("Usage: /track ORDER-CODE"))
        return
    try:
        tracking = await my_order_tracking(uow, customer_id=customer.id or 0, code=command.args)
    except NotFound:  # a mistyped code: the right one is among their orders, a tap away
        await _unknown_code(message, command.args, uow, customer, settings)
        return
    await message.answer(
        detail_text(renderer, tracking.order, tracking),
        reply_markup=_detail_keyboard(tracking.order, settings, clock.now(), tracking),
    )


async def _unknown_code(
    message: Message, code: str, uow: UnitOfWork, customer: Customer, settings: ShopSettings
) -> None:
    page = await my_orders(uow, customer_id=customer.id or 0, page=0, page_size=settings.orders_page_size)
    unknown = fill(_("There is no order <code>{code}</code> among yours."), code=code)
    if not page.orders:
        await message.answer(f"{unknown} {_('You have no orders yet.')}")
        return
    hint = _("Check the code, or open one of your recent orders below (all of them: /orders).")
    await message.answer(f"{unknown}\n{hint}", reply_markup=_list_keyboard(page))


@router.callback_query(OrderCb.filter())
async def order_detail(
    query: CallbackQuery,
    callback_data: OrderCb,
    uow: UnitOfWork,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
    clock: Clock,
) -> None:
    tracking = await my_order_tracking(uow, customer_id=customer.id or 0, code=callback_data.code)
    await query.answer()
    await _show_in_place(query, tracking.order, settings, renderer, clock, tracking)


@router.callback_query(CancelOrderCb.filter(F.confirmed.is_(False)))
async def ask_cancel(
    query: CallbackQuery,
    callback_data: CancelOrderCb,
    uow: UnitOfWork,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
    clock: Clock,
) -> None:
    tracking = await my_order_tracking(uow, customer_id=customer.id or 0, code=callback_data.code)
    try:
        check_cancellable(tracking.order, support=settings.support_chat_id is not None)
    except DomainError as refused:  # an old message's button: say why, and show the order as it is now
        await _refused_in_place(query, refused, settings, renderer, clock, tracking)
        return
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Yes, cancel it"), callback_data=CancelOrderCb(code=callback_data.code, confirmed=True))
    builder.button(text=_("No, keep it"), callback_data=OrderCb(code=callback_data.code))
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=builder.as_markup())
    else:  # too old to edit: the order, as it is now, asks again below
        await pressed_in(query).answer(
            detail_text(renderer, tracking.order, tracking), reply_markup=builder.as_markup()
        )


async def _refused_in_place(
    query: CallbackQuery,
    refused: DomainError,
    settings: ShopSettings,
    renderer: Renderer,
    clock: Clock,
    tracking: OrderTracking,
) -> None:
    await query.answer(domain_message(refused, html=False, timezone=settings.timezone), show_alert=True)
    await _show_in_place(query, tracking.order, settings, renderer, clock, tracking)


@router.callback_query(CancelOrderCb.filter(F.confirmed.is_(True)))
async def cancel(
    query: CallbackQuery,
    callback_data: CancelOrderCb,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
) -> None:
    try:
        order = await cancel_my_order(
            uow,
            clock,
            customer_id=customer.id or 0,
            code=callback_data.code,
            staff_chat_id=settings.staff_chat_id,
            support=settings.support_chat_id is not None,
        )
    except (NotCancellable, CancelledAlready, PaidMeanwhile) as refused:  # moved on since "Yes" was drawn
        tracking = await my_order_tracking(uow, customer_id=customer.id or 0, code=callback_data.code)
        await _refused_in_place(query, refused, settings, renderer, clock, tracking)
        return
    await query.answer(_("Order {code} is cancelled.").format(code=order.code), show_alert=True)
    await _show_in_place(query, order, settings, renderer, clock)


@router.callback_query(PayOrderCb.filter())
async def pay_again(
    query: CallbackQuery,
    callback_data: PayOrderCb,
    uow: UnitOfWork,
    customer: Customer,
    settings: ShopSettings,
    bot: Bot,
) -> None:
    order = await order_to_pay(uow, customer_id=customer.id or 0, code=callback_data.code)
    await query.answer()
    await send_invoice(bot, query.from_user.id, order, settings)


@router.callback_query(DocumentCb.filter((F.kind == "receipt") | F.kind.startswith(NOTE_KINDS)))
async def document_button(
    query: CallbackQuery,
    callback_data: DocumentCb,
    uow: UnitOfWork,
    customer: Customer,
    i18n: I18n,
    settings: ShopSettings,
) -> None:
    """The receipt, a refund's credit note or a rise's debit note, from the button its message carries: the buyer's
    own orders only."""
    assert query.bot is not None
    papers = await paperwork_for_customer(uow, customer_id=customer.id or 0, code=callback_data.code)
    # A note says beside its file which invoice it corrects or adds to, as its PDF prints it; the receipt nothing.
    caption: str | None = None
    if callback_data.kind == "receipt":
        document = await receipt_file(papers, uow, i18n, settings)
    elif callback_data.kind.startswith(DEBIT_NOTE_KIND):
        number = callback_data.kind.removeprefix(DEBIT_NOTE_KIND)
        debit = next((n for n in papers.debit_notes if number.isdigit() and n.number == int(number)), None)
        if debit is None:  # forged, or another order's number
            raise NotFound()
        document = await debit_note_file(papers, debit, uow, i18n, settings)
        caption = adds_to(papers, settings.timezone)
    else:
        number = callback_data.kind.removeprefix(CREDIT_NOTE_KIND)
        note = next((n for n in papers.credit_notes if number.isdigit() and n.number == int(number)), None)
        if note is None:  # forged, or another order's number
            raise NotFound()
        document = await credit_note_file(papers, note, uow, i18n, settings)
        caption = corrected(papers, settings.timezone)
    await query.answer()
    await query.bot.send_document(query.from_user.id, document, caption=caption)


async def credit_note_file(
    papers: OrderPaperwork, note: CreditNote, uow: UnitOfWork, i18n: I18n, settings: ShopSettings
) -> BufferedInputFile:
    """A credit note as a PDF, in the language being read."""
    pdf = credit_note(papers, note, await identity_of_shop(uow, i18n), settings.timezone)
    return BufferedInputFile(pdf, filename=f"credit-note-{note.label}.pdf")


async def debit_note_file(
    papers: OrderPaperwork, note: DebitNote, uow: UnitOfWork, i18n: I18n, settings: ShopSettings
) -> BufferedInputFile:
    """A debit note as a PDF, in the language being read."""
    pdf = debit_note(papers, note, await identity_of_shop(uow, i18n), settings.timezone)
    return BufferedInputFile(pdf, filename=f"debit-note-{note.label}.pdf")


async def receipt_file(
    papers: OrderPaperwork, uow: UnitOfWork, i18n: I18n, settings: ShopSettings
) -> BufferedInputFile:
    """The order's receipt as a PDF, in the language being read (``reading_language``)."""
    named = replace(papers, order=papers.order.in_language(reading_language()))  # the lines as sold, in their language
    pdf = receipt(named, await identity_of_shop(uow, i18n), settings.timezone)
    return BufferedInputFile(pdf, filename=document_file_name(papers.order))


@router.message(Command("receipt"))
async def receipt_command(
    message: Message, command: CommandObject, uow: UnitOfWork, customer: Customer, i18n: I18n, settings: ShopSettings
) -> None:
    code = (command.args or "").strip()
    if not code:
        await message.answer(_("Usage: /receipt ORDER-CODE"))
        return
    # Staff who may see orders get any order's receipt here, in their own language (support
    # send one to its customer from /order); everyone else their own orders' only.
    staff_id = message.from_user.id if message.from_user else None
    try:
        papers = await paperwork_for_customer(uow, customer_id=customer.id or 0, code=code, staff_id=staff_id)
    except NotFound:  # a mistyped code, as /track's: the right one is among their orders, a tap away
        await _unknown_code(message, code, uow, customer, settings)
        return
    await message.answer_document(await receipt_file(papers, uow, i18n, settings))
    for note in papers.credit_notes:  # what corrects it goes with it, for the buyer's accountant
        document = await credit_note_file(papers, note, uow, i18n, settings)
        await message.answer_document(document, caption=corrected(papers, settings.timezone))
    for debit in papers.debit_notes:  # and what adds to it
        document = await debit_note_file(papers, debit, uow, i18n, settings)
        await message.answer_document(document, caption=adds_to(papers, settings.timezone))


@router.callback_query(BuyAgainCb.filter())
async def buy_again_button(
    query: CallbackQuery,
    callback_data: BuyAgainCb,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
) -> None:
    """The order's lines go into the cart; what was skipped is named, then the cart is shown."""
    result = await buy_again(
        uow,
        clock,
        customer_id=customer.id or 0,
        code=callback_data.code,
        hold_minutes=settings.hold_minutes,
        language=reading_language(),
        currency=customer_currency(customer, settings.default_currency),
        fallback_currency=settings.default_currency,
    )
    await query.answer()
    chat = pressed_in(query)
    await chat.answer(renderer.render("buy_again.html.j2", result=result, notes=buy_again_notes(result)))
    if not result.nothing_added:
        cart = await customer_cart(uow, clock, customer, settings)
        text = await cart_text(uow, clock, customer, renderer, cart)
        await chat.answer(text, reply_markup=cart_keyboard(cart))
