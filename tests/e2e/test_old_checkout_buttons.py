"""A checkout step's button pressed on a message over 48 hours old ends only the checkout it belongs to: one started
since goes on, and the customer is told to go on with it (en/ru). The stale press ended the newer one too."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from sandbox.server import BotMessage
from tests.e2e.journeys import add_to_cart, order_code, shown_anew, status

WORDS = {
    "en": {
        "earlier": "This step is from an earlier checkout and is out of date. The checkout you started since is "
        "kept: go on from its latest step above, or /cancel to stop it.",
        "step 2": "Step 2 of 5. How would you like to get your order?",
        "address": "Type the delivery address (street, house, flat, city, postcode).",
        "out of date": "This checkout step was shown over two days ago and is out of date. Your cart is kept: /cart",
    },
    "ru": {
        "earlier": "Этот шаг — из прежнего оформления заказа, он устарел. Оформление, начатое позже, сохранено: "
        "продолжите с его последнего шага выше или остановите его командой /cancel.",
        "step 2": "Шаг 2 из 5. Как вы хотите получить заказ?",
        "address": "Введите адрес доставки (улица, дом, квартира, город, индекс).",
        "out of date": "Этот шаг оформления показан больше двух дней назад и устарел. Корзина сохранена: /cart",
    },
}


async def two_checkouts(shop: RunningBot, user_id: int, language: str) -> tuple[SandboxUser, BotMessage, BotMessage]:
    """A customer, and the delivery questions of two checkouts: the earlier one's, and that of one started since
    (which ended the first)."""
    nina = SandboxUser(shop.server, user_id, "Nina", language_code=language)
    await add_to_cart(nina, "85123A")
    questions = []
    for _ in range(2):
        await nina.send("/checkout")
        questions.append((await nina.share_contact("+44 7911 123456")).last)
    return nina, questions[0], questions[1]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_earlier_checkouts_old_step_leaves_the_checkout_started_since_going_on(
    shop: RunningBot, language: str
) -> None:
    w = WORDS[language]
    nina, earlier, newer = await two_checkouts(shop, 5731, language)
    assert earlier.text == newer.text == w["step 2"]

    stale = await nina.press(earlier, "🚚", too_old=True)
    assert shown_anew(stale) == w["earlier"]
    going_on = await nina.press(newer, "🚚")  # the newer checkout is where it was: at its delivery question
    assert [edited.text for edited in going_on.edited] == [w["address"]], going_on.messages
    reply = await nina.send("221B Baker Street, London NW1 6XE")
    reply = await nina.send(reply.last.button_texts()[-1])  # Skip, in her language
    reply = await nina.press(reply.last, reply.last.button_texts()[0])
    reply = await nina.press(reply.last, "💵")
    assert await status(shop, order_code(await nina.press(reply.last, "✅"))) == "allocated"


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_checkout_in_progress_pressed_on_its_own_old_step_ends_as_out_of_date(
    shop: RunningBot, language: str
) -> None:
    """After a second checkout, an old step of that second one is its own: it ends, the cart kept."""
    nina, _, newer = await two_checkouts(shop, 5732, language)

    stale = await nina.press(newer, "🚚", too_old=True)
    assert shown_anew(stale).startswith(WORDS[language]["out of date"])
    after = await nina.press(newer, "🚚")  # ended: the step's button is nobody's now
    assert after.edited == [] and after.new == [], after.messages
