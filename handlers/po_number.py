"""A business's purchase order number at the checkout review: the button, then the number typed."""

from __future__ import annotations

from dataclasses import replace

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.customers import Customer
from domain.orders import MAX_REFERENCE, order_reference
from domain.ports import Clock, UnitOfWork
from handlers.callbacks import PoNumberAsk
from handlers.checkout_payment import back_to_review
from handlers.checkout_state import Checkout, draft_of
from handlers.context import ShopSettings
from handlers.review_step import ask_at_review, typed_at, typed_value
from handlers.views.rendering import Renderer

router = Router(name=__name__)


@router.callback_query(PoNumberAsk.filter())
async def po_number_asked(query: CallbackQuery, callback_data: PoNumberAsk, state: FSMContext) -> None:
    prompt = _(
        "Type your purchase order number (up to {n} characters): it goes on the order and its invoice. "
        "Or /skip to leave none."
    ).format(n=MAX_REFERENCE)
    await ask_at_review(query, callback_data.key, state, Checkout.po_number, prompt)


@typed_at(router, Checkout.po_number)
async def po_number_typed(
    message: Message,
    state: FSMContext,
    customer: Customer,
    uow: UnitOfWork,
    clock: Clock,
    settings: ShopSettings,
    renderer: Renderer,
) -> None:
    """Too long is refused with the limit (the error middleware says it) and the step stays, to type it again."""
    draft = replace(await draft_of(state), po_number=typed_value(message, order_reference))
    await back_to_review(message, state, draft, customer, uow, clock, settings, renderer)
