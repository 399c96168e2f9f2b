"""Checkout's last steps: how to pay, the review (a gift card and a promo code on it), and Confirm placing the order."""

from __future__ import annotations

import logging
import secrets
from dataclasses import replace
from html import escape

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, LabeledPrice, Message
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _

from domain.customers import CreditLimitExceeded, Customer
from domain.money import Money
from domain.orders import Channel, Delivery, DeliveryMethod, Order, PaymentMethod, payment_terms
from domain.ports import Clock, UnitOfWork
from domain.promotions import PromoRefused
from domain.shown_total import ShippingChanged, ShownTotal, ShownTotalChanged
from domain.text import typed
from domain.usecases.checkout import (
    MAX_GIFT_MESSAGE,
    CheckoutRequest,
    PaymentNotOffered,
    ShippingUnavailable,
    order_placed_params,
    payment_methods,
    place_order_replying,
    placed_by_key,
)
from domain.usecases.checkout_options import ShippingOptions, pickup_points
from domain.usecases.invoice_terms import invoice_days, invoice_over_limit
from domain.usecases.paylinks import line_summary, payment_link
from domain.usecases.payments import invoice_payload
from handlers.callbacks import Confirm, GiftChoice, PaymentChoice, PoNumberAsk, rows_of
from handlers.catalog import customer_currency, reading_language
from handlers.checkout_options import ask_shipping, gone
from handlers.checkout_state import Checkout, CheckoutDraft, draft_of, out_of_date, quoted, save
from handlers.context import OutboxSender, ShopSettings
from handlers.errors import domain_message
from handlers.menu import main_menu
from handlers.paylinks import invoice_links, link_sent_text
from handlers.promo_review import promo_button
from handlers.review_step import ask_at_review, typed_at, typed_value
from handlers.views.pressed import Target, pressed_in
from handlers.views.rendering import Renderer, fill, fill_text, format_money

log = logging.getLogger(__name__)
router = Router(name=__name__)
# The review names this many of the cart's lines and counts the rest: 100 lines of long names ran past a
# message's 4,096 characters and cut off the total (the buttons are the same whatever the lines).
REVIEW_LINES = 10


# ------------------------------------------------------------------------------ payment
async def ask_payment(
    message: Target,
    state: FSMContext,
    draft: CheckoutDraft,
    customer: Customer,
    uow: UnitOfWork,
    clock: Clock,
    settings: ShopSettings,
    refused: PaymentMethod | None = None,
) -> None:
    """Step 4; ``refused``: a way to pay just refused for this order (an invoice over the credit limit), not offered
    again as "another way" (the shop's settings always leave one: ``bot.config`` refuses neither cash nor cards).
    An invoice this order would take over the credit limit is not offered either, and one line says why."""
    why = await _why_no_invoice(draft, customer, uow, clock, settings)
    refused = PaymentMethod.INVOICE if why else refused
    await state.set_state(Checkout.payment)
    pickup = draft.delivery_method is DeliveryMethod.PICKUP
    policy = settings.checkout_policy
    days = invoice_days(customer, policy)
    labels = {
        PaymentMethod.CARD: _("💳 Pay now by card"),
        PaymentMethod.COD: _("💵 Pay at pickup") if pickup else _("💵 Cash on delivery"),
        PaymentMethod.INVOICE: ngettext(
            "🧾 Invoice, pay within {days} day", "🧾 Invoice, pay within {days} days", days
        ).format(days=days),
    }
    buttons: list[tuple[str, CallbackData]] = [
        (labels[method], PaymentChoice(method=method.value))
        for method in payment_methods(customer, policy)
        if method is not refused
    ]
    question = _("Step 4 of 5. How would you like to pay?")
    await message.answer(f"{why}\n\n{question}" if why else question, reply_markup=rows_of(*buttons))


async def _why_no_invoice(
    draft: CheckoutDraft, customer: Customer, uow: UnitOfWork, clock: Clock, settings: ShopSettings
) -> str:
    """Why an invoice is not offered for this order, in one line: the limit, what is owed, this order ("": it is)."""
    if customer.credit_limit is None or PaymentMethod.INVOICE not in payment_methods(
        customer, settings.checkout_policy
    ):
        return ""
    choice = await quoted(draft, customer, uow, clock, settings, draft.promo_code)
    total = _order_total(choice, draft)
    over = None if total is None else await invoice_over_limit(uow, customer, total, choice.cart.fx_rate)
    return "" if over is None else no_invoice_said(over)


