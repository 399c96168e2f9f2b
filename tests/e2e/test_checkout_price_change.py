"""A price changed between the review and ✅ Confirm: the order is not placed at a total the
customer never saw; they are told the new one, shown the review again, and confirm that.

Demo data used: 85123A "White Hanging Heart T-Light Holder" £2.95, 806 in LON."""

from __future__ import annotations

from bot.harness import RunningBot
from domain.money import Money
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.journeys import add_to_cart, checkout_to_payment, count, order_code, order_row, reprice


async def test_a_price_raised_after_the_review_is_shown_before_anything_is_ordered(running: RunningBot) -> None:
    alice = SandboxUser(running.server, 641, "Alice")
    await add_to_cart(alice, "85123A", 2)
    reply = await checkout_to_payment(alice, pickup=True)
    review = await alice.press(reply.last, "💵")
    assert "£5.90" in review.last.text
    await reprice(running, "85123A", Money(350, "GBP"))

    refused = await alice.press(review.last, "Confirm order")
    assert refused.callback_answer is not None
    assert refused.callback_answer["text"] == (
        "Prices or your cart changed since the review: the goods now come to £7.00. Nothing was ordered: "
        "check the order again and confirm."
    )
    assert await count(running, m.OrderRow) == 0
    assert "£7.00" in refused.last.text  # the review again, at the new price

    placed = await alice.press(refused.last, "Confirm order")
    order = await order_row(running, order_code(placed))
    assert (order.subtotal_minor, order.currency) == (700, "GBP")


async def test_a_price_raised_after_the_review_is_refused_in_russian(running: RunningBot) -> None:
    boris = SandboxUser(running.server, 642, "Борис", language_code="ru")
    await add_to_cart(boris, "85123A", 1)
    reply = await checkout_to_payment(boris, pickup=True)
    review = await boris.press(reply.last, "💵")
    await reprice(running, "85123A", Money(310, "GBP"))
    refused = await boris.press(review.last, "✅")
    assert refused.callback_answer is not None
    assert refused.callback_answer["text"].startswith("Цены или корзина изменились после проверки заказа")
    assert "3,10\xa0£" in refused.callback_answer["text"]
    assert await count(running, m.OrderRow) == 0
