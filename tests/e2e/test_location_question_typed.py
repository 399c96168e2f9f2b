"""Text typed at "where is it?" (the checkout's location step, and an order's address change with
its Same place) is never taken as Skip: an address typed there is the address, asked where it is
again; anything else is asked again with a hint (en/ru)."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.journeys import add_to_cart, order_code, order_row, place_cod_order

WORDS = {
    "en": {
        "skip": "Skip",
        "same": "Same place",
        "edit": "✏️ Edit",
        "change": "📍 Change address",
        "now": "The address is now",
        "hint": "To change the address, send it in full",
    },
    "ru": {
        "skip": "Пропустить",
        "same": "То же место",
        "edit": "✏️ Изменить",
        "change": "📍 Изменить адрес",
        "now": "Теперь адрес",
        "hint": "Чтобы изменить адрес, отправьте его полностью",
    },
}
FIRST = "221B Baker Street, London NW1 6XE"
MEANT = "10 Downing Street, London SW1A 2AA"


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_address_typed_at_the_checkout_location_step_is_the_address_not_a_skip(
    shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    customer = SandboxUser(shop.server, 5701, "Rosa", language_code=language)
    await add_to_cart(customer, "85123A")
    await customer.send("/checkout")
    reply = await customer.share_contact("+44 7911 123456")
    await customer.press(reply.last, "🚚")
    await customer.send(FIRST)
    hinted = (await customer.send("ok")).last  # not an address, not Skip: asked again
    assert words["hint"] in hinted.text and words["skip"] in hinted.button_texts(), hinted.text
    asked = (await customer.send(MEANT)).last
    assert words["now"] in asked.text and MEANT in asked.text and words["skip"] in asked.button_texts(), asked.text
    reply = await customer.send(words["skip"])
    reply = await customer.press(reply.last, reply.last.button_texts()[0])
    reply = await customer.press(reply.last, "💵")
    code = order_code(await customer.press(reply.last, "✅"))
    order = await order_row(shop, code)
    assert (order.address, order.latitude, order.shipping_minor) == (MEANT, None, 520)  # not located: national


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_address_typed_at_the_same_place_question_is_the_address_not_a_skip(
    shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    customer = SandboxUser(shop.server, 5702, "Rosa", language_code=language)
    await add_to_cart(customer, "85123A")
    code = order_code(await place_cod_order(customer))  # located in central London: £3.70
    screen = await customer.press((await customer.send(f"/track {code}")).last, words["edit"])
    await customer.press(screen.last, words["change"])
    await customer.send(FIRST + ", flat 1")
    hinted = (await customer.send("ok")).last
    assert words["hint"] in hinted.text and words["same"] in hinted.button_texts(), hinted.text
    asked = (await customer.send(MEANT)).last
    assert words["now"] in asked.text and MEANT in asked.text and words["same"] in asked.button_texts(), asked.text
    order = await order_row(shop, code)
    assert (order.address, order.version) == (FIRST, 0)  # nothing changed until where it is is answered
    await customer.send(words["same"])
    order = await order_row(shop, code)
    assert (order.address, order.latitude, order.longitude) == (MEANT, 51.5237, -0.1585)
    assert (order.shipping_minor, order.version) == (370, 1)
