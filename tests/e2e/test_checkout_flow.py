"""What the customer reads around checkout: honest step numbers, the right payment words,
no pointless steps, no repeated review, and being told about a refund."""

from __future__ import annotations

import re

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.journeys import add_to_cart, checkout_to_payment, order_code


def _steps(transcript: list[str]) -> list[str]:
    """The step numbers the customer read, in order (a screen edited in place counts once)."""
    seen = [step.lower() for line in transcript for step in re.findall(r"[Ss]tep \d of \d", line)]
    return [step for i, step in enumerate(seen) if i == 0 or seen[i - 1] != step]


async def test_a_pickup_checkout_counts_every_step_and_says_pay_at_pickup(running: RunningBot) -> None:
    transcript: list[str] = []
    alice = SandboxUser(running.server, 620, "Alice", transcript=transcript)
    await add_to_cart(alice, "85123A", 1)
    reply = await alice.send("/checkout")
    reply = await alice.share_contact("+44 7911 123456")
    reply = await alice.press(reply.last, "🏬")
    reply = await alice.press(reply.last, reply.last.button_texts()[0])
    assert "💵 Pay at pickup" in reply.last.button_texts()
    review = await alice.press(reply.last, "💵")
    assert "Payment: on pickup at the store" in review.last.text
    placed = await alice.press(review.last, "✅")
    assert any("Payment: on pickup at the store" in m.text for m in placed.new)
    assert _steps(transcript) == ["step 1 of 5", "step 2 of 5", "step 3 of 5", "step 4 of 5", "step 5 of 5"]


async def test_checkout_with_an_empty_cart_is_refused_at_once(running: RunningBot) -> None:
    alice = SandboxUser(running.server, 621, "Alice")
    reply = await alice.send("/checkout")
    assert reply.last.text == "Your cart is empty. Open the /catalog to add something."
    shared = await alice.share_contact("+44 7911 123456")  # no checkout under way: not taken as step 1
    assert [m.text for m in shared.messages] == [
        "I cannot use this here. Type what you are looking for to search, or /help."
    ]


async def test_confirm_turns_the_review_into_one_short_line(running: RunningBot) -> None:
    alice = SandboxUser(running.server, 622, "Alice")
    await add_to_cart(alice, "85123A", 1)
    reply = await alice.press((await checkout_to_payment(alice, pickup=True)).last, "💵")
    review = reply.last
    placed = await alice.press(review, "✅")
    code = order_code(placed)
    edited = next(m for m in alice.messages() if m.message_id == review.message_id)
    assert edited.text == f"Order {code} placed ✅" and edited.button_texts() == []


async def test_cancel_at_the_review_turns_it_into_one_short_line(running: RunningBot) -> None:
    alice = SandboxUser(running.server, 623, "Alice")
    await add_to_cart(alice, "85123A", 1)
    review = (await alice.press((await checkout_to_payment(alice, pickup=True)).last, "💵")).last
    left = await alice.send("/cancel")
    edited = next(m for m in alice.messages() if m.message_id == review.message_id)
    assert edited.text == "Checkout cancelled." and edited.button_texts() == []
    assert left.last.text == "Checkout cancelled. Your cart is kept: /cart"


async def test_a_card_payer_who_cancels_is_told_in_their_language_that_a_refund_is_owed(running: RunningBot) -> None:
    boris = SandboxUser(running.server, 624, "Борис", language_code="ru")
    await add_to_cart(boris, "85123A", 2)
    reply = await checkout_to_payment(boris, pickup=True)
    placed = await boris.press(reply.last, "картой")
    placed = await boris.press(placed.last, "Подтвердить")
    await boris.pay(next(m for m in placed.new if m.kind == "invoice"))
    reply = await boris.send("/orders")
    reply = await boris.press(reply.last, reply.last.button_texts()[0])
    reply = await boris.press(reply.last, "Отменить заказ")
    done = await boris.press(reply.last, "Да, отменить")
    told = [m.text for m in done.new]
    assert any("Мы должны вам 5,90" in text and "£" in text for text in told), told
