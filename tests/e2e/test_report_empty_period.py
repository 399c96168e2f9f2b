"""/report on a period without orders says so, naming the period, and sends no chart of nothing."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.conftest import hire
from tests.e2e.journeys import add_to_cart, place_cod_order

WORDS = {
    "en": {
        "today": "No orders today.",
        "week": "No orders in the last 7 days.",
        "month": "No orders in the last 30 days.",
    },
    "ru": {
        "today": "Сегодня заказов не было.",
        "week": "За последние 7 дней заказов не было.",
        "month": "За последние 30 дней заказов не было.",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_period_without_orders_is_said_so_by_name_and_no_chart_is_sent(shop: RunningBot, language: str) -> None:
    """An empty period's /report sent "Orders: 0", "Revenue: £0.00" and a chart of empty bars."""
    manager = await hire(shop, 90, "Mo", "manager", language=language)
    for period, said in WORDS[language].items():
        reply = await manager.send(f"/report {period}")
        assert [m.kind for m in reply.new] == ["text"], period
        assert said in reply.new[0].text, reply.new[0].text
    customer = SandboxUser(shop.server, 91, "Cat", language_code=language)
    await add_to_cart(customer, "85123A")
    await place_cod_order(customer, pickup=True)
    reply = await manager.send("/report today")
    assert [m.kind for m in reply.new] == ["text", "photo"]
    assert WORDS[language]["today"] not in reply.new[0].text
