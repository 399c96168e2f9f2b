"""The checkout's draft in FSM data: typed in the code, the same JSON dict in storage as
before, so a deploy (or a rollback) in the middle of a checkout loses nothing."""

from __future__ import annotations

import json

from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.memory import MemoryStorage

from domain.orders import DeliveryMethod, PaymentMethod
from handlers.checkout_state import CheckoutDraft, draft_of, save

# What the previous release left in FSM data at the review of a courier order with a gift.
PREVIOUS_RELEASE_REVIEW = {
    "phone": "+447911123456",
    "address": "221B Baker Street, London NW1 6XE",
    "latitude": 51.5237,
    "longitude": -0.1585,
    "rate_id": 3,
    "pickup_id": None,
    "payment": "cod",
    "key": "Zx3_k9-Qa1Bc",
    "gift": True,
    "gift_message": "Happy birthday",
    "review_message_id": 42,
}


def _state() -> FSMContext:
    return FSMContext(storage=MemoryStorage(), key=StorageKey(bot_id=1, chat_id=7, user_id=7))


async def test_a_checkout_left_by_the_previous_release_loads_typed() -> None:
    state = _state()
    await state.set_data(PREVIOUS_RELEASE_REVIEW)
    draft = await draft_of(state)
    assert draft == CheckoutDraft(
        phone="+447911123456",
        address="221B Baker Street, London NW1 6XE",
        latitude=51.5237,
        longitude=-0.1585,
        rate_id=3,
        payment=PaymentMethod.COD,
        key="Zx3_k9-Qa1Bc",
        gift=True,
        gift_message="Happy birthday",
        review_message_id=42,
    )
    assert draft.delivery_method is DeliveryMethod.COURIER and draft.point == (51.5237, -0.1585)


async def test_an_early_step_of_the_previous_release_loads_with_the_rest_unanswered() -> None:
    state = _state()
    await state.set_data({"phone": "+447911123456", "pickup_id": 5, "rate_id": None})
    draft = await draft_of(state)
    assert draft == CheckoutDraft(phone="+447911123456", pickup_id=5)
    assert draft.delivery_method is DeliveryMethod.PICKUP and draft.point is None and draft.key is None


async def test_a_saved_draft_is_the_json_dict_the_previous_release_reads() -> None:
    state = _state()
    await state.set_data(PREVIOUS_RELEASE_REVIEW)
    await save(state, await draft_of(state))
    stored = await state.get_data()
    assert json.loads(json.dumps(stored)) == stored == PREVIOUS_RELEASE_REVIEW
