"""An address as long as checkout takes (500 characters) can be typed again when the customer changes the order's
address, in English and Russian: the change refused anything over 300, so a long address with its delivery notes,
taken at checkout, could not have a typo in it fixed."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.journeys import add_to_cart, order_code, order_row

WORDS = {
    "en": ("🚚", "✏️ Edit", "📍 Change address", "Same place", "💵", "✅"),
    "ru": ("🚚", "✏️ Изменить", "📍 Изменить адрес", "То же место", "💵", "✅"),
}
NOTES = ", ring twice, the blue door behind the gate; leave with the concierge if out" * 5
LONG = ("221B Baker Stret, London NW1 6XE" + NOTES)[:480]
FIXED = ("221B Baker Street, London NW1 6XE" + NOTES)[:481]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_address_as_long_as_checkout_takes_can_be_corrected_after_ordering(
    shop: RunningBot, language: str
) -> None:
    courier, edit, change, same, cash, confirm = WORDS[language]
    rosa = SandboxUser(shop.server, 5150 + len(language), "Rosa", language_code=language)
    await add_to_cart(rosa, "85123A")
    await rosa.send("/checkout")
    reply = await rosa.share_contact("+44 7911 123456")
    await rosa.press(reply.last, courier)
    await rosa.send(LONG)
    reply = await rosa.send_location(51.5237, -0.1585)
    reply = await rosa.press(reply.last, reply.last.button_texts()[0])
    reply = await rosa.press(reply.last, cash)
    code = order_code(await rosa.press(reply.last, confirm))
    assert (await order_row(shop, code)).address == LONG

    screen = await rosa.press((await rosa.send(f"/track {code}")).last, edit)
    await rosa.press(screen.last, change)
    asked = await rosa.send(FIXED)
    assert same in " ".join(asked.last.button_texts())
    await rosa.send(same)
    order = await order_row(shop, code)
    assert (order.address, order.shipping_minor, order.version) == (FIXED, 370, 1)
