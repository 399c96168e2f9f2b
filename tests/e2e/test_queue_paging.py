"""Staff /queue is paged: the count shown is what the pages go through, and a page button
from before orders left the queue is answered with the last page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from domain.orders import OrderStatus
from domain.usecases.checkout import CheckoutPolicy, place_order
from domain.usecases.orders import transition_order
from sandbox import SandboxUser
from sandbox.server import BotMessage
from storage import models as m
from tests.e2e.conftest import ADMIN, hire
from tests.fakes import FakeClock
from tests.storage.requests import pickup_cash_on_delivery

ORDERS = 45  # three pages of 20


async def _queued_orders(shop: RunningBot, clock: FakeClock, count: int) -> list[str]:
    """``count`` cash-on-delivery pickups at MAN, placed through the checkout use case."""
    await SandboxUser(shop.server, ADMIN, "Ada").send("/receive 85123A 100 MAN A-09-01-1 new")
    async with shop.runtime.sessions() as session:
        man = await session.scalar(select(m.WarehouseRow.id).where(m.WarehouseRow.code == "MAN"))
        product = await session.scalar(select(m.ProductRow.id).where(m.ProductRow.sku == "85123A"))
    assert man is not None and product is not None
    codes = []
    for i in range(count):
        await SandboxUser(shop.server, 7_000 + i, f"C{i}").send("/start")  # a chat the bot can write to
        uow = shop.runtime.uow()
        async with uow:
            customer = await uow.customers.get_by_telegram_id(7_000 + i)
            assert customer is not None
            await uow.carts.set(customer.id or 0, product, 1, clock.now())
            await uow.commit()
        request = pickup_cash_on_delivery(customer.id or 0, man, "GBP")
        codes.append((await place_order(shop.runtime.uow(), clock, CheckoutPolicy(), request)).code)
    return codes


def _codes(page: BotMessage) -> list[str]:
    return re.findall(r"^\d+\. (?:⭐ )?(\S+) —", page.text, re.MULTILINE)


def _numbers(page: BotMessage) -> list[int]:
    return [int(n) for n in re.findall(r"^(\d+)\. ", page.text, re.MULTILINE)]


async def test_every_order_counted_is_on_a_page_and_a_stale_button_gets_the_last_page(
    shop: RunningBot, clock: FakeClock
) -> None:
    placed = await _queued_orders(shop, clock, ORDERS)
    ada = SandboxUser(shop.server, ADMIN, "Ada")
    page = (await ada.send("/queue MAN")).last
    assert page.text.splitlines()[0] == "Orders to fulfil in MAN · 45 orders · Page 1 of 3"
    assert page.button_texts() == ["Next ▶"] and _numbers(page) == list(range(1, 21))
    seen = _codes(page)
    page = (await ada.press(page, "Next")).last
    assert "Page 2 of 3" in page.text and page.button_texts() == ["◀ Previous", "Next ▶"]
    assert _numbers(page) == list(range(21, 41))
    seen += _codes(page)
    to_third = next(b["callback_data"] for b in page.buttons() if "Next" in b["text"])
    third = await ada.press(page, "Next")
    assert third.callback_answer is not None and not third.callback_answer.get("text")
    assert "Page 3 of 3" in third.last.text and third.last.button_texts() == ["◀ Previous"]
    seen += _codes(third.last)
    assert sorted(seen) == sorted(placed)  # 45 counted, 45 on the pages, each once

    for code in placed[:10]:  # ten leave the queue: two pages now
        await transition_order(shop.runtime.uow(), clock, code=code, target=OrderStatus.CANCELLED, actor="staff:1")
    stale = await ada.press_data(third.last, to_third)
    assert stale.callback_answer is not None
    assert stale.callback_answer["text"] == "The queue has changed since: this is its last page now."
    last = stale.last
    assert "35 orders · Page 2 of 2" in last.text and _numbers(last) == list(range(21, 36))
    assert last.button_texts() == ["◀ Previous"]


async def test_the_paged_queue_in_russian(shop: RunningBot, clock: FakeClock) -> None:
    placed = await _queued_orders(shop, clock, 25)
    ada = SandboxUser(shop.server, ADMIN, "Ада", language_code="ru")
    page = (await ada.send("/queue MAN")).last
    assert page.text.splitlines()[0] == "Заказы к исполнению на складе MAN · 25 заказов · Страница 1 из 2"
    assert page.button_texts() == ["Далее ▶"]
    to_second, first = next(b["callback_data"] for b in page.buttons()), _codes(page)
    second = (await ada.press(page, "Далее")).last
    assert "Страница 2 из 2" in second.text and second.button_texts() == ["◀ Назад"]
    assert sorted(first + _codes(second)) == sorted(placed)
    for code in placed[:10]:  # fifteen left: one page
        await transition_order(shop.runtime.uow(), clock, code=code, target=OrderStatus.CANCELLED, actor="staff:1")
    stale = await ada.press_data(second, to_second)
    assert stale.callback_answer is not None
    assert stale.callback_answer["text"] == "Очередь с тех пор изменилась: теперь это её последняя страница."
    assert stale.last.text.splitlines()[0] == "Заказы к исполнению на складе MAN · 15 заказов"
    assert stale.last.button_texts() == [] and len(_codes(stale.last)) == 15


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_page_button_pressed_on_a_queue_over_48_hours_old_shows_the_page_in_a_new_message(
    shop: RunningBot, clock: FakeClock, language: str
) -> None:
    """Telegram hands such a message over as inaccessible: it cannot be edited, and ▶ showed nothing."""
    await _queued_orders(shop, clock, 21)
    mia = await hire(shop, 7_500, "Mia", "manager", language=language)
    page = (await mia.send("/queue MAN")).last
    turned = await mia.press(page, {"en": "Next ▶", "ru": "Далее ▶"}[language], too_old=True)
    assert turned.edited == [] and len(turned.new) == 1, turned.messages
    title = {"en": "Orders to fulfil in MAN", "ru": "Заказы к исполнению на складе MAN"}[language]
    assert turned.new[0].text.splitlines()[0].startswith(title) and _numbers(turned.new[0]) == [21]