def no_invoice_said(over: CreditLimitExceeded, *, html: bool = True) -> str:
    """The one line saying why an invoice is not offered (the chat's payment step, the Mini App's checkout as text)."""
    said = _(
        "🧾 No invoice for this order: your credit limit is {limit}, your unpaid invoices come to {open} and this "
        "order to {total}."
    )
    amounts = {name: format_money(over.params[name]) for name in ("limit", "open", "total")}
    return fill(said, **amounts) if html else fill_text(said, **amounts)


def _order_total(choice: ShippingOptions, draft: CheckoutDraft) -> Money | None:
    """What the order would come to as the draft stands, as the review totals it (None: its delivery option is gone)."""
    off = choice.discounts.total if choice.discounts is not None else Money.zero(choice.cart.currency)
    if draft.delivery_method is DeliveryMethod.PICKUP:
        return choice.cart.subtotal - off
    quote = next((q for q in choice.quotes if q.rate.id == draft.rate_id), None)
    return None if quote is None else choice.cart.subtotal + quote.price - off


@router.callback_query(Checkout.payment, PaymentChoice.filter())
async def payment_chosen(
    query: CallbackQuery,
    callback_data: PaymentChoice,
    state: FSMContext,
    customer: Customer,
    uow: UnitOfWork,
    clock: Clock,
    settings: ShopSettings,
    renderer: Renderer,
) -> None:
    if await out_of_date(query, state) or not isinstance(query.message, Message):
        return
    method = PaymentMethod(callback_data.method)
    if method not in payment_methods(customer, settings.checkout_policy):  # a button from before the shop stopped it
        await query.answer(domain_message(PaymentNotOffered(), html=False, timezone=settings.timezone), show_alert=True)
        return
    draft = replace(await draft_of(state), payment=method, key=secrets.token_urlsafe(9))
    await back_to_review(query.message, state, draft, customer, uow, clock, settings, renderer)
    await query.answer()


# ------------------------------------------------------------------------------- review
async def show_review(
    message: Target,
    state: FSMContext,
    draft: CheckoutDraft,
    customer: Customer,
    uow: UnitOfWork,
    clock: Clock,
    settings: ShopSettings,
    renderer: Renderer,
) -> None:
    assert draft.payment is not None and draft.key is not None  # chosen together before the review
    choice = await quoted(draft, customer, uow, clock, settings, draft.promo_code)
    assert choice.discounts is not None  # asked for with the code
    pickup = None
    quote = None
    shipping_was = None  # the courier's price when chosen, when the cart has changed it since
    if draft.delivery_method is DeliveryMethod.PICKUP:
        pickup = next((w for w in await pickup_points(uow) if w.id == draft.pickup_id), None)
        total = choice.cart.subtotal
    else:
        quote = next((q for q in choice.quotes if q.rate.id == draft.rate_id), None)
        if quote is None:  # the cart outgrew it (or its zone moved): the options for the cart as it is now
            await ask_shipping(message, state, draft, customer, uow, clock, settings, why=gone())
            return
        total = choice.cart.subtotal + quote.price
        if draft.shipping_minor is not None and quote.price != Money(draft.shipping_minor, draft.shipping_currency):
            shipping_was = Money(draft.shipping_minor, draft.shipping_currency)
    payment = payment_terms(draft.payment, draft.delivery_method)
    discounts, refused = (
        choice.discounts,
        domain_message(choice.refused, timezone=settings.timezone) if choice.refused else "",
    )
    if refused:  # the code stopped applying (expired, used up, the cart changed): shown without it
        draft = replace(draft, promo_code="")
    text = renderer.render(
        "checkout_review.html.j2",
        cart=choice.cart,
        shown=REVIEW_LINES,
        pickup=pickup,
        quote=quote,
        shipping_was=shipping_was,
        address=draft.address,
        phone=draft.phone,
        payment=payment,
        total=total - discounts.total,
        discounts=discounts,
        promo_refused=refused,
        po_number=draft.po_number,
    )
    buttons: list[tuple[str, CallbackData]] = [(_("✅ Confirm order"), Confirm(key=draft.key))]
    buttons.append(promo_button(draft))
    if customer.is_business:  # their purchase order's number, for the invoice their accounts payable match
        label = _("🧾 Change your PO number") if draft.po_number else _("🧾 Add your PO number")
        buttons.append((label, PoNumberAsk(key=draft.key)))
    if draft.gift:
        gift_line = _("🎁 A gift, wrapped, no prices in the parcel.")
        if draft.gift_message:
            gift_line += " " + _("Card: “{message}”").format(message=escape(draft.gift_message))
        text += "\n\n" + gift_line
    else:
        buttons.append((_("🎁 Send as a gift"), GiftChoice(key=draft.key)))
    review = await message.answer(
        text + "\n\n" + _("Step 5 of 5. Confirm, or /cancel."), reply_markup=rows_of(*buttons)
    )
    shown, shipping = choice.cart.subtotal, quote.price.amount if quote else 0
    draft = replace(draft, reviewed_minor=shown.amount, reviewed_currency=shown.currency)
    draft = replace(draft, reviewed_shipping_minor=shipping, reviewed_total_minor=(total - discounts.total).amount)
    await save(state, replace(draft, review_message_id=review.message_id))


