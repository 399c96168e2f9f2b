"""The customer changes their order before picking ("✏️ Edit"), and pays the difference."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardMarkup,
    LabeledPrice,
    Message,
    PreCheckoutQuery,
    ReplyKeyboardRemove,
)
from aiogram.utils.i18n import gettext as _

from domain.customers import Customer
from domain.editing import EditConflict, LineChange, OrderChanges
from domain.errors import DomainError
from domain.money import Money
from domain.orders import Delivery, DeliveryMethod, Order, OrderStatus, PaymentMethod
from domain.ports import Clock, UnitOfWork
from domain.text import without_direction_controls
from domain.usecases.catalog import orderable_matches
from domain.usecases.checkout_options import pickup_points
from domain.usecases.edit_difference import (
    EDIT_PAYLOAD_PREFIX,
    check_difference_pre_checkout,
    difference_payload,
    difference_to_pay,
    record_difference_payment,
)
from domain.usecases.editing import EditOutcome, edit_order, order_to_edit
from handlers.callbacks import (
    EditAddCb,
    EditAddressCb,
    EditLineCb,
    EditOrderCb,
    EditPageCb,
    EditPickupCb,
    OrderCb,
    PayDifferenceCb,
    pickup_label,
    rows_of,
    shorten,
    shorten_name,
)
from handlers.catalog import reading_language
from handlers.checkout_payment import send_invoice
from handlers.context import ShopSettings
from handlers.errors import domain_message
from handlers.views.notification_buttons import credit_note_buttons
from handlers.views.pager import pager
from handlers.views.pressed import Target, pressed_in, show_in_place
from handlers.views.rendering import Renderer, fill

router = Router(name=__name__)
MAX_SEARCH = 100
ADD_CHOICES = 24  # products (each size and colour of one) offered for one search
EDIT_LINES_PER_PAGE = 20  # ➖ ➕ 🗑 each: a page and the screen's other buttons within Telegram's 100
MAX_EDIT_PAGES = 100  # what a button's page number holds (2,000 lines; the intake API takes 100)


class EditingOrder(StatesGroup):
    product = State()  # what to add: a name or SKU to search for


def edit_page(order: Order, page: int) -> tuple[int, int]:
    """The page shown (past the last: the last, as after a removal) and how many there are."""
    pages = min(max(1, -(-len(order.lines) // EDIT_LINES_PER_PAGE)), MAX_EDIT_PAGES)
    return min(max(page, 0), pages - 1), pages


def edit_keyboard(order: Order, *, staff: bool, page: int = 0) -> InlineKeyboardMarkup:
    """Per line: one less, one more, remove, each naming its line and the version it was shown at.
    ``EDIT_LINES_PER_PAGE`` lines a page (past the last: the last, as after a removal)."""
    buttons, language = [], reading_language()
    page, pages = edit_page(order, page)
    for line in order.lines[page * EDIT_LINES_PER_PAGE : (page + 1) * EDIT_LINES_PER_PAGE]:
        data = {
            "code": order.code,
            "version": order.version,
            "product_id": line.product_id,
            "staff": staff,
            "page": page,
        }
        name = line.named_in(language)
        buttons += [
            (f"➖ {shorten_name(name, 24)}", EditLineCb(quantity=line.quantity - 1, **data)),
            (f"➕ {shorten_name(name, 16)}", EditLineCb(quantity=line.quantity + 1, **data)),  # which line each changes
            (f"🗑 {shorten_name(name, 16)}", EditLineCb(quantity=0, **data)),
        ]
    markup = rows_of(*buttons, width=3)
    markup.inline_keyboard.extend(pager(page, pages, lambda n: EditPageCb(code=order.code, page=n, staff=staff).pack()))
    adding = EditAddCb(code=order.code, version=order.version, product_id=0, quantity=0, staff=staff)
    markup.inline_keyboard.append(rows_of((_("➕ Add a product"), adding)).inline_keyboard[0])
    if not staff:
        address = EditAddressCb(code=order.code, version=order.version)
        if order.delivery is not None and order.delivery.method is DeliveryMethod.COURIER:
            markup.inline_keyboard.append(rows_of((_("📍 Change address"), address)).inline_keyboard[0])
            pickup = EditPickupCb(code=order.code, version=order.version, warehouse_id=0)
            markup.inline_keyboard.append(rows_of((_("🏬 Pick up at a store instead"), pickup)).inline_keyboard[0])
        else:
            markup.inline_keyboard.append(rows_of((_("🚚 Deliver to an address instead"), address)).inline_keyboard[0])
        markup.inline_keyboard.append(rows_of((_("⬅ Back to the order"), OrderCb(code=order.code))).inline_keyboard[0])
    return markup


def pressed(data: EditLineCb | EditAddCb, *, step: bool) -> OrderChanges:
    """A button's change: ➖/➕ and "add one" (``step``) move through the customer's price-list
    packs as the cart's buttons do; 🗑, and a quantity staff typed, are exact."""
    return OrderChanges((LineChange(data.product_id, data.quantity, step=step and data.quantity != 0),))


