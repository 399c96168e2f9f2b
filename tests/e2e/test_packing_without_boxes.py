"""A new shop packs its first order before it has set up any standard boxes: it was told
"choose one below after importing them" with nothing below but "✅ As proposed", nothing proposed."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update

from bot.harness import RunningBot
from sandbox import SandboxUser
from sandbox.server import BotMessage
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.journeys import pdf_text, picked_order, status

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


async def _packed_without_a_box(
    shop: RunningBot, language: str, said: dict[str, tuple[str, str]]
) -> tuple[str, SandboxUser, BotMessage]:
    """An order picked, scanned by a packer in ``language``: the screen says ``said``'s text,
    its one button packs it; the order's code, the packer and what the bot said it packed."""
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
    return code, packer, packed.last


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
    code, _, _ = await _packed_without_a_box(shop, language, NONE_FITS)  # no box offered: none takes it
    async with shop.runtime.sessions() as session:
        boxes = (
            await session.scalars(
                select(m.PackageRow.box_code)
                .join(m.OrderRow, m.OrderRow.id == m.PackageRow.order_id)
                .where(m.OrderRow.code == code)
            )
        ).all()
    assert boxes == [""]  # one parcel without a box, as the button said


SLIP = "Packed: no box · 450 g"  # the slip goes in the box: in the buyer's language, English here
PAPERS = {
    "en": ("📄 Label", "Package 1 of 1 · no box · 450 g", "📄 Packing slip", SLIP),
    "ru": ("📄 Этикетка", "Место 1 из 1 · без коробки · 450 г", "📄 Упаковочный лист", SLIP),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_label_and_the_packing_slip_of_a_parcel_without_a_box_say_no_box(
    shop: RunningBot, language: str
) -> None:
    """A parcel without a box was box "": the label named no box at all, the slip no parcel."""
    async with shop.runtime.sessions() as session:
        await session.execute(delete(m.BoxRow))
        await session.commit()
    _code, packer, packed = await _packed_without_a_box(shop, language, SAID)
    label_button, label, slip_button, slip = PAPERS[language]
    label_file = (await packer.press(packed, label_button)).last.file
    slip_file = (await packer.press(packed, slip_button)).last.file
    assert label_file is not None and slip_file is not None
    assert label in pdf_text(label_file.content).splitlines()
    assert slip in pdf_text(slip_file.content).splitlines()
