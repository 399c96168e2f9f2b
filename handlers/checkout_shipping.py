"""Checkout's shipping step: the customer's choice among the quotes, taken only while it still holds."""

from __future__ import annotations

from dataclasses import replace

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from domain.customers import Customer
from domain.ports import Clock, UnitOfWork
from domain.shipping import ShippingQuote
from handlers.callbacks import ShippingChoice
from handlers.checkout_options import ask_shipping, gone, shipping_label
from handlers.checkout_payment import ask_payment
from handlers.checkout_state import Checkout, draft_of, out_of_date, quoted, save
from handlers.context import ShopSettings

router = Router(name=__name__)


@router.callback_query(Checkout.shipping, ShippingChoice.filter())
async def shipping_chosen(
    query: CallbackQuery,
    callback_data: ShippingChoice,
    state: FSMContext,
    customer: Customer,
    uow: UnitOfWork,
    clock: Clock,
    settings: ShopSettings,
    i18n: I18n,
) -> None:
    message = query.message
    if await out_of_date(query, state) or not isinstance(message, Message):
        return
    draft = await draft_of(state)
    choice = await quoted(draft, customer, uow, clock, settings)
    quote = next((q for q in choice.quotes if q.rate.id == callback_data.rate_id), None)
    why = _no_longer_holds(quote, _pressed_label(query), settings.timezone, i18n)
    if why or quote is None:  # a list shown for the cart as it was (items added since): the options for it now
        await query.answer(why)
        await ask_shipping(message, state, draft, customer, uow, clock, settings, why=why)
        return
    await query.answer()
    price = quote.price  # what the button said: the review tells the customer if the cart moves it
    draft = replace(draft, rate_id=quote.rate.id, pickup_id=None, shipping_minor=price.amount)
    draft = replace(draft, shipping_currency=price.currency)
    await save(state, draft)
    await ask_payment(message, state, draft, customer, uow, clock, settings)


def _pressed_label(query: CallbackQuery) -> str | None:
    """The words on the button pressed: the quote as the customer saw it."""
    markup = query.message.reply_markup if isinstance(query.message, Message) else None
    rows = markup.inline_keyboard if markup else []
    return next((b.text for row in rows for b in row if b.callback_data == query.data), None)


def _no_longer_holds(quote: ShippingQuote | None, pressed: str | None, timezone: str, i18n: I18n) -> str:
    """Why the option pressed cannot be taken as shown ("" when it can): gone for this cart, or its price or
    day moved (a button's words are what the customer agreed to)."""
    if quote is None:
        return gone()
    if pressed is not None and not _says(pressed, quote, timezone, i18n):
        return _("Delivery prices or days have changed since that list was shown.")
    return ""


def _says(pressed: str, quote: ShippingQuote, timezone: str, i18n: I18n) -> bool:
    """Whether the button's words show this quote in some language: the list may have been drawn in another
    than the chat speaks now (the customer's Telegram switched language since), and only a price or day that
    moved is a change to tell of."""
    current = i18n.current_locale
    for language in dict.fromkeys([current, *i18n.available_locales]):
        with i18n.use_locale(language):
            if pressed == shipping_label(quote, timezone):
                return True
    return False
