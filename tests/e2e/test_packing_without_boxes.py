"""A new shop packs its first order before it has set up any standard boxes: it was told
"choose one below after importing them" with nothing below but "✅ As proposed", nothing proposed."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update

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


async def _packed_without_a_box(shop: RunningBot, language: str, said: dict[str, tuple[str, str]]) -> str:
    """An order picked, scanned by a packer in ``language``: the screen says ``said``'s text,
    its one button packs it; the order's code."""
    code = await picked_order(shop, 300, {"85123A": 1})
    packer = await hire(shop, 71, "Pax", "packer", "LON", language=language)
    await packer.send(f"/pack {code}")
    asked = await packer.send("85123A")
    text, button = said[language]
    assert text in asked.last.text, asked.last.text
    assert asked.last.button_texts() == [button]
    assert "As proposed" not in asked.last.text and "Как предложено" not in asked.last.text
    weight = await packer.press(asked.last, button)
    packed = await packer.send("450")
    assert code in packed.last.text, (weight.last.text, packed.last.text)
    assert await status(shop, code) == "packed"
    async with shop.runtime.sessions() as session:
        weights = (
            await session.scalars(
                select(m.PackageRow.weight_g)
                .join(m.OrderRow, m.OrderRow.id == m.PackageRow.order_id)
                .where(m.OrderRow.code == code)
            )
        ).all()
    assert weights == [450]  # the scale's reading typed, kept for the label (it was dropped)
    return code


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_shop_without_boxes_is_told_its_order_is_packed_without_one(shop: RunningBot, language: str) -> None:
    async with shop.runtime.sessions() as session:
        await session.execute(delete(m.BoxRow))
        await session.commit()
    await _packed_without_a_box(shop, language, SAID)


NONE_FITS = {
    "en": ("No standard box takes 85123A. Pack it separately and record its weight by hand.", "✅ Pack without a box"),
    "ru": (
        "Ни одна стандартная коробка не вмещает 85123A. Упакуйте отдельно и укажите вес вручную.",
        "✅ Упаковать без коробки",
    ),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_where_no_box_fits_the_first_button_says_it_packs_without_a_box(shop: RunningBot, language: str) -> None:
    """Boxes set up, none big enough: the packer was told so and left with no button to go on."""
    async with shop.runtime.sessions() as session:
        await session.execute(update(m.BoxRow).values(length_mm=1, width_mm=1, height_mm=1))
        await session.commit()
    code = await _packed_without_a_box(shop, language, NONE_FITS)  # no box offered: none takes it
    async with shop.runtime.sessions() as session:
        boxes = (
            await session.scalars(
                select(m.PackageRow.box_code)
                .join(m.OrderRow, m.OrderRow.id == m.PackageRow.order_id)
                .where(m.OrderRow.code == code)
            )
        ).all()
    assert boxes == [""]  # one parcel without a box, as the button said
