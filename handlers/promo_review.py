"""The checkout review's promo code button: enter a code, or remove the one applied."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _

from handlers.callbacks import PromoAsk, PromoDrop
from handlers.checkout_state import CheckoutDraft


def promo_button(draft: CheckoutDraft) -> tuple[str, CallbackData]:
    assert draft.key is not None  # made with the payment choice, before any review
    if draft.promo_code:
        return _("✖️ Remove promo code"), PromoDrop(key=draft.key)
    return _("🏷 Enter a promo code"), PromoAsk(key=draft.key)
