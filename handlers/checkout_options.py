"""Checkout's step 3 question: the couriers' quotes for the cart as it is now, one button each."""

from __future__ import annotations

from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.utils.i18n import gettext as _
from babel.dates import format_skeleton

from domain.customers import Customer
from domain.ports import Clock, UnitOfWork
from domain.shipping import ShippingQuote
from handlers.callbacks import ShippingChoice, rows_of
from handlers.checkout_state import Checkout, CheckoutDraft, quoted
from handlers.context import ShopSettings
from handlers.views.dates import current_locale, dates_locale
from handlers.views.pressed import Target
from handlers.views.rendering import format_money


async def ask_shipping(
    message: Target,
    state: FSMContext,
    draft: CheckoutDraft,
    customer: Customer,
    uow: UnitOfWork,
    clock: Clock,
    settings: ShopSettings,
    *,
    why: str = "",
    **_unused: Any,
) -> None:
    """The options, quoted now; ``why``: the line saying why they are asked for again (the cart changed)."""
    choice = await quoted(draft, customer, uow, clock, settings)
    if not choice.quotes:
        await message.answer(_("Sorry, no carrier delivers this cart to that address. Try pickup: /checkout"))
        await state.clear()
        return
    await state.set_state(Checkout.shipping)
    buttons = [(shipping_label(q, settings.timezone), ShippingChoice(rate_id=q.rate.id or 0)) for q in choice.quotes]
    question = _("Step 3 of 5. Choose a delivery option:")
    await message.answer(f"{why}\n\n{question}" if why else question, reply_markup=rows_of(*buttons))


def gone() -> str:
    """Why the options are asked for again: the one chosen (or pressed) is not quoted for the cart now."""
    return _("That delivery option is no longer available for your cart as it is now.")


def shipping_label(quote: ShippingQuote, timezone: str) -> str:
    """A courier's option as the customer chooses it (the chat's button, the Mini App's list): price and arrival,
    the day as the shop's country (``timezone``'s) writes the reader's language, as the review after it does."""
    eta = format_skeleton("MMMd", quote.eta, locale=dates_locale(current_locale(), timezone))
    return _("{service} — {price}, arrives {eta}").format(service=quote.label, price=format_money(quote.price), eta=eta)
