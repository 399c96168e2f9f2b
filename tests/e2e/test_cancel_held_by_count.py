"""An order a bin count put on hold before it was picked is cancelled by its customer as before the hold (en, ru):
its screen offers ✖ Cancel order beside ⏳ Waiting for stock, and the cancel releases its stock and its waiting part."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.bin_counts import as_the_books_say
from tests.e2e.conftest import hire
from tests.e2e.journeys import add_to_cart, bins, order_code, place_cod_order, status, stock
from tests.e2e.split_shipments import shelf_says

SAID = {
    "en": {
        "done": "✅ Done counting",
        "confirm": "✅ Confirm",
        "cancel": "✖ Cancel order",
        "yes": "Yes, cancel it",
        "waiting": "⏳ Waiting for stock",
        "cancelled": "Order {code} is cancelled.",
    },
    "ru": {
        "done": "✅ Пересчёт закончен",
        "confirm": "✅ Подтвердить",
        "cancel": "✖ Отменить заказ",
        "yes": "Да, отменить",
        "waiting": "⏳ Ждёт поставки",
        "cancelled": "Заказ {code} отменён.",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_order_a_count_held_before_picking_is_cancelled_by_its_customer(
    shop: RunningBot, language: str
) -> None:
    """22151 (only LON has it): the books say 5, Vera's order holds 3, Mia counts 1: the order is held, 2 waiting.
    Vera's screen offers ✖ Cancel order; pressed and confirmed, the order is cancelled, its unit free, nothing waits."""
    said = SAID[language]
    await shelf_says(shop, 5)
    vera = SandboxUser(shop.server, 1_720, "Вера", language_code=language)
    await add_to_cart(vera, "22151", 3)
    code = order_code(await place_cod_order(vera))
    ((_, bin_code, _),) = [b for b in await bins(shop, "22151") if b[2]]
    mia = await hire(shop, 1_721, "Mia", "manager", "LON", language=language)
    await mia.send(f"/count {bin_code}")
    await mia.send("22151 1")
    summary = await mia.press((await as_the_books_say(shop, mia, bin_code, "22151")).last, said["done"])
    await mia.press(summary.last, said["confirm"])
    assert await status(shop, code) == "on_hold" and await stock(shop, "22151") == [("LON", 1, 1)]

    screen = (await vera.send(f"/track {code}")).last
    assert said["cancel"] in screen.button_texts() and said["waiting"] in screen.button_texts()
    await vera.press(screen, said["cancel"])
    pressed = await vera.press(screen, said["yes"])
    assert pressed.callback_answer == {"text": said["cancelled"].format(code=code), "show_alert": True}
    assert await status(shop, code) == "cancelled" and await stock(shop, "22151") == [("LON", 1, 0)]
    async with shop.runtime.sessions() as session:
        parts = (await session.execute(select(m.BackorderRow.status, m.BackorderRow.quantity))).all()
    assert [tuple(p) for p in parts] == [("cancelled", 0)]  # nothing left to fill later
