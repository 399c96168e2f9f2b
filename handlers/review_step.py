"""A value typed at the checkout review: the button that asks for it, then the text or /skip."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from handlers.checkout_state import Checkout, draft_of
from handlers.views.pressed import pressed_in

Handler = TypeVar("Handler", bound=Callable[..., Any])

# A refused promo code leaves the conversation awaiting the next code, the review still shown: its buttons work there.
AT_REVIEW = (Checkout.review.state, Checkout.promo.state)


async def ask_at_review(query: CallbackQuery, key: str, state: FSMContext, step: State, prompt: str) -> None:
    """A button from an older checkout, or pressed away from the review, is refused so it cannot edit this one;
    pressed again while its own value is awaited (a promo code refused), it asks again."""
    draft = await draft_of(state)
    if draft.key != key or await state.get_state() not in (*AT_REVIEW, step.state):
        await query.answer(_("This checkout has expired. Start again with /checkout."), show_alert=True)
        return
    await state.set_state(step)
    await query.answer()
    await pressed_in(query).answer(prompt)  # a review shown days ago still names its chat


def typed_at(router: Router, step: State) -> Callable[[Handler], Handler]:
    """Registers the handler for the text typed at `step` and for /skip; other commands keep their own handlers."""

    def register(handler: Handler) -> Handler:
        router.message(StateFilter(step), F.text, ~F.text.startswith("/"))(handler)
        router.message(StateFilter(step), Command("skip"))(handler)
        return handler

    return register


def typed_value(message: Message, shorten: Callable[[str], str] = str) -> str:
    """/skip means none (empty); otherwise the text as the step cleans it."""
    text = message.text or ""
    return "" if text.startswith("/") else shorten(text)