def edit_screen(order: Order, renderer: Renderer, settings: ShopSettings, *, staff: bool, page: int = 0) -> str:
    """The order's lines on the page its buttons are for (names shortened to 120 characters), and
    its total always: every line of a 100-line order ran past a message's 4,096 characters, and
    the total was cut off."""
    until = None
    if not staff and order.created_at is not None:
        until = order.created_at + timedelta(minutes=settings.order_edit_window_minutes)
    page, pages = edit_page(order, page)
    first, read = page * EDIT_LINES_PER_PAGE, order.in_language(reading_language())
    shown = read.lines[first : first + EDIT_LINES_PER_PAGE]
    lines = {"first": first + 1, "last": first + len(shown), "count": len(order.lines)} if pages > 1 else None
    return renderer.render("order_edit.html.j2", order=read, shown=shown, lines=lines, until=until)


def outcome_text(outcome: EditOutcome, renderer: Renderer, *, editor: str = "") -> str:
    """What changed, for the one who changed it (staff, ``editor``, read it as the staff chat does)."""
    params = {
        **outcome.diff.in_language(reading_language()).params(),
        "charge_minor": outcome.settlement.charge.amount,
        "refund_minor": outcome.settlement.refund.amount,
    }
    if editor:
        editor = without_direction_controls(editor)  # a staff member's Telegram name, as they set it
        return renderer.render("notifications/staff_order_edited.html.j2", editor=editor, by_customer=False, **params)
    return renderer.render("notifications/order_edited.html.j2", **params)


def _difference_invoice(order: Order, due: Money, settings: ShopSettings) -> dict[str, Any]:
    """The difference's invoice, sent in the chat or opened from the Mini App alike."""
    return {
        "title": _("Order {code}: the difference").format(code=order.code),
        "description": (
            _("The item you chose in exchange costs more than the one you sent back.")
            if "REPLACEMENT" in order.flags
            else _("Your changes to order {code} cost more than you paid.").format(code=order.code)
        ),
        "payload": difference_payload(order),
        "currency": due.currency,
        "prices": [LabeledPrice(label=_("Difference"), amount=due.amount)],
        "provider_token": settings.payment_provider_token,
    }


async def send_difference_invoice(bot: Bot, chat_id: int, order: Order, due: Money, settings: ShopSettings) -> None:
    await bot.send_invoice(chat_id, **_difference_invoice(order, due, settings))


async def difference_invoice_link(bot: Bot, order: Order, due: Money, settings: ShopSettings) -> str:
    """The Mini App's 💳 Pay the difference: the same invoice as a link (``WebApp.openInvoice``)."""
    return await bot.create_invoice_link(**_difference_invoice(order, due, settings))


