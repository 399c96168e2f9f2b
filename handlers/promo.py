"""Promo codes at the checkout review: ``/promo CODE``, or the button and then the code."""

from __future__ import annotations

from dataclasses import replace

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.customers import Customer
from domain.ports import Clock, UnitOfWork
from domain.promotions import PromoRefused, PromoUnknown
from domain.usecases.promotions import check_code
from handlers.callbacks import PromoAsk, PromoDrop
from handlers.catalog import customer_currency
from handlers.checkout_payment import show_review
from handlers.checkout_state import Checkout, draft_of, save
from handlers.context import PromoGuessLimit, ShopSettings
from handlers.errors import domain_message
from handlers.review_step import AT_REVIEW, ask_at_review, typed_at, typed_value
from handlers.views.pressed import pressed_in
from handlers.views.rendering import Renderer, fill, format_money

router = Router(name=__name__)


@router.message(Command("promo"))
async def promo_command(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    customer: Customer,
    uow: UnitOfWork,
    clock: Clock,
    settings: ShopSettings,
    renderer: Renderer,
    promo_guesses: PromoGuessLimit,
) -> None:
    """``/promo CODE`` at the review; elsewhere, where to use it."""
    if await state.get_state() not in AT_REVIEW:
        await message.answer(_("Enter a promo code at the last step of /checkout, the review of your order."))
        return
    if not (command.args or "").strip():
        await message.answer(_("Usage: /promo CODE, e.g. /promo SUMMER10"))
        return
    await _apply(message, command.args or "", state, customer, uow, clock, settings, renderer, promo_guesses)


@router.callback_query(PromoAsk.filter())
async def promo_asked(query: CallbackQuery, callback_data: PromoAsk, state: FSMContext) -> None:
    prompt = _("Type your promo code, or /skip to go back to the review.")
    await ask_at_review(query, callback_data.key, state, Checkout.promo, prompt)


@typed_at(router, Checkout.promo)
async def promo_typed(
    message: Message,
    state: FSMContext,
    customer: Customer,
    uow: UnitOfWork,
    clock: Clock,
    settings: ShopSettings,
    renderer: Renderer,
    promo_guesses: PromoGuessLimit,
) -> None:
    await _apply(message, typed_value(message), state, customer, uow, clock, settings, renderer, promo_guesses)


@router.callback_query(PromoDrop.filter())
async def promo_dropped(
    query: CallbackQuery,
    callback_data: PromoDrop,
    state: FSMContext,
    customer: Customer,
    uow: UnitOfWork,
    clock: Clock,
    settings: ShopSettings,
    renderer: Renderer,
) -> None:
    draft = await draft_of(state)
    if draft.key != callback_data.key or await state.get_state() not in AT_REVIEW:
        await query.answer(_("This checkout has expired. Start again with /checkout."), show_alert=True)
        return
    draft = replace(draft, promo_code="")
    await save(state, draft)
    await state.set_state(Checkout.review)  # no longer awaiting a code after a refused one
    await query.answer(_("Promo code removed."))
    await show_review(pressed_in(query), state, draft, customer, uow, clock, settings, renderer)


async def _apply(
    message: Message,
    text: str,
    state: FSMContext,
    customer: Customer,
    uow: UnitOfWork,
    clock: Clock,
    settings: ShopSettings,
    renderer: Renderer,
    promo_guesses: PromoGuessLimit,
) -> None:
    """Checked against the cart now; refused with the exact reason, the review unchanged and the next code awaited.
    Too many unknown codes lately: none is checked (a guess that happens to be right is not told apart)."""
    draft = await draft_of(state)
    await state.set_state(Checkout.review)
    if text.strip():
        if await promo_guesses.over(customer.id or 0):
            await message.answer(
                _("Too many wrong promo codes. Please try again later, or confirm your order without one.")
            )
            return
        try:
            _cart, discounts = await check_code(
                uow,
                clock,
                customer_id=customer.id or 0,
                code=text,
                currency=customer_currency(customer, settings.default_currency),
                fallback_currency=settings.default_currency,
            )
        except PromoRefused as refused:
            if isinstance(refused, PromoUnknown):  # a right code refused for its terms never counts
                await promo_guesses.failed(customer.id or 0)
            await state.set_state(Checkout.promo)  # the next text typed is the next code, as the answer says
            await message.answer(
                domain_message(refused, timezone=settings.timezone)
                + "\n"
                + _("Type another code, or /skip to go back to the review.")
            )
            return
        draft = replace(draft, promo_code=discounts.code.code if discounts.code else "")
        await save(state, draft)
        await message.answer(
            fill(
                _("Promo code {code} applied: −{amount}."),
                code=draft.promo_code,
                amount=format_money(discounts.code_amount),
            )
        )
    await show_review(message, state, draft, customer, uow, clock, settings, renderer)