async def back_to_review(
    message: Message,
    state: FSMContext,
    draft: CheckoutDraft,
    customer: Customer,
    uow: UnitOfWork,
    clock: Clock,
    settings: ShopSettings,
    renderer: Renderer,
) -> None:
    """A step at the review is done: its draft kept, the conversation back at the review, shown anew."""
    await save(state, draft)
    await state.set_state(Checkout.review)
    await show_review(message, state, draft, customer, uow, clock, settings, renderer)


@router.callback_query(GiftChoice.filter())
async def gift_chosen(query: CallbackQuery, callback_data: GiftChoice, state: FSMContext) -> None:
    prompt = ngettext(
        "Type the message for the gift card (up to {n} character), or /skip for none.",
        "Type the message for the gift card (up to {n} characters), or /skip for none.",
        MAX_GIFT_MESSAGE,
    ).format(n=MAX_GIFT_MESSAGE)
    await ask_at_review(query, callback_data.key, state, Checkout.gift, prompt)


@typed_at(router, Checkout.gift)
async def gift_message(
    message: Message,
    state: FSMContext,
    customer: Customer,
    uow: UnitOfWork,
    clock: Clock,
    settings: ShopSettings,
    renderer: Renderer,
) -> None:
    text = typed_value(message, lambda text: typed(text, MAX_GIFT_MESSAGE))
    draft = replace(await draft_of(state), gift=True, gift_message=text)
    await back_to_review(message, state, draft, customer, uow, clock, settings, renderer)


@router.callback_query(Confirm.filter())
async def confirmed(
    query: CallbackQuery,
    callback_data: Confirm,
    state: FSMContext,
    customer: Customer,
    uow: UnitOfWork,
    clock: Clock,
    settings: ShopSettings,
    renderer: Renderer,
    bot: Bot,
    notifier: OutboxSender,
    i18n: I18n,
    assisting: bool = False,
) -> None:
    """Works from any state: a second tap (or a redelivered update) with the same key
    finds the order the first one made. The customer's "order placed" message comes from
    the outbox, committed with the order, so it is sent once whatever happens here."""
    draft = await draft_of(state)
    first_time = draft.key == callback_data.key
    if first_time:
        request = _request(draft, customer, settings)
        if assisting:
            request = replace(request, channel=Channel.SUPPORT, actor=f"staff:{query.from_user.id}")
        try:
            order, reply = await place_order_replying(uow, clock, settings.checkout_policy, request)
        except PromoRefused as refused:  # told why; the review again, without the code, to confirm
            await query.answer(domain_message(refused, html=False, timezone=settings.timezone), show_alert=True)
            draft = replace(draft, promo_code="")
            await save(state, draft)
            await show_review(pressed_in(query), state, draft, customer, uow, clock, settings, renderer)
            return
        except CreditLimitExceeded as over:  # it says to choose another way to pay: the choice, right below
            await query.answer(domain_message(over, html=False, timezone=settings.timezone), show_alert=True)
            target = pressed_in(query)
            await ask_payment(target, state, draft, customer, uow, clock, settings, refused=PaymentMethod.INVOICE)
            return
        except ShippingUnavailable as gone_now:  # the cart is the one reviewed, the option gone (the shop's rates)
            await query.answer(domain_message(gone_now, html=False, timezone=settings.timezone), show_alert=True)
            await ask_shipping(pressed_in(query), state, draft, customer, uow, clock, settings, why=gone())
            return
        except ShownTotalChanged as changed:  # a price or a rate moved after the review: the new total, to confirm
            await query.answer(domain_message(changed, html=False, timezone=settings.timezone), show_alert=True)
            if isinstance(changed, ShippingChanged):  # the review names it against the price last shown
                was = changed.params["was"]
                draft = replace(draft, shipping_minor=was.amount, shipping_currency=was.currency)
                await save(state, draft)
            await show_review(pressed_in(query), state, draft, customer, uow, clock, settings, renderer)
            return
        await state.clear()
    else:
        existing = await placed_by_key(uow, callback_data.key)
        if existing is None or existing.customer_id != customer.id:
            await query.answer(_("This checkout has expired. Start again with /checkout."), show_alert=True)
            return
        await query.answer(_("Order {code} is already placed.").format(code=existing.code))
        return
    await query.answer()  # too late to answer is not an error (``handlers.views.outgoing``)
    if isinstance(query.message, Message):  # a short line, not the review once more
        try:
            await query.message.edit_text(_placed_text(order, _shown(draft)))
        except TelegramBadRequest as error:  # the order is placed: what follows must still happen
            log.warning("order %s placed; its review could not be edited: %s", order.code, error.message)
    if reply is not None and not assisting:  # the outbox's row, written claimed, sent as the reply
        await notifier.send_reply(reply)
    if assisting:  # the staff member's own copy; the customer is told through the outbox
        here = query.message.chat.id if query.message else query.from_user.id
        mine = order.in_language(reading_language())
        placed = renderer.render("notifications/order_placed.html.j2", **order_placed_params(mine))
        await bot.send_message(here, placed, reply_markup=main_menu())
    if order.payment_method is not PaymentMethod.CARD or order.status.value != "awaiting_payment":
        return
    if assisting:  # the customer pays by a link in their chat; the staff member sees it too
        links = invoice_links(bot, i18n, settings.payment_provider_token)
        link = await payment_link(uow, clock, links, code=order.code)
        await bot.send_message(query.message.chat.id if query.message else query.from_user.id, link_sent_text(link))
    elif customer.telegram_id:
        await send_invoice(bot, customer.telegram_id, order, settings)


