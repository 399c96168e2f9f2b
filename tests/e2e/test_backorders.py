"""Backorders and preorders through the sandbox: ordering beyond stock with the expected
date shown before confirming, a receipt filling the waiting part and the customer told,
a preorder filled by a purchase-order receipt, and cancelling a waiting part."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from bot.harness import RunningBot
from domain.catalog import Product
from domain.money import Money
from domain.usecases.backorder_fill import fill_due_backorders
from domain.usecases.stock import stock_drift
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.backorders import CANCELLING, approved_po, beyond_stock
from tests.e2e.conftest import hire
from tests.e2e.journeys import add_to_cart, order_code, place_cod_order, scalar, stock
from tests.fakes import FakeClock

WORDS = {
    "en": {
        "on": "Backorders: on",
        "waits": "2 not in stock: they will wait for the next delivery, expected by 2 Dec 2026",
        "told": "Good news: 2 × White Hanging Heart T-Light Holder of your order",
        "placed": "⏳ 2 × White Hanging Heart T-Light Holder wait for stock, expected by 2 Dec 2026",
        "preorder": "Preorder: released on 20 Dec 2026.",
        "preordered": "3 on preorder, expected by 20 Dec 2026",
        "arrived": "Good news: 3 × Moon Lamp of your order",
        "one_preordered": "1 on preorder, expected by 20 Dec 2026",
        "in_stock": "In stock",
        "preorder_button": "🗓 Preorder",
        "placed_preorder": "🗓 3 × Moon Lamp on preorder, expected by 20 Dec 2026",
    },
    "ru": {
        "on": "Backorders: on",
        "waits": "2 нет в наличии: дождутся следующей поставки, ожидается к 2 дек. 2026\u202fг.",
        "told": "Хорошие новости: 2 × Белый подвесной подсвечник «Сердце» из вашего заказа",  # the demo's name_ru
        "placed": "⏳ 2 × Белый подвесной подсвечник «Сердце» ждут поставки, ожидается к 2 дек. 2026\u202fг.",
        "preorder": "Предзаказ: выходит 20 дек. 2026\u202fг.",
        "preordered": "3 по предзаказу, ожидается к 20 дек. 2026\u202fг.",
        "arrived": "Хорошие новости: 3 × Moon Lamp из вашего заказа",
        "one_preordered": "1 по предзаказу, ожидается к 20 дек. 2026\u202fг.",
        "in_stock": "В наличии",
        "preorder_button": "🗓 Предзаказ",
        "placed_preorder": "🗓 3 × Moon Lamp по предзаказу, ожидается к 20 дек. 2026\u202fг.",
    },
}


async def _counters_match_rows(shop: RunningBot) -> None:
    assert await stock_drift(shop.runtime.uow()) == []


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_order_beyond_stock_waits_with_its_date_and_a_receipt_fills_it(
    shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    manager = await hire(shop, 90, "Mia", "manager")
    assert words["on"] in (await manager.send("/backorder 85123A on 10")).last.text
    await approved_po(shop, "85123A", 24, date(2026, 12, 2))
    available = sum(on_hand - reserved for code, on_hand, reserved in await stock(shop, "85123A"))
    alice = SandboxUser(shop.server, 91, "Alice", language_code=language)
    await add_to_cart(alice, "85123A", available + 2)
    cart = (await alice.send("/cart")).last.text
    assert f"× {available + 2} — " in cart and f"{words['waits']}\n" in cart
    placed = await place_cod_order(alice, pickup=True)
    review = next(m for m in alice.messages() if words["waits"] in m.text)  # shown before confirming
    assert review.message_id < placed.new[0].message_id
    code = order_code(placed)
    await shop.runtime.notifier.drain()
    confirmation = next(m.text for m in alice.messages() if code in m.text and words["placed"] in m.text)
    assert "Ready for pickup" not in confirmation and "Готов" not in confirmation  # no promise it cannot keep
    waiting = await scalar(shop, select(m.BackorderRow.quantity).where(m.BackorderRow.status == "waiting"))
    assert waiting == 2
    await _counters_match_rows(shop)

    await manager.send("/receive 85123A 5 LON")
    await shop.runtime.notifier.drain()
    told = shop.server.chat_messages(91)[-1].text
    assert words["told"] in told and code in told
    assert await scalar(shop, select(func.count()).where(m.BackorderRow.status == "waiting")) == 0
    assert await scalar(shop, select(m.BackorderRow.filled)) == 2
    await _counters_match_rows(shop)
    flags = await scalar(shop, select(m.OrderRow.flags).where(m.OrderRow.code == code))
    assert "BACKORDER" not in (flags or "")


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_preorder_arriving_early_is_held_until_its_release_day_then_allocated(
    shop: RunningBot, clock: FakeClock, language: str
) -> None:
    words = WORDS[language]
    uow = shop.runtime.uow()
    async with uow:
        await uow.products.upsert(Product("MOON-1", "Moon Lamp", "Lighting", {"GBP": Money(2500, "GBP")}))
        await uow.commit()
    manager = await hire(shop, 92, "Max", "manager")
    terms = (await manager.send("/backorder MOON-1 preorder 2026-12-20")).last.text  # the manager reads English
    assert "Preorder: released on 20 Dec 2026." in terms and "0 units are waiting now." in terms
    number = await approved_po(shop, "MOON-1", 10, date(2026, 12, 1))
    bob = SandboxUser(shop.server, 93, "Bob", language_code=language)
    card = await bob.send("/start p_MOON-1")
    assert words["preorder"] in card.last.text
    await bob.press(card.last, card.last.button_texts()[0])  # 🗓 Preorder
    await add_to_cart(bob, "MOON-1", 2)
    assert words["preordered"] in (await bob.send("/cart")).last.text
    code = order_code(await place_cod_order(bob, pickup=True))
    assert await stock(shop, "MOON-1") == []  # nothing reserved: there is nothing yet
    await shop.runtime.notifier.drain()
    placed = next(m.text for m in bob.messages() if code in m.text and words["placed_preorder"] in m.text)
    assert "⏳" not in placed  # a preorder, not a part waiting for stock
    routing = (await manager.send(f"/order {code}")).last.text  # the manager reads English
    assert "every line waits for stock: allocated when it arrives" in routing and "can ship every line" not in routing

    shown = await manager.send(f"/po receive {number}")  # the lamps come early
    assert str(number) in shown.last.text
    assert await stock(shop, "MOON-1") == [("LON", 10, 0)]  # not allocated before the release
    assert await scalar(shop, select(m.BackorderRow.quantity).where(m.BackorderRow.status == "waiting")) == 3
    cleo = SandboxUser(shop.server, 96, "Cleo", language_code=language)  # orders with the lamps on the shelf
    await add_to_cart(cleo, "MOON-1", 1)
    assert words["one_preordered"] in (await cleo.send("/cart")).last.text  # the date, before confirming
    await place_cod_order(cleo, pickup=True)
    assert await stock(shop, "MOON-1") == [("LON", 10, 0)]  # still not sold before its release
    clock.advance(days=24, hours=15)  # the release day, at midnight: the scheduler's next tick
    assert await fill_due_backorders(shop.runtime.uow(), shop.runtime.clock) == 4  # Bob's 3, then Cleo's 1
    assert await fill_due_backorders(shop.runtime.uow(), shop.runtime.clock) == 0  # a second run changes nothing
    await shop.runtime.notifier.drain()
    told = shop.server.chat_messages(93)[-1].text
    assert words["arrived"] in told and code in told
    assert await stock(shop, "MOON-1") == [("LON", 10, 4)]
    await _counters_match_rows(shop)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_preorder_card_says_preorder_even_when_its_stock_came_early(shop: RunningBot, language: str) -> None:
    words = WORDS[language]
    uow = shop.runtime.uow()
    async with uow:
        await uow.products.upsert(Product("MOON-1", "Moon Lamp", "Lighting", {"GBP": Money(2500, "GBP")}))
        await uow.commit()
    manager = await hire(shop, 92, "Max", "manager")
    await manager.send("/backorder MOON-1 preorder 2026-12-20")
    await manager.send("/receive MOON-1 10 LON")  # the lamps come early: they are not sold before the 20th
    cleo = SandboxUser(shop.server, 96, "Cleo", language_code=language)
    card = (await cleo.send("/start p_MOON-1")).last
    assert words["preorder"] in card.text
    assert words["in_stock"] not in card.text
    assert card.button_texts()[0] == words["preorder_button"]  # not "Add to cart", nor "Buy now"
    await cleo.press(card, card.button_texts()[0])
    assert words["one_preordered"] in (await cleo.send("/cart")).last.text


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_customer_cancels_the_waiting_part_from_the_order_screen(shop: RunningBot, language: str) -> None:
    part, button, undated, cancel, confirm, nothing = CANCELLING[language]
    manager = await hire(shop, 94, "Mia", "manager")
    await manager.send("/backorder 85123A on")
    carol = SandboxUser(shop.server, 95, "Carol", language_code=language)
    code = await beyond_stock(shop, carol, 3)
    order = await carol.send(f"/track {code}")
    assert part in order.last.text
    waiting = await carol.press(order.last, button)
    assert undated in waiting.last.text
    asked = await carol.press(waiting.last, cancel)
    done = await carol.press(asked.last, confirm)
    assert nothing in done.last.text
    assert await scalar(shop, select(m.BackorderRow.cancelled)) == 3
    before = await stock(shop, "85123A")
    await manager.send("/receive 85123A 5 LON")
    after = await stock(shop, "85123A")
    assert after[0][2] == before[0][2]  # nothing allocated to a cancelled part
    await _counters_match_rows(shop)


async def test_a_products_file_sets_backorder_terms_and_bad_ones_refuse_the_file(shop: RunningBot) -> None:
    from domain.errors import ImportRejected
    from domain.usecases.imports.products import import_products

    header = "sku,name,category,price,currency,backorder\n"
    await import_products(
        shop.runtime.uow(), shop.runtime.clock, header + "LAMP-2,Star Lamp,Lighting,20.00,GBP,preorder 2027-01-15 40\n"
    )
    manager = await hire(shop, 96, "Mia", "manager")
    shown = (await manager.send("/backorder LAMP-2")).last.text
    assert "Preorder: released on 15 Jan 2027." in shown and "At most 40 units may wait at once." in shown
    with pytest.raises(ImportRejected):
        await import_products(
            shop.runtime.uow(), shop.runtime.clock, header + "LAMP-2,Star Lamp,Lighting,20.00,GBP,sometimes\n"
        )
    assert "At most 40 units" in (await manager.send("/backorder LAMP-2")).last.text  # nothing changed
    off = (await manager.send("/backorder LAMP-2 off")).last.text
    assert "Backorders: off." in off


FILLED = {
    "en": "Good news: 1 × White Hanging Heart T-Light Holder of your order",
    "ru": "Хорошие новости: 1 × Белый подвесной подсвечник «Сердце» из вашего заказа",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_count_adjustment_and_a_restocked_return_fill_the_waiting_oldest_first(
    shop: RunningBot, language: str
) -> None:
    from tests.e2e.returns import ask_return, delivered

    returned = await delivered(shop, 980, {"85123A": 1})
    manager = await hire(shop, 97, "Mia", "manager")
    await manager.send("/backorder 85123A on")
    first = SandboxUser(shop.server, 981, "Fay", language_code=language)
    second = SandboxUser(shop.server, 982, "Gus", language_code=language)
    first_code = await beyond_stock(shop, first, 1)  # the oldest waiting
    second_code = await beyond_stock(shop, second, 1)
    waiting = select(m.BackorderRow.quantity).where(m.BackorderRow.status == "waiting")
    assert await scalar(shop, select(func.sum(m.BackorderRow.quantity)).where(m.BackorderRow.status == "waiting")) == 2

    found = await manager.send("/adjust 85123A LON 1 found behind the shelf")  # a count correction upwards
    assert "85123A in LON" in found.last.text
    await shop.runtime.notifier.drain()
    assert FILLED[language] in first.messages()[-1].text and first_code in first.messages()[-1].text
    assert await scalar(shop, waiting) == 1
    await _counters_match_rows(shop)

    rma = await ask_return(shop, SandboxUser(shop.server, 980, "Rita"), returned, "85123A", "Damaged")
    support = await hire(shop, 98, "Sue", "support")
    approved = await support.press((await support.send(f"/rma {rma}")).last, "Approve")
    received = await support.press(approved.last, "Parcel received")
    await support.press(received.last, "Restock 85123A")  # the returned unit goes to the next one waiting
    await shop.runtime.notifier.drain()
    assert FILLED[language] in second.messages()[-1].text and second_code in second.messages()[-1].text
    assert await scalar(shop, select(func.count()).where(m.BackorderRow.status == "waiting")) == 0
    await _counters_match_rows(shop)
