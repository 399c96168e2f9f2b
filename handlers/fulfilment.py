"""/queue [WAREHOUSE] — orders to fulfil by priority; /order CODE — an order in full, with
its routing decision and reasons, allocations, picking, payments and timeline."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.exceptions import TelegramForbiddenError
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _

from domain.customers import Customer, pick_language
from domain.money import Money, split_typed_amount
from domain.orders import OrderStatus
from domain.ports import Clock, UnitOfWork
from domain.usecases.dispatch import paperwork_to_send
from domain.usecases.insight import customer_profile, top_customers
from domain.usecases.order_queue import QueuePage, queue_page
from domain.usecases.owed_back import confirm_paid_back
from domain.usecases.payments import PaymentRepeated, record_invoice_payment
from domain.usecases.pricing import set_price_group
from domain.usecases.special import set_business, set_tax_number, set_vip
from domain.usecases.staff_order import order_for_staff
from domain.usecases.support import customer_conversations
from handlers.callbacks import PoEditCb
from handlers.callbacks_staff import OwedBackCb, PaidAgainCb, QueuePageCb, SendReceiptCb
from handlers.catalog import reading_language
from handlers.context import ShopSettings
from handlers.orders import receipt_file
from handlers.views.markup import packed
from handlers.views.pager import pager
from handlers.views.pressed import show_in_place
from handlers.views.rendering import Renderer, fill, format_money

router = Router(name=__name__)
QUEUE_PAGE = 20  # orders a page; after a busy day a warehouse has hundreds to fulfil


def _queue_screen(found: QueuePage, renderer: Renderer) -> tuple[str, InlineKeyboardMarkup | None]:
    here = found.warehouse.id or 0
    nav = pager(found.page, found.pages, lambda n: packed(QueuePageCb, here, n))
    keyboard = InlineKeyboardMarkup(inline_keyboard=nav) if nav else None
    return renderer.render("staff/queue.html.j2", q=found), keyboard


@router.message(Command("queue"))
async def queue(message: Message, command: CommandObject, uow: UnitOfWork, renderer: Renderer) -> None:
    assert message.from_user is not None
    found = await queue_page(
        uow,
        staff_id=message.from_user.id,
        warehouse_code=(command.args or "").strip() or None,
        page=0,
        page_size=QUEUE_PAGE,
    )
    text, keyboard = _queue_screen(found, renderer)
    await message.answer(text, reply_markup=keyboard)


@router.callback_query(QueuePageCb.filter())
async def queue_turn(query: CallbackQuery, callback_data: QueuePageCb, uow: UnitOfWork, renderer: Renderer) -> None:
    found = await queue_page(
        uow,
        staff_id=query.from_user.id,
        warehouse_id=callback_data.warehouse_id,
        page=callback_data.page,
        page_size=QUEUE_PAGE,
    )
    # A button from before orders left the queue: the last page, and why it is not the one asked for.
    await query.answer(_("The queue has changed since: this is its last page now.") if found.moved else None)
    text, keyboard = _queue_screen(found, renderer)
    await show_in_place(query, text, keyboard)  # a queue shown days ago: the page comes as a new message


@router.message(Command("order"))
async def order(message: Message, command: CommandObject, uow: UnitOfWork, renderer: Renderer) -> None:
    assert message.from_user is not None
    if not (command.args or "").strip():
        await message.answer(_("Usage: /order CODE"))
        return
    text, keyboard = await order_screen(uow, renderer, message.from_user.id, command.args or "")
    await message.answer(text, reply_markup=keyboard)


async def order_screen(
    uow: UnitOfWork, renderer: Renderer, staff_id: int, code: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The order in full; a button to confirm what it owes back paid, for who records payments."""
    view = await order_for_staff(uow, staff_id=staff_id, code=code)
    named = view.order.in_language(reading_language())  # lines as sold, in the staff member's language
    rows: list[list[InlineKeyboardButton]] = []
    if view.owed_back is not None and view.owed_back.amount > 0:
        label = _("💸 Refund paid back: {amount}").format(amount=format_money(view.owed_back))
        data = packed(OwedBackCb, view.order.code, view.owed_back.amount)
        rows.append([InlineKeyboardButton(text=label, callback_data=data)])
    if view.sends_receipts and view.customer is not None and view.customer.telegram_id is not None:
        data = packed(SendReceiptCb, view.order.code)
        rows.append([InlineKeyboardButton(text=_("📤 Send the receipt to the customer"), callback_data=data)])
    business = view.order.reference or (view.customer is not None and view.customer.is_business)
    ours = view.order.channel_name is None  # another channel's order number is its own, as its updates name it
    if business and ours and view.edits_orders and view.order.status is not OrderStatus.CANCELLED:  # AP desk asks
        data = packed(PoEditCb, view.order.code, 1)
        rows.append([InlineKeyboardButton(text=_("🧾 Change the PO number"), callback_data=data)])
    keyboard = InlineKeyboardMarkup(inline_keyboard=rows) if rows else None
    return renderer.render("staff/order.html.j2", view=view, order=named), keyboard


