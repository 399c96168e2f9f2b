"""A new shop packs its first order before it has set up any standard boxes: it was told
"choose one below after importing them" with nothing below but "✅ As proposed", nothing proposed."""

from __future__ import annotations

import pytest
from sqlalchemy import delete

from bot.harness import RunningBot
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.test_dispatch import picked_order
from tests.e2e.test_picking import status

SAID = {
    "en": (
        "No standard boxes are set up, so this order is packed without one "
        "(an admin adds them: /import boxes with the file, or “ordergram import boxes FILE.csv”).",
        "✅ Pack without a box",
    ),
    "ru": (
        "Стандартные коробки не заведены, поэтому заказ упакуют без коробки "
        "(администратор добавит их: /import boxes с файлом или «ordergram import boxes FILE.csv»).",
        "✅ Упаковать без коробки",
    ),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_shop_without_boxes_is_told_its_order_is_packed_without_one(shop: RunningBot, language: str) -> None:
    async with shop.runtime.sessions() as session:
        await session.execute(delete(m.BoxRow))
        await session.commit()
    code = await picked_order(shop, 300, {"85123A": 1})
    packer = await hire(shop, 71, "Pax", "packer", "LON", language=language)
    await packer.send(f"/pack {code}")
    asked = await packer.send("85123A")
    text, button = SAID[language]
    assert text in asked.last.text, asked.last.text
    assert asked.last.button_texts() == [button]
    assert "As proposed" not in asked.last.text and "Как предложено" not in asked.last.text
    weight = await packer.press(asked.last, button)
    packed = await packer.send("450")
    assert code in packed.last.text, (weight.last.text, packed.last.text)
    assert await status(shop, code) == "packed"