@router.callback_query(EditOrderCb.filter())
@router.callback_query(EditPageCb.filter())
async def open_edit(
    query: CallbackQuery,
    callback_data: EditOrderCb | EditPageCb,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
) -> None:
    """The edit screen, or another page of its lines (of staff's /edit too): the order as it is now."""
    staff = isinstance(callback_data, EditPageCb) and callback_data.staff
    page = callback_data.page if isinstance(callback_data, EditPageCb) else 0
    who = {"staff_id": query.from_user.id} if staff else {"customer_id": customer.id or 0}
    order = await order_to_edit(uow, clock, settings.edit_policy, code=callback_data.code, **who)
    await query.answer()
    screen = edit_screen(order, renderer, settings, staff=staff, page=page)
    await show_in_place(query, screen, edit_keyboard(order, staff=staff, page=page))


async def _show_edited(
    query: CallbackQuery, outcome: EditOutcome, bot: Bot, renderer: Renderer, settings: ShopSettings, page: int = 0
) -> None:
    """A customer's button changed the order: say so, redraw the edit screen, tell the rest."""
    await query.answer(_("Order {code} is changed.").format(code=outcome.order.code))
    order = outcome.order
    screen = edit_screen(order, renderer, settings, staff=False, page=page)
    await show_in_place(query, screen, edit_keyboard(order, staff=False, page=page))
    await after_edit(outcome, pressed_in(query), bot, renderer, settings)


async def after_edit(
    outcome: EditOutcome,
    chat: Target,
    bot: Bot,
    renderer: Renderer,
    settings: ShopSettings,
    markup: ReplyKeyboardRemove | None = None,
) -> None:
    """What changed, then the difference's invoice; ``markup`` takes away a question's keyboard."""
    # What is owed back comes with its credit note, as staff's edit tells it. A message takes one
    # keyboard: when it must take a question's away, the note's button comes right after it.
    notes = credit_note_buttons(outcome.credit_notes) if outcome.credit_notes else None
    await chat.answer(outcome_text(outcome, renderer), reply_markup=markup or notes)
    if markup is not None and notes is not None:
        await chat.answer(_("📄 The credit note of this change, for your accountant:"), reply_markup=notes)
    order = outcome.order
    if not settings.payment_provider_token:
        return
    if outcome.settlement.charge.amount:
        await send_difference_invoice(bot, chat.chat.id, order, outcome.settlement.charge, settings)
    elif order.status is OrderStatus.AWAITING_PAYMENT and order.payment_method is PaymentMethod.CARD:
        await send_invoice(bot, chat.chat.id, order, settings)  # the earlier invoice's amount is refused now


@router.callback_query(EditLineCb.filter(F.staff.is_(False)))
@router.callback_query(EditAddCb.filter((F.product_id > 0) & F.staff.is_(False)))
async def change_line(
    query: CallbackQuery,
    callback_data: EditLineCb | EditAddCb,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
    bot: Bot,
) -> None:
    """A line's ➖/➕/🗑, or a product chosen to add: stock held with the rest again, all or
    nothing; priced, discounted and told as any edit. Pressed on a screen the order has moved on
    from (another screen of theirs, a second press): said so, and this screen shown as it is now."""
    outcome = await edit_pressed(
        query, callback_data, uow, clock, settings, renderer, step=True, customer_id=customer.id or 0
    )
    if isinstance(outcome, EditOutcome):
        page = callback_data.page if isinstance(callback_data, EditLineCb) else 0
        await _show_edited(query, outcome, bot, renderer, settings, page)


