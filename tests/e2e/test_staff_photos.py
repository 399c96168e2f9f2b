"""A barcode photo a picker sends with no round open was answered with the customers' «press 💬 Contact us first»:
staff are told what a photo does for them (en and ru), a round left open takes it as its scan, and no staff photo
reaches the support chat — not even with a conversation of theirs open."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.output.barcodes import barcode_png
from tests.e2e.conftest import hire, staff_shop
from tests.e2e.journeys import jars, order, status
from tests.fakes import FakeClock

SUPPORT = -1009000
TOLD = {
    "en": {
        "picker": "📷 A photo of a barcode scans the item of your picking round's line. You have no picking round open."
        " Start one with /pick.",
        "packer": "📷 At packing, a photo of a barcode scans an item: start with /pack ORDER-CODE.",
        "support": "📷 A photo sent here goes nowhere: staff messages are not passed to support. /help lists what you"
        " can do.",
    },
    "ru": {
        "picker": "📷 Фото штрихкода сканирует товар строки вашего обхода. У вас нет открытого обхода. Начните его"
        " командой /pick.",
        "packer": "📷 При упаковке фото штрихкода сканирует товар: начните с /pack КОД-ЗАКАЗА.",
        "support": "📷 Фото, отправленное сюда, никуда не уходит: сообщения сотрудников не передаются в поддержку."
        " /help — что вы можете сделать.",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_staff_photo_outside_a_step_says_what_a_photo_does_for_them_and_never_reaches_support(
    tmp_path: Path, clock: FakeClock, language: str
) -> None:
    async with staff_shop(tmp_path, clock, support_chat_id=SUPPORT) as shop:
        told = TOLD[language]
        pia = await hire(shop, 110, "Pia", "picker", "LON", language=language)
        assert (await pia.send_photo(barcode_png("JAR-1"))).last.text == told["picker"]
        pax = await hire(shop, 111, "Pax", "packer", "LON", language=language)
        assert (await pax.send_photo(barcode_png("JAR-1"))).last.text == told["packer"]
        sue = await hire(shop, 112, "Sue", "support", language=language)
        assert (await sue.send_photo(b"\x89PNG a box")).last.text == told["support"]
        assert shop.server.chat_messages(SUPPORT) == []

        # Pia asks the shop a question, as anyone may: her conversation is open, and still her photo is hers
        await pia.send("Where is my parcel?")
        relayed = len(shop.server.chat_messages(SUPPORT))
        assert relayed > 0
        assert (await pia.send_photo(barcode_png("JAR-1"))).last.text == told["picker"]
        assert len(shop.server.chat_messages(SUPPORT)) == relayed


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_barcode_photo_after_leaving_the_rounds_step_scans_the_round_still_open(
    tmp_path: Path, clock: FakeClock, language: str
) -> None:
    """Pia pressed /cancel between lines (her round stays open until it is done): the photo is her next scan."""
    async with staff_shop(tmp_path, clock, support_chat_id=SUPPORT) as shop:
        await jars(shop, 2, 0)
        code = await order(shop, 590, {"JAR-1": 2})
        pia = await hire(shop, 110, "Pia", "picker", "LON", language=language)
        step = await pia.press((await pia.send("/pick")).last, {"en": "Single order", "ru": "Один заказ"}[language])
        assert "2 × JAR-1" in step.last.text, step.last.text
        await pia.send("/cancel")
        scanned = await pia.send_photo(barcode_png("JAR-1"))
        assert "1 × JAR-1" in scanned.last.text, scanned.last.text
        done = await pia.send_photo(barcode_png("JAR-1"))
        assert {"en": "is finished.", "ru": "завершён."}[language] in done.last.text, done.last.text
        assert await status(shop, code) == "picked"
        assert shop.server.chat_messages(SUPPORT) == []
