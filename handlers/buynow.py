"""Buy now: the invoice from a product card, the shipping query for the address typed in
Telegram's form, the pre-checkout check and the order made when the payment arrives."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.types import CallbackQuery, LabeledPrice, Message, PreCheckoutQuery, ShippingOption, ShippingQuery
from aiogram.types import ShippingAddress as TelegramAddress
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from domain.customers import Customer
from domain.errors import DomainError
from domain.ports import Clock, UnitOfWork
from domain.shipping import ShippingQuote
from domain.usecases.buynow import (
    BUY_PAYLOAD_PREFIX,
    BuyNowPayment,
    ShippingAddress,
    buy_now_invoice,
    buy_now_shipping,
    check_buy_now,
    place_bought_order,
)
from domain.usecases.paylinks import CardPaymentsOff
from handlers.callbacks import BuyNowCb
from handlers.catalog import customer_currency, reading_language
from handlers.context import OutboxSender, ShopSettings
from handlers.errors import domain_message
from handlers.paylinks import invoice_links
from handlers.payments import payment_failed
from handlers.views.dates import format_day

router = Router(name=__name__)
MAX_OPTION_TITLE = 64


def _address(address: TelegramAddress | None) -> ShippingAddress:
    if address is None:
        return ShippingAddress("")
    return ShippingAddress(
        address.country_code, address.state, address.city, address.street_line1, address.street_line2, address.post_code
    )


def _option(quote: ShippingQuote, timezone: str) -> ShippingOption:
    title = _("{service}, by {date}").format(service=quote.label, date=format_day(quote.eta, timezone))
    price = LabeledPrice(label=_("Shipping"), amount=quote.price.amount)
    return ShippingOption(id=str(quote.rate.id), title=title[:MAX_OPTION_TITLE], prices=[price])


@router.callback_query(BuyNowCb.filter())
async def buy_now(
    query: CallbackQuery,
    callback_data: BuyNowCb,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    settings: ShopSettings,
    bot: Bot,
    i18n: I18n,
) -> None:
    links = invoice_links(bot, i18n, settings.payment_provider_token)
    if links is None or not settings.shipping_countries:
        raise CardPaymentsOff()
    currency = customer_currency(customer, settings.default_currency)
    invoice = await buy_now_invoice(
        uow,
        clock,
        product_id=callback_data.product_id,
        currency=currency,
        language=reading_language(),
        customer_id=customer.id or 0,
    )
    await query.answer()
    await links.send(query.from_user.id, invoice)


@router.shipping_query()
async def shipping_options(query: ShippingQuery, uow: UnitOfWork, clock: Clock, settings: ShopSettings) -> None:
    try:
        found = await buy_now_shipping(
            uow,
            clock,
            settings.checkout_policy,
            payload=query.invoice_payload,
            address=_address(query.shipping_address),
            countries=settings.shipping_countries,
            language=reading_language(),
        )
    except DomainError as refused:
        await query.answer(ok=False, error_message=domain_message(refused, html=False, timezone=settings.timezone))
        return
    await query.answer(ok=True, shipping_options=[_option(quote, settings.timezone) for quote in found])


@router.pre_checkout_query()
async def buy_now_pre_checkout(query: PreCheckoutQuery, uow: UnitOfWork, clock: Clock, settings: ShopSettings) -> None:
    if not query.invoice_payload.startswith(BUY_PAYLOAD_PREFIX):
        raise SkipHandler()  # an order's own invoice: handlers.payments
    try:
        await check_buy_now(
            uow,
            clock,
            settings.checkout_policy,
            payload=query.invoice_payload,
            amount=query.total_amount,
            currency=query.currency,
            option_id=query.shipping_option_id or "",
            address=_address(query.order_info.shipping_address if query.order_info else None),
            countries=settings.shipping_countries,
            language=reading_language(),
        )
    except DomainError as refused:
        await query.answer(ok=False, error_message=domain_message(refused, html=False, timezone=settings.timezone))
        await payment_failed(query, settings, domain_message(refused, timezone=settings.timezone))
        return
    await query.answer(ok=True)


@router.message(F.successful_payment)
async def bought(
    message: Message, uow: UnitOfWork, clock: Clock, customer: Customer, settings: ShopSettings, notifier: OutboxSender
) -> None:
    payment = message.successful_payment
    assert payment is not None
    if not payment.invoice_payload.startswith(BUY_PAYLOAD_PREFIX):
        raise SkipHandler()
    info = payment.order_info
    paid = BuyNowPayment(
        customer_id=customer.id or 0,
        payload=payment.invoice_payload,
        amount=payment.total_amount,
        currency=payment.currency,
        option_id=payment.shipping_option_id or "",
        address=_address(info.shipping_address if info else None),
        telegram_charge_id=payment.telegram_payment_charge_id,
        provider_charge_id=payment.provider_payment_charge_id,
    )
    await place_bought_order(uow, clock, settings.checkout_policy, paid)
    await notifier.deliver_now(message.chat.id)  # "order placed" (or sorry), committed with the outcome
