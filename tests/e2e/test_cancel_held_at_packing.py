"""An order on hold after a short at packing is refused a cancel with why and the way out, never its raw status
(en, ru): its customer's old ✖ Cancel names the missing item's question and a return; a manager's /cancelorder
names the same, the order left on hold."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.conftest import hire
from tests.e2e.journeys import add_to_cart, jars, order_code, pick_everything, place_cod_order, status

SAID = {
    "en": {
        "cancel": "✖ Cancel order",
        "yes": "Yes, cancel it",
        "single": "Single order",
        "customer": "Order {code} is on hold: an item went missing at packing and the rest is picked, so it cannot be "
        "cancelled. To drop that item, answer under ⏳ Waiting for stock; return the rest via /orders.",
        "manager": "Order {code} can no longer be cancelled: it is on hold for an item missing at packing, the rest "
        "of it picked. The customer can drop the missing item under ⏳ Waiting for stock and, once the order has "
        "arrived, return it from /orders (or refuse the parcel at the door).",
    },
    "ru": {
        "cancel": "✖ Отменить заказ",
        "yes": "Да, отменить",
        "single": "Один заказ",
        "customer": "Заказ {code} приостановлен: при упаковке не хватило товара, остальное собрано, и отменить его "
        "нельзя. Откажитесь от товара в «⏳ Ждёт поставки», а остальное после получения верните через /orders.",
        "manager": "Заказ {code} уже нельзя отменить: он приостановлен из-за товара, которого не хватило при "
        "упаковке, а остальное уже собрано. Покупатель может отказаться от недостающего товара в разделе «⏳ Ждёт "
        "поставки», а когда заказ придёт, вернуть его через /orders (или отказаться от посылки при получении).",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_cancel_of_an_order_held_at_packing_is_refused_with_the_way_out_not_its_raw_status(
    shop: RunningBot, language: str
) -> None:
    said = SAID[language]
    await jars(shop, 2, 0)  # both in A-01-01-1, none anywhere else
    vera = SandboxUser(shop.server, 1_720, "Вера", language_code=language)
    await add_to_cart(vera, "JAR-1", 2)
    code = order_code(await place_cod_order(vera))
    old = (await vera.send(f"/track {code}")).last
    await vera.press(old, said["cancel"])  # asked "Yes, cancel it?" before picking began
    older = (await vera.send(f"/track {code}")).last  # its ✖ Cancel not pressed yet
    pia = await hire(shop, 1_721, "Pia", "picker", "LON", language=language)
    await pick_everything(pia, await pia.press((await pia.send("/pick")).last, said["single"]))
    pax = await hire(shop, 1_722, "Pax", "packer", "LON", language=language)
    await pax.send(f"/pack {code}")
    await pax.send(f"/short {code} JAR-1 1")  # a jar broke on the way, no other on the shelves: held
    assert await status(shop, code) == "on_hold"

    for message, button in ((old, said["yes"]), (older, said["cancel"])):
        pressed = await vera.press(message, button)
        assert pressed.callback_answer == {"text": said["customer"].format(code=code), "show_alert": True}
        assert "on_hold" not in pressed.callback_answer["text"]
    max_ = await hire(shop, 1_723, "Max", "manager", language=language)
    refused = (await max_.send(f"/cancelorder {code}")).last.text
    assert refused == said["manager"].format(code=code)
    assert await status(shop, code) == "on_hold"