def _placed_text(order: Order, shown: ShownTotal | None) -> str:
    """The review's short line once placed, with what ``lowered_shipping`` says."""
    note = lowered_shipping(order, shown)
    return fill(_("Order {code} placed ✅"), code=order.code) + (f"\n{note}" if note else "")


def lowered_shipping(order: Order, shown: ShownTotal | None) -> str:
    """A delivery the shop made cheaper since the review (or the Mini App's page), named as the review names one that
    moved: the order took the lower price (``ShownTotal.check``); "" when it did not. Plain text: money only."""
    was = shown.cheaper_shipping(order) if shown is not None else None
    if was is None:
        return ""
    price = order.shipping or Money.zero(order.currency)
    return _("Shipping is now %(price)s (was %(was)s).") % {"price": format_money(price), "was": format_money(was)}


def _request(draft: CheckoutDraft, customer: Customer, settings: ShopSettings) -> CheckoutRequest:
    assert draft.payment is not None and draft.key is not None  # the Confirm button came from a review
    if draft.pickup_id:
        delivery = Delivery(DeliveryMethod.PICKUP, pickup_warehouse_id=draft.pickup_id)
    else:
        delivery = Delivery(
            DeliveryMethod.COURIER, address=draft.address, latitude=draft.latitude, longitude=draft.longitude
        )
    return CheckoutRequest(
        customer_id=customer.id or 0,
        checkout_key=draft.key,
        phone=draft.phone,
        delivery=delivery,
        shipping_rate_id=draft.rate_id,
        payment_method=draft.payment,
        currency=customer_currency(customer, settings.default_currency),
        fallback_currency=settings.default_currency,
        gift=draft.gift,
        gift_message=draft.gift_message,
        promo_code=draft.promo_code,
        reference=draft.po_number,
        language=reading_language(),  # a refusal names products in it; the order lines keep the shop's
        reviewed=_shown(draft),
    )


def _shown(draft: CheckoutDraft) -> ShownTotal | None:
    """The total the review showed, as much of it as the draft kept (a checkout begun before a part was kept)."""
    if draft.reviewed_minor is None:
        return None

    def amount(minor: int | None) -> Money | None:
        return None if minor is None else Money(minor, draft.reviewed_currency)

    goods = Money(draft.reviewed_minor, draft.reviewed_currency)
    return ShownTotal(goods, amount(draft.reviewed_shipping_minor), amount(draft.reviewed_total_minor))


async def send_invoice(bot: Bot, chat_id: int, order: Order, settings: ShopSettings) -> None:
    prices = [LabeledPrice(label=_("Goods"), amount=order.subtotal.amount)]
    if order.discount.amount:
        prices.append(LabeledPrice(label=_("Discounts"), amount=-order.discount.amount))
    if order.shipping and order.shipping.amount:
        prices.append(LabeledPrice(label=_("Shipping"), amount=order.shipping.amount))
    await bot.send_invoice(
        chat_id,
        title=_("Order {code}").format(code=order.code),
        description=line_summary(order, reading_language())[:255],  # the lines as sold, in the reader's language
        payload=invoice_payload(order),
        currency=order.currency,
        prices=prices,
        provider_token=settings.payment_provider_token,
    )