@router.callback_query(SendReceiptCb.filter())
async def send_receipt(
    query: CallbackQuery,
    callback_data: SendReceiptCb,
    bot: Bot,
    uow: UnitOfWork,
    i18n: I18n,
    settings: ShopSettings,
) -> None:
    """The receipt, in the customer's language, to their chat (they lost it, or asked again)."""
    papers = await paperwork_to_send(uow, staff_id=query.from_user.id, code=callback_data.code)
    customer = papers.customer
    assert customer is not None and customer.telegram_id is not None
    language = pick_language(customer.language, customer.telegram_language, i18n.default_locale, i18n.available_locales)
    with i18n.use_locale(language):
        document = await receipt_file(papers, uow, i18n, settings)
    try:
        await bot.send_document(customer.telegram_id, document)
    except TelegramForbiddenError:
        await query.answer(_("⚠️ The customer has blocked the bot: they did not get this message."), show_alert=True)
        return
    await query.answer(fill(_("🧾 Receipt for order {code} sent to the customer."), code=papers.order.code))


@router.callback_query(OwedBackCb.filter())
async def owed_back_paid(
    query: CallbackQuery, callback_data: OwedBackCb, uow: UnitOfWork, clock: Clock, renderer: Renderer
) -> None:
    staff_id = query.from_user.id
    order, paid = await confirm_paid_back(
        uow, clock, staff_id=staff_id, code=callback_data.code, seen=callback_data.seen
    )
    await query.answer(_("Refund paid back: {amount}").format(amount=format_money(paid)))
    text, keyboard = await order_screen(uow, renderer, staff_id, order.code)
    await show_in_place(query, text, keyboard)


@router.message(Command("paid"))
async def invoice_paid(message: Message, command: CommandObject, uow: UnitOfWork, clock: Clock) -> None:
    assert message.from_user is not None
    order_code, typed = [*(command.args or "").split(maxsplit=1), "", ""][:2]
    # "1 000,50 BACS 4471": 1000,50 and its note, as /po pay and /refund read them
    amount_text, note = split_typed_amount(typed)
    if not order_code:
        await message.answer(
            _(
                "Usage: /paid ORDER-CODE [AMOUNT [NOTE]] (without an amount: all that is left to pay; "
                "the note, a bank transfer's reference, is kept with the payment)"
            )
        )
        return
    try:
        order, paid, left, kept = await record_invoice_payment(
            uow, clock, staff_id=message.from_user.id, code=order_code, amount=amount_text, note=note
        )
    except PaymentRepeated as repeated:  # a /paid sent twice by mistake is not a second part-payment
        code, amount = str(repeated.params["code"]), repeated.params["amount"]
        assert isinstance(amount, Money)
        data = packed(PaidAgainCb, code, amount.amount, int(repeated.params["seen"]))
        button = InlineKeyboardButton(
            text=_("✅ Record another {amount}").format(amount=format_money(amount)), callback_data=data
        )
        text = fill(_(PaymentRepeated.key), code=code, amount=format_money(amount))
        await message.answer(text, reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]]))
        return
    await message.answer(_paid_reply(order.code, paid, left, kept))


@router.callback_query(PaidAgainCb.filter())
async def invoice_paid_again(query: CallbackQuery, callback_data: PaidAgainCb, uow: UnitOfWork, clock: Clock) -> None:
    """The repeated payment confirmed: recorded once, the question's button gone, the note it keeps (the one of the
    payment it repeats) shown as a /paid's reply shows its own."""
    order, paid, left, kept = await record_invoice_payment(
        uow,
        clock,
        staff_id=query.from_user.id,
        code=callback_data.code,
        minor=callback_data.minor,
        seen=callback_data.seen,
    )
    await query.answer()
    await show_in_place(query, _paid_reply(order.code, paid, left, kept))


def _paid_reply(code: str, paid: Money, left: Money, kept: str) -> str:
    """What staff read once a payment is recorded, and the note kept with it."""
    if left.amount > 0:
        text = _("Payment of {amount} recorded for order {code}; {left} is still to pay.")
        said = fill(text, amount=format_money(paid), code=code, left=format_money(left))
    else:
        text = _("Payment of {amount} recorded for order {code}; invoice reminders stop.")
        said = fill(text, amount=format_money(paid), code=code)
    return said + "\n" + fill(_("Note: {note}"), note=kept) if kept else said


