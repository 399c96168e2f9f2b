"""An order's label when no parcel was recorded for it (packed before parcels were kept, or its
parcel row gone): it printed a made-up "Package 1 of 1 · no box · 0 g"; now it prints no parcel (en/ru)."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from bot.harness import RunningBot
from handlers.callbacks import DocumentCb
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.journeys import pdf_text, picked_order

PARCEL = {"en": ("Package", " g"), "ru": ("Место", " г")}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_label_with_no_parcel_recorded_prints_none_made_up(shop: RunningBot, language: str) -> None:
    code = await picked_order(shop, 320 + len(language), {"22197": 1})
    packer = await hire(shop, 80 + len(language), "Pax", "packer", "LON", language=language)
    await packer.send(f"/pack {code}")
    boxes = await packer.send("22197")
    asked = await packer.press(boxes.last, "M")
    packed = await packer.send("300")  # grams
    assert code in packed.last.text and "300" in packed.last.text, (asked.last.text, packed.last.text)
    async with shop.runtime.uow() as uow:
        order_id = select(m.OrderRow.id).where(m.OrderRow.code == code).scalar_subquery()
        await uow.session.execute(delete(m.PackageRow).where(m.PackageRow.order_id == order_id))
        await uow.commit()
    async with shop.runtime.sessions() as session:
        assert not (await session.scalars(select(m.PackageRow).where(m.PackageRow.order_id == order_id))).all()
    label = await packer.press_data(boxes.last, DocumentCb(code=code, kind="label").pack(), label="📄")
    assert label.last.file is not None
    text = pdf_text(label.last.file.content)
    assert code in text and "Popcorn" not in text  # the label, with its order's code
    word, grams = PARCEL[language]
    assert word not in text and grams not in text, text
