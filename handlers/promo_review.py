"""What the checkout review shows of discounts: the promotions, the promo code, its button."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _

from domain.cart import Cart
from domain.customers import Customer
from domain.discounts import Discounts
from domain.ports import Clock, UnitOfWork
from domain.promotions import PromoRefused
from domain.usecases.promotions import cart_discounts
from handlers.callbacks import PromoAsk, PromoDrop
from handlers.checkout_state import CheckoutDraft
from handlers.errors import domain_message


async def review_discounts(
    uow: UnitOfWork, clock: Clock, cart: Cart, customer: Customer, code: str
) -> tuple[Discounts, str]:
    """The cart's discounts with the draft's code, or without it and the reason it no
    longer applies."""
    try:
        return await cart_discounts(uow, clock, cart, customer.id or 0, code), ""
    except PromoRefused as refused:
        return await cart_discounts(uow, clock, cart, customer.id or 0), domain_message(refused)


def promo_button(draft: CheckoutDraft) -> tuple[str, CallbackData]:
    assert draft.key is not None  # made with the payment choice, before any review
    if draft.promo_code:
        return _("✖️ Remove promo code"), PromoDrop(key=draft.key)
    return _("🏷 Enter a promo code"), PromoAsk(key=draft.key)
