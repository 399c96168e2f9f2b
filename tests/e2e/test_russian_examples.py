"""The examples a Russian manager is shown to type write amounts as they type them, with a
decimal comma (the bot takes «12,50»): they read «например 12.50», «off=5.00», «/fx RUB 105.20»;
and /product's «Сейчас:» reads a value the reader's way (it read «2.95 GBP», «100x140x65 mm»)."""

from __future__ import annotations

import re

from bot.harness import RunningBot
from tests.e2e.conftest import hire

POINT = re.compile(r"\d\.\d")


async def test_a_russian_manager_s_usage_examples_write_amounts_with_a_decimal_comma(shop: RunningBot) -> None:
    manager = await hire(shop, 66, "Маша", "manager", "LON", language="ru")
    shown = {
        command: (await manager.send(command)).last.text
        for command in ("/fx RUB 1 2 3", "/promotion new", "/promocode new", "/pricelist add", "/queue")
    }
    card = await manager.send("/product 85123A")
    shown["price"] = (await manager.press(card.last, "Цена (GBP)")).last.text
    assert {command: text for command, text in shown.items() if POINT.search(text)} == {}
    assert "/fx RUB 105,20" in shown["/fx RUB 1 2 3"] and "off=5,00" in shown["/promotion new"]
    assert "min=20,00" in shown["/promocode new"] and "MUG-1 4,50" in shown["/pricelist add"]
    now = shown["price"].replace("\xa0", " ")
    assert "например 12,50" in now and "Сейчас: 2,95 £" in now  # was «2.95 GBP»
    size = (await manager.press(card.last, "Размеры")).last.text.replace("\xa0", " ")
    assert "Сейчас: 100×140×65 мм" in size  # was «100x140x65 mm»
    assert shown["/queue"].startswith("Заказы к исполнению на складе LON")


async def test_an_english_manager_s_usage_examples_keep_the_point(shop: RunningBot) -> None:
    manager = await hire(shop, 67, "Mo", "manager", "LON")
    assert "/fx RUB 105.20" in (await manager.send("/fx RUB 1 2 3")).last.text
    assert "off=5.00" in (await manager.send("/promotion new")).last.text
    card = await manager.send("/product 85123A")
    price = (await manager.press(card.last, "Price (GBP)")).last.text
    assert "e.g. 12.50" in price and "Now: £2.95" in price


async def test_a_russian_manager_s_help_names_the_customer_one_way(shop: RunningBot) -> None:
    """«/assist — Оформить заказ за покупателя» above «/assist_end — Закончить заказ за клиента»
    read as two people; the staff commands say «покупатель» throughout, as the rest of the bot does."""
    manager = await hire(shop, 68, "Маша", "manager", language="ru")
    shown = (await manager.send("/help")).last.text.splitlines()
    staff = shown[shown.index("Команды сотрудника (менеджер)") :]
    assert [line for line in staff if "клиент" in line] == []
    assert "/assist_end — Закончить заказ за покупателя" in staff
    assert "/paylink — Отправить покупателю ссылку для оплаты заказа" in staff
    assert "отправить покупателю ссылку" in (await manager.send("/paylink")).last.text