async def edit_pressed(
    query: CallbackQuery,
    data: EditLineCb | EditAddCb,
    uow: UnitOfWork,
    clock: Clock,
    settings: ShopSettings,
    renderer: Renderer,
    *,
    step: bool,
    **who: int,
) -> EditOutcome | Order:
    """The edit a customer's or staff's (``who``: ``customer_id`` or ``staff_id``) button asks for.
    Pressed on a screen the order has moved on from: said so, nothing changed, the screen redrawn,
    and the order as it is now returned."""
    try:
        return await edit_order(
            uow,
            clock,
            settings.edit_policy,
            code=data.code,
            version=data.version,
            changes=pressed(data, step=step),
            language=reading_language(),
            **who,
        )
    except EditConflict:
        order = await order_to_edit(uow, clock, settings.edit_policy, code=data.code, **who)
        page = data.page if isinstance(data, EditLineCb) else 0
        await show_stale(query, order, renderer, settings, staff="staff_id" in who, page=page)
        return order


async def show_stale(
    query: CallbackQuery, order: Order, renderer: Renderer, settings: ShopSettings, *, staff: bool, page: int
) -> None:
    """A press on an edit screen the order has moved on from: said so, and the screen redrawn as it is now."""
    await query.answer(
        _("Order {code} has changed since this screen was shown. Nothing was changed; here it is as it is now.").format(
            code=order.code
        ),
        show_alert=True,
    )
    screen = edit_screen(order, renderer, settings, staff=staff, page=page)
    await show_in_place(query, screen, edit_keyboard(order, staff=staff, page=page))


@router.callback_query(EditPickupCb.filter(F.warehouse_id == 0))
async def choose_pickup(
    query: CallbackQuery,
    callback_data: EditPickupCb,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
) -> None:
    order = await order_to_edit(uow, clock, settings.edit_policy, code=callback_data.code, customer_id=customer.id or 0)
    buttons = [
        (
            pickup_label(w.name, w.address),
            EditPickupCb(code=order.code, version=order.version, warehouse_id=w.id or 0),
        )
        for w in await pickup_points(uow)
        if w.id is not None
    ]
    await query.answer()
    points = rows_of(*buttons, (_("⬅ Back"), EditOrderCb(code=order.code)))
    message = pressed_in(query)
    if isinstance(message, Message):
        await message.edit_reply_markup(reply_markup=points)
    else:  # the screen too old to take new buttons comes anew with them
        await message.answer(edit_screen(order, renderer, settings, staff=False), reply_markup=points)


@router.callback_query(EditPickupCb.filter(F.warehouse_id > 0))
async def pick_up_instead(
    query: CallbackQuery,
    callback_data: EditPickupCb,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
    bot: Bot,
) -> None:
    outcome = await edit_order(
        uow,
        clock,
        settings.edit_policy,
        code=callback_data.code,
        version=callback_data.version,
        changes=OrderChanges(delivery=Delivery(DeliveryMethod.PICKUP, pickup_warehouse_id=callback_data.warehouse_id)),
        customer_id=customer.id or 0,
        language=reading_language(),
    )
    await _show_edited(query, outcome, bot, renderer, settings)


@router.callback_query(EditAddCb.filter((F.product_id == 0) & F.staff.is_(False)))
async def ask_product(
    query: CallbackQuery,
    callback_data: EditAddCb,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    settings: ShopSettings,
    state: FSMContext,
) -> None:
    await order_to_edit(uow, clock, settings.edit_policy, code=callback_data.code, customer_id=customer.id or 0)
    await wait_for_text(query, state, EditingOrder.product, callback_data.code, callback_data.version)
    await pressed_in(query).answer(_("Which product should we add? Send its name or SKU (or /cancel)."))


async def wait_for_text(query: CallbackQuery, state: FSMContext, step: State, code: str, version: int) -> None:
    """The order may still be edited: the customer's next message answers ``step`` for it."""
    await state.set_state(step)
    await state.update_data(edit_code=code, edit_version=version)
    await query.answer()