@router.message(Command("vip"))
async def vip(message: Message, command: CommandObject, uow: UnitOfWork) -> None:
    assert message.from_user is not None
    args = (command.args or "").split()
    if len(args) != 2 or args[1].lower() not in ("on", "off"):
        await message.answer(_("Usage: /vip CUSTOMER-ID|@username on|off"))
        return
    customer, changed = await set_vip(
        uow, staff_id=message.from_user.id, reference=args[0], vip=args[1].lower() == "on"
    )
    text = _("{name} is now a VIP customer.") if customer.is_vip else _("{name} is no longer a VIP customer.")
    await message.answer(
        fill(text, name=customer.display_name) + " " + _("Open orders changed: {n}.").format(n=changed)
    )


@router.message(Command("customer"))
async def customer_command(
    message: Message,
    command: CommandObject,
    uow: UnitOfWork,
    clock: Clock,
    renderer: Renderer,
    settings: ShopSettings,
) -> None:
    """``/customer REF`` shows a profile; ``/customer REF business on [DAYS] [LIMIT]`` or
    ``… business off`` sets a business's payment terms; ``… tax NUMBER`` (``tax -``: none) the tax
    number its invoices print; ``/customer REF group NAME`` puts
    them on a price list (REF may be a phone with spaces)."""
    assert message.from_user is not None
    words = (command.args or "").split()
    lowered = [word.lower() for word in words]
    if len(words) >= 3 and lowered[-2] == "group":
        customer = await set_price_group(
            uow, staff_id=message.from_user.id, reference=" ".join(words[:-2]), group=words[-1]
        )
        text = _("{name} now buys at the “{group}” price list.")
        await message.answer(fill(text, name=customer.display_name, group=customer.price_group))
        return
    if "tax" in lowered[1:]:
        at = lowered.index("tax", 1)
        reference, number = " ".join(words[:at]), " ".join(words[at + 1 :])
        if not number:
            await message.answer(_("Usage: /customer CUSTOMER tax NUMBER, or tax - to forget it"))
            return
        customer = await set_tax_number(
            uow, staff_id=message.from_user.id, reference=reference, number=None if number == "-" else number
        )
        await message.answer(_tax_number_set(customer))
        return
    if "business" in lowered:
        at = lowered.index("business")
        reference, terms = " ".join(words[:at]), lowered[at + 1 :]
        limit, rest = split_typed_amount(" ".join(terms[2:]))  # "1 234,50": as /paid and /po pay read it
        valid = (terms[:1] == ["on"] and not rest) or terms == ["off"]
        if not reference or not valid:
            await message.answer(_("Usage: /customer CUSTOMER business on [DAYS] [CREDIT-LIMIT], or business off"))
            return
        customer = await set_business(
            uow,
            staff_id=message.from_user.id,
            reference=reference,
            business=terms[0] == "on",
            days=terms[1] if len(terms) > 1 else "",
            limit=limit,
        )
        await message.answer(_business_set(customer, settings))
        return
    if not words:
        await message.answer(
            _(
                "Usage: /customer TELEGRAM-ID, @username, +phone or email "
                "(then business on [DAYS] [CREDIT-LIMIT], business off, tax NUMBER, or group NAME)"
            )
        )
        return
    profile = await customer_profile(
        uow,
        clock,
        staff_id=message.from_user.id,
        reference=command.args or "",
        invoice_net_days=settings.invoice_net_days,
    )
    assert profile.customer.id is not None
    history = await customer_conversations(uow, profile.customer.id)
    text = renderer.render("staff/customer.html.j2", p=profile)
    conversations = renderer.render("support/history.html.j2", conversations=history)
    await message.answer(f"{text}\n\n{conversations}" if conversations else text)


def _tax_number_set(customer: Customer) -> str:
    if customer.tax_number is None:
        return fill(_("{name} has no tax number now; invoices print none."), name=customer.display_name)
    text = _("{name}'s tax number is now {number}; invoices print it.")
    return fill(text, name=customer.display_name, number=customer.tax_number)


def _business_set(customer: Customer, settings: ShopSettings) -> str:
    name = customer.display_name
    if not customer.is_business:
        return fill(_("{name} is no longer a business customer."), name=name)
    days = settings.invoice_net_days if customer.payment_terms_days is None else customer.payment_terms_days
    text = fill(
        ngettext(
            "{name} is now a business customer: invoices due in {days} day.",
            "{name} is now a business customer: invoices due in {days} days.",
            days,
        ),
        name=name,
        days=days,
    )
    if customer.credit_limit is None:
        return text
    limit = format_money(Money(customer.credit_limit, settings.default_currency))
    return text + " " + _("Credit limit: {limit}.").format(limit=limit)


@router.message(Command("top"))
async def top_command(message: Message, uow: UnitOfWork, renderer: Renderer) -> None:
    assert message.from_user is not None
    ranked = await top_customers(uow, staff_id=message.from_user.id)
    await message.answer(renderer.render("staff/top.html.j2", ranked=ranked))
