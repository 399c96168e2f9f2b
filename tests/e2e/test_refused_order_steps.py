"""Staff pressing a step an order cannot take (cancel a cancelled order, pack, ship or mark
delivered a cancelled one, deliver an order twice) read the state machine's own words — "An order
cannot go from cancelled to delivered." for /delivered. Each is said in words, in English and
Russian, and the order is left as it was — through the sandbox."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.journeys import add_to_cart, order_code, place_cod_order, status

SKU = "22151"
TOLD = {
    "en": {
        "cancel": "Order {code} is already cancelled.",
        "pack": "Order {code} is cancelled: only picked orders can be packed.",
        "ship": "Order {code} is cancelled: only packed orders can be shipped.",
        "delivered": "Order {code} is cancelled: only a shipped order can be marked delivered. Nothing was changed.",
    },
    "ru": {
        "cancel": "Заказ {code} уже отменён.",
        "pack": "Заказ {code} в статусе «отменён»: упаковать можно только собранный заказ.",
        "ship": "Заказ {code} в статусе «отменён»: отгрузить можно только упакованный заказ.",
        "delivered": "Заказ {code} в статусе «отменён»: доставленным можно отметить только отгруженный заказ. "
        "Ничего не изменено.",
    },
}
COMMANDS = {
    "cancel": "/cancelorder {code}",
    "pack": "/pack {code}",
    "ship": "/ship {code} DPD TRK-77",
    "delivered": "/delivered {code}",
}


async def _history(shop: RunningBot, code: str) -> int:
    async with shop.runtime.sessions() as session:
        order_id = await session.scalar(select(m.OrderRow.id).where(m.OrderRow.code == code))
        return int(await session.scalar(select(func.count()).where(m.OrderHistoryRow.order_id == order_id)) or 0)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_step_a_cancelled_order_cannot_take_is_refused_in_words_and_changes_nothing(
    shop: RunningBot, language: str
) -> None:
    customer = SandboxUser(shop.server, 410, "Cleo")
    await add_to_cart(customer, SKU, 1)
    code = order_code(await place_cod_order(customer))
    manager = await hire(shop, 411, "Mo", "manager", "LON", language=language)
    await manager.send(f"/cancelorder {code}")
    assert await status(shop, code) == "cancelled"
    steps = await _history(shop, code)
    for step, command in COMMANDS.items():
        said = (await manager.send(command.format(code=code))).last.text
        assert said == TOLD[language][step].format(code=code), (step, said)
        assert await status(shop, code) == "cancelled" and await _history(shop, code) == steps
