"""⚖️ Use the estimate packs the order its message was about, once: a button left from another
order's packing, or tapped a second time, packs nothing and says so. (It packed whichever order
was being packed at the moment, unweighed, and a second tap answered "something went wrong".)"""

from __future__ import annotations

from bot.harness import RunningBot
from sandbox import SandboxUser
from sandbox.server import BotMessage
from tests.e2e.conftest import hire
from tests.e2e.journeys import picked_order, status

STALE = "This item is no longer available. Please open the menu again."
ESTIMATE = "⚖️ Use the estimate"


async def _weight_asked(packer: SandboxUser, code: str) -> BotMessage:
    await packer.send(f"/pack {code}")
    boxes = await packer.send("22197")
    asked = await packer.press(boxes.last, "As proposed")
    assert ESTIMATE in asked.last.button_texts()
    return asked.last


async def test_an_estimate_button_of_another_orders_packing_packs_nothing(shop: RunningBot) -> None:
    first = await picked_order(shop, 230, {"22197": 1})
    second = await picked_order(shop, 232, {"22197": 1})
    packer = await hire(shop, 76, "Pax", "packer", "LON")
    first_asked = await _weight_asked(packer, first)
    second_asked = await _weight_asked(packer, second)  # the packer moved on to the second order

    stale = await packer.press(first_asked, ESTIMATE)
    assert stale.callback_answer == {"text": STALE, "show_alert": True}
    assert stale.messages == []
    assert (await status(shop, first), await status(shop, second)) == ("picked", "picked")

    packed = await packer.press(second_asked, ESTIMATE)
    assert f"Order {second} is packed" in packed.last.text
    assert (await status(shop, first), await status(shop, second)) == ("picked", "packed")


async def test_a_second_tap_on_use_the_estimate_is_answered_and_packs_nothing_more(shop: RunningBot) -> None:
    code = await picked_order(shop, 234, {"22197": 1})
    packer = await hire(shop, 77, "Pax", "packer", "LON")
    asked = await _weight_asked(packer, code)
    assert f"Order {code} is packed" in (await packer.press(asked, ESTIMATE)).last.text
    again = await packer.press(asked, ESTIMATE)
    assert again.callback_answer == {"text": STALE, "show_alert": True}
    assert again.messages == []
    assert await status(shop, code) == "packed"