@router.message(EditingOrder.product)
async def offer_products(
    message: Message,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    settings: ShopSettings,
    state: FSMContext,
) -> None:
    """The products matching what they typed, one button each; pressing one adds a unit."""
    text = await typed_search(message, state)
    if text is None:
        return
    data = await state.get_data()
    code, version = str(data.get("edit_code", "")), int(data.get("edit_version", -1))
    order = await order_to_edit(uow, clock, settings.edit_policy, code=code, customer_id=customer.id or 0)
    buttons = await product_choices(uow, order, version, text, settings, units=1, staff=False)
    if buttons is None:
        await message.answer(_("Nothing matches that. Send another name or SKU, or /cancel."))
        return
    await state.clear()
    back = (_("⬅ Back to the changes"), EditOrderCb(code=order.code))
    await message.answer(
        fill(_("Tap a product to add one to order {code}:"), code=order.code), reply_markup=rows_of(*buttons, back)
    )


async def typed_search(message: Message, state: FSMContext) -> str | None:
    """What to look for, as typed; None when it was answered here (/cancel, nothing, too long)."""
    text = " ".join(without_direction_controls(message.text or "").split())
    if text.startswith("/"):
        await state.clear()
        await message.answer(_("Nothing was added."))
        return None
    if not text or len(text) > MAX_SEARCH:
        await message.answer(_("Please send a name or SKU, up to {limit} characters.").format(limit=MAX_SEARCH))
        return None
    return text


async def product_choices(
    uow: UnitOfWork, order: Order, version: int, text: str, settings: ShopSettings, *, units: int, staff: bool
) -> list[tuple[str, EditAddCb]] | None:
    """One button per orderable product matching ``text`` (name or SKU), each adding ``units``
    to the order as it was at ``version``; None when nothing matches."""
    found = await orderable_matches(uow, text=text, limit=ADD_CHOICES, language=reading_language())
    have = {line.product_id: line.quantity for line in order.lines}
    buttons = [
        (
            shorten(f"➕ {product.sku} · {product.display_name}"),
            EditAddCb(code=order.code, version=version, product_id=pid, quantity=have.get(pid, 0) + units, staff=staff),
        )
        for product in found
        if (pid := product.id) is not None
    ]
    return buttons or None


@router.callback_query(PayDifferenceCb.filter())
async def pay_difference(
    query: CallbackQuery,
    callback_data: PayDifferenceCb,
    uow: UnitOfWork,
    customer: Customer,
    settings: ShopSettings,
    bot: Bot,
) -> None:
    support = settings.support_chat_id is not None
    order, due = await difference_to_pay(uow, code=callback_data.code, customer_id=customer.id or 0, support=support)
    await query.answer()
    await send_difference_invoice(bot, query.from_user.id, order, due, settings)


@router.pre_checkout_query()
async def difference_pre_checkout(query: PreCheckoutQuery, uow: UnitOfWork, settings: ShopSettings) -> None:
    if not query.invoice_payload.startswith(EDIT_PAYLOAD_PREFIX):
        raise SkipHandler()  # an order's own invoice: handlers.payments
    try:
        await check_difference_pre_checkout(
            uow,
            payload=query.invoice_payload,
            amount=query.total_amount,
            currency=query.currency,
            support=settings.support_chat_id is not None,
        )
    except DomainError as refused:
        await query.answer(ok=False, error_message=domain_message(refused, html=False, timezone=settings.timezone))
        return
    await query.answer(ok=True)


@router.message(F.successful_payment)
async def difference_paid(message: Message, uow: UnitOfWork, clock: Clock) -> None:
    payment = message.successful_payment
    assert payment is not None
    if not payment.invoice_payload.startswith(EDIT_PAYLOAD_PREFIX):
        raise SkipHandler()
    order, first_time = await record_difference_payment(
        uow,
        clock,
        payload=payment.invoice_payload,
        amount=payment.total_amount,
        currency=payment.currency,
        telegram_charge_id=payment.telegram_payment_charge_id,
        provider_charge_id=payment.provider_payment_charge_id,
    )
    if first_time:
        await message.answer(
            _("💳 Payment of the difference received for order {code}. Thank you!").format(code=order.code)
        )
