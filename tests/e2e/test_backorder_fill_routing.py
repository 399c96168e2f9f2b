"""A waiting part filled from another warehouse: /order says where the order ships from now
("split: LON ships 2, MAN ships 5"), not the reason it was placed with ("MAN can ship every
line"), each warehouse's units of a SKU once, summed; the customer is told the rest is on its
way only while a sent purchase order brings it, else that it waits for stock. English and Russian."""

from __future__ import annotations

from datetime import date

import pytest

from bot.harness import RunningBot
from domain.usecases.stock import stock_drift
from sandbox import SandboxUser
from tests.e2e.backorders import approved_po
from tests.e2e.conftest import hire
from tests.e2e.journeys import add_to_cart, jars_in, order_code, place_cod_order

WORDS = {
    "en": {
        "placed": "MAN can ship every line",
        "one_fill": "MAN ships 5\n2 still wait for stock",
        "split": "split: LON ships 2, MAN ships 5",
        "man": "🏬 MAN: JAR-1 × 5\n",
        "lon": "🏬 LON: JAR-1 × 2\n",
        "told": "Good news: 2 × Jar of your order",
        "waits": "2 more wait for stock: we will tell you as soon as they arrive.",
        "coming": "2 more are still on their way.",
        "complete": "Nothing of the order is waiting any more",
    },
    "ru": {
        "placed": "MAN может отгрузить все позиции",
        "one_fill": "MAN отгружает 5\nещё 2 ждут поставки",
        "split": "разделён: LON отгружает 2, MAN отгружает 5",
        "man": "🏬 MAN: JAR-1 × 5\n",
        "lon": "🏬 LON: JAR-1 × 2\n",
        "told": "Хорошие новости: 2 × Jar из вашего заказа",
        "waits": "Ещё 2 ждут поставки: сообщим, как только они поступят.",
        "coming": "Ещё 2 в пути.",
        "complete": "Больше ничего из заказа не ждёт поставки",
    },
}


async def _jars_at_man(shop: RunningBot) -> None:
    await jars_in(shop, ("MAN", "A-01-01-1", 3))


async def _told(shop: RunningBot, customer: SandboxUser) -> str:
    await shop.runtime.notifier.drain()
    return shop.server.chat_messages(customer.id)[-1].text


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_fill_from_another_warehouse_restates_where_the_order_ships_from_and_sums_each_sku(
    shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    await _jars_at_man(shop)
    manager = await hire(shop, 90, "Mia", "manager", language=language)
    await manager.send("/backorder JAR-1 on")
    cleo = SandboxUser(shop.server, 91, "Cleo", language_code=language)
    await add_to_cart(cleo, "JAR-1", 7)  # 3 at MAN, 4 wait
    code = order_code(await place_cod_order(cleo, pickup=False))
    assert words["placed"] in (await manager.send(f"/order {code}")).last.text

    await manager.send("/receive JAR-1 2 MAN")  # 2 of the 4: nothing else is coming
    told = await _told(shop, cleo)
    assert words["told"] in told and words["waits"] in told and words["coming"] not in told
    shown = (await manager.send(f"/order {code}")).last.text
    assert words["one_fill"] in shown and words["placed"] not in shown and words["man"] in shown

    await manager.send("/receive JAR-1 2 LON")  # the last 2, from another warehouse
    assert words["complete"] in await _told(shop, cleo)
    shown = (await manager.send(f"/order {code}")).last.text
    assert words["split"] in shown and words["placed"] not in shown and words["one_fill"] not in shown
    assert words["man"] in shown and words["lon"] in shown and "JAR-1 × 3" not in shown
    assert await stock_drift(shop.runtime.uow()) == []


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_rest_of_a_part_filled_is_on_its_way_only_while_a_sent_purchase_order_brings_it(
    shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    await _jars_at_man(shop)
    manager = await hire(shop, 92, "Max", "manager", language=language)
    await manager.send("/backorder JAR-1 on")
    await approved_po(shop, "JAR-1", 10, date(2026, 12, 20))
    cleo = SandboxUser(shop.server, 93, "Cleo", language_code=language)
    await add_to_cart(cleo, "JAR-1", 7)
    await place_cod_order(cleo, pickup=False)
    await manager.send("/receive JAR-1 2 MAN")
    told = await _told(shop, cleo)
    assert words["told"] in told and words["coming"] in told and words["waits"] not in told
