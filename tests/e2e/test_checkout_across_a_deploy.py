"""A checkout in progress when a new release starts: the conversation's data, as the
previous release wrote it, is taken up where it stopped."""

from __future__ import annotations

from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import select

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.journeys import add_to_cart, checkout_to_payment, order_code, scalar


async def test_a_pickup_checkout_left_at_the_payment_step_by_the_previous_release_places_its_order(
    running: RunningBot,
) -> None:
    alice = SandboxUser(running.server, 631, "Alice")
    await add_to_cart(alice, "85123A")
    asked = await checkout_to_payment(alice, pickup=True)
    manchester = await scalar(running, select(m.WarehouseRow.id).where(m.WarehouseRow.code == "MAN"))
    runtime = running.runtime
    key = StorageKey(bot_id=runtime.bot.id, chat_id=631, user_id=631)
    # Exactly what the previous release had written by step 4 (no address, no payment yet).
    await runtime.dp.storage.set_data(key, {"phone": "+447911123456", "pickup_id": manchester, "rate_id": None})

    review = await alice.press(asked.last, "Pay at pickup")
    assert "Manchester store" in review.last.text and "+447911123456" in review.last.text
    placed = await alice.press(review.last, "Confirm order")
    order = await scalar(running, select(m.OrderRow).where(m.OrderRow.code == order_code(placed)))
    assert isinstance(order, m.OrderRow)
    assert (order.delivery_method, order.pickup_warehouse_id, order.payment_method) == ("pickup", manchester, "cod")
