"""A pickup order's routing line speaks of the pickup point it is collected from."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.conftest import hire
from tests.e2e.journeys import add_to_cart, order_code, place_cod_order

SAID = {
    "en": ("nearest to the pickup point: ", "delivery point"),
    "ru": ("ближе всего к пункту самовывоза: ", "адресу доставки"),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_pickup_order_s_routing_names_the_pickup_point_not_a_delivery_address(
    shop: RunningBot, language: str
) -> None:
    customer = SandboxUser(shop.server, 610, "Pia")
    await add_to_cart(customer, "85123A", 1)
    code = order_code(await place_cod_order(customer, pickup=True))
    manager = await hire(shop, 97, "Mo", "manager", language=language)
    text = (await manager.send(f"/order {code}")).last.text
    pickup, address = SAID[language]
    assert pickup in text and address not in text, text
