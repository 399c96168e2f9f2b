"""The order-change screen and the change notice name where the order goes and what delivery
costs with two different words, in English and Russian: in Russian both read "Доставка"."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.journeys import add_to_cart, order_code, place_cod_order

SCREEN = {
    "en": ("✏️ Edit", "Delivery: 221B Baker Street, London NW1 6XE", "Shipping: £3.70"),
    "ru": ("✏️ Изменить", "Получение: 221B Baker Street, London NW1 6XE", "Доставка: 3,70\xa0£"),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_change_screen_names_the_address_and_the_shipping_cost_apart(shop: RunningBot, language: str) -> None:
    edit, address, shipping = SCREEN[language]
    boris = SandboxUser(shop.server, 990, "Борис", language_code=language)
    await add_to_cart(boris, "85123A")
    code = order_code(await place_cod_order(boris))
    screen = (await boris.press((await boris.send(f"/track {code}")).last, edit)).last.text.splitlines()
    assert address in screen and shipping in screen
    labels = [line.split(":")[0] for line in screen if line in (address, shipping)]
    assert len(set(labels)) == 2
