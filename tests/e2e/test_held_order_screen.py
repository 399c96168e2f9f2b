"""A customer whose order is held for a short pick finds the question on the order's screen too,
through the sandbox in English and Russian: the question message scrolled away is not the only way."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.journeys import add_to_cart, order_code, place_cod_order, scalar, status
from tests.e2e.parcels import hire_in
from tests.e2e.short_picks import SKU, WORDS, _short_pick
from tests.e2e.split_shipments import shelf_says

SCREEN = {
    "en": {"button": "⏳ Waiting for stock", "title": "Order {code}: waiting for stock", "part": "× 3 — "},
    "ru": {"button": "⏳ Ждёт поставки", "title": "Заказ {code}: ждёт поставки", "part": "× 3 — "},
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_order_held_for_a_short_pick_offers_its_waiting_part_and_the_question_from_track(
    shop: RunningBot, language: str
) -> None:
    """/track of an order held for a short pick showed only "on hold" with a receipt and Buy
    again: no ⏳ Waiting for stock button, so the missing part, and the choice the order waits
    for, were only in the question message, lost once it scrolled away."""
    words, screen = WORDS[language], SCREEN[language]
    await shelf_says(shop, 5)
    cleo = SandboxUser(shop.server, 401, "Cleo", language_code=language)
    await add_to_cart(cleo, SKU, 5)
    code = order_code(await place_cod_order(cleo, pickup=False))
    await _short_pick(shop, await hire_in(shop, 402, "Pia", "picker", "en"), found=2)
    assert await status(shop, code) == "on_hold"

    waiting = await cleo.press((await cleo.send(f"/track {code}")).last, screen["button"])
    text = waiting.last.text
    assert screen["title"].format(code=code) in text and screen["part"] in text and words["hold"] in text
    markup = waiting.last.reply_markup
    assert markup is not None
    buttons = [b["text"] for row in markup["inline_keyboard"] for b in row]
    assert words["split"] in buttons and words["wait"] in buttons and words["cancel"] in buttons
    assert not any(b.startswith("✖") and "3 ×" in b for b in buttons)  # a part is not cancelled past the question

    await cleo.press(waiting.last, words["wait"])
    assert await status(shop, code) == "picking"
    assert await scalar(shop, select(m.BackorderRow.status)) == "waiting"
    again = await cleo.press((await cleo.send(f"/track {code}")).last, screen["button"])  # now a waiting part
    assert words["hold"] not in again.last.text
