"""Checkout's shipping step: the carriers' quotes for the address given, and the customer's choice."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from babel.dates import format_skeleton

from domain.customers import Customer
from domain.ports import Clock, UnitOfWork
from domain.shipping import ShippingQuote
from handlers.callbacks import ShippingChoice, rows_of
from handlers.checkout_payment import ask_payment
from handlers.checkout_state import Checkout, CheckoutDraft, draft_of, out_of_date, quoted, save
from handlers.context import ShopSettings
from handlers.views.dates import current_locale, dates_locale
from handlers.views.rendering import format_money

router = Router(name=__name__)


async def ask_shipping(
    message: Message,
    state: FSMContext,
    draft: CheckoutDraft,
    customer: Customer,
    uow: UnitOfWork,
    clock: Clock,
    settings: ShopSettings,
    **_unused: Any,
) -> None:
    choice = await quoted(draft, customer, uow, clock, settings)
    if not choice.quotes:
        await message.answer(_("Sorry, no carrier delivers this cart to that address. Try pickup: /checkout"))
        await state.clear()
        return
    await state.set_state(Checkout.shipping)
    buttons = [(shipping_label(q, settings.timezone), ShippingChoice(rate_id=q.rate.id or 0)) for q in choice.quotes]
    await message.answer(_("Step 3 of 5. Choose a delivery option:"), reply_markup=rows_of(*buttons))


def shipping_label(quote: ShippingQuote, timezone: str) -> str:
    """A courier's option as the customer chooses it (the chat's button, the Mini App's list): price and arrival,
    the day as the shop's country (``timezone``'s) writes the reader's language, as the review after it does."""
    eta = format_skeleton("MMMd", quote.eta, locale=dates_locale(current_locale(), timezone))
    return _("{service} — {price}, arrives {eta}").format(service=quote.label, price=format_money(quote.price), eta=eta)


@router.callback_query(Checkout.shipping, ShippingChoice.filter())
async def shipping_chosen(
    query: CallbackQuery, callback_data: ShippingChoice, state: FSMContext, customer: Customer, settings: ShopSettings
) -> None:
    if await out_of_date(query, state) or not isinstance(query.message, Message):
        return
    await query.answer()
    draft = replace(await draft_of(state), rate_id=callback_data.rate_id, pickup_id=None)
    await save(state, draft)
    await ask_payment(query.message, state, draft, customer, settings)
