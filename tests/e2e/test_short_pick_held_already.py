"""An order split between LON and MAN: both pickers find their bin empty. MAN's short holds the
order; LON's picker, second, read "An order cannot go from on_hold to on_hold." and stayed on the
line for good (short again: the same). Now they are told, in their language, that the order is
already on hold (in MAN), its lines are set aside, and they carry on — through the sandbox."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from domain.usecases.stock import stock_drift
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.journeys import split_jar_order, status

TOLD = {
    "en": (
        "is already on hold for missing items: they were reported in MAN first",
        "Carry on with the next line.",
        "is finished.",
    ),
    "ru": (
        "уже приостановлен из-за недостающих товаров: о них сначала сообщили со склада MAN",
        "Продолжайте со следующей строки.",
        "завершён.",
    ),
}
BUTTONS = {"en": ("Single order", "Short pick"), "ru": ("Один заказ", "Недостача")}


async def _waiting(shop: RunningBot) -> list[int]:
    async with shop.runtime.sessions() as session:
        return list(await session.scalars(select(m.BackorderRow.quantity).where(m.BackorderRow.status == "waiting")))


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_second_warehouse_short_of_an_order_already_held_is_told_so_and_moves_on(
    shop: RunningBot, language: str
) -> None:
    runtime = shop.runtime
    split = await split_jar_order(shop, 390)
    mia = await hire(shop, 91, "Mia", "picker", "MAN")
    lu = await hire(shop, 92, "Lu", "picker", "LON", language=language)
    single, short = BUTTONS[language]
    mias = await mia.press((await mia.send("/pick")).last, "Single order")
    lus = await lu.press((await lu.send("/pick")).last, single)
    assert "JAR-1" in mias.last.text and "JAR-1" in lus.last.text  # each is sent to the order's bin
    reply = await mia.press(mias.last, "Short pick")
    assert any("is on hold for the shortage" in msg.text for msg in (await mia.send("0")).messages), reply.last.text
    assert await status(shop, split) == "on_hold" and await _waiting(shop) == [2]

    await lu.press(lus.last, short)  # LON's bin is empty too
    said = [msg.text for msg in (await lu.send("0")).messages]
    told, next_step, finished = TOLD[language]
    assert any(split in text and told in text and next_step in text for text in said), said
    assert not any("cannot go from" in text or "не может перейти" in text for text in said), said
    assert any(finished in text for text in said), said  # the round is not stuck on the held order's line
    assert await status(shop, split) == "on_hold" and await _waiting(shop) == [2]  # held once, one part waiting
    assert await stock_drift(runtime.uow()) == []
