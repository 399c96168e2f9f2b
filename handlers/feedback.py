"""After delivery: the customer rates the order with one tap (1–5) and may add a few words;
managers read them with /reviews."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.customers import Customer
from domain.ports import Clock, UnitOfWork
from domain.usecases.jobs import latest_reviews, rate_order, write_review
from handlers.callbacks import RateCb
from handlers.context import ShopSettings
from handlers.views.pressed import pressed_in
from handlers.views.rendering import Renderer

router = Router(name=__name__)


class Feedback(StatesGroup):
    words = State()


@router.callback_query(RateCb.filter())
async def rated(
    query: CallbackQuery,
    callback_data: RateCb,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    settings: ShopSettings,
    state: FSMContext,
) -> None:
    review = await rate_order(
        uow,
        clock,
        customer_id=customer.id or 0,
        code=callback_data.code,
        stars=callback_data.stars,
        staff_chat_id=settings.staff_chat_id,
    )
    await state.set_state(Feedback.words)
    await state.update_data(review_code=review.order_code)
    await query.answer(_("Thank you!"))
    # Asked on any message: the bot now waits for the words, on one a week old as on one of today.
    await pressed_in(query).answer(
        _("Thank you for {stars}. Would you add a few words? Just type them now, or /skip.").format(
            stars="⭐" * review.stars
        )
    )


@router.message(StateFilter(Feedback.words), Command("skip"))
async def no_words(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(_("Thank you!"))


@router.message(StateFilter(Feedback.words), F.text, ~F.text.startswith("/"))
async def words(message: Message, uow: UnitOfWork, clock: Clock, customer: Customer, state: FSMContext) -> None:
    code = (await state.get_data()).get("review_code", "")
    await write_review(uow, clock, customer_id=customer.id or 0, code=code, text=message.text or "")
    await state.clear()
    await message.answer(_("Thank you for your review! It helps us a lot."))


@router.message(Command("reviews"))
async def reviews(message: Message, uow: UnitOfWork, renderer: Renderer) -> None:
    assert message.from_user is not None
    found = await latest_reviews(uow, staff_id=message.from_user.id)
    await message.answer(renderer.render("staff/reviews.html.j2", reviews=found))
