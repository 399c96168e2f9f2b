"""Scans for picking and packing alike: typed as ``CODE`` or ``CODE QTY`` (a SKU or barcode,
then how many units of it), or a photo of the barcode."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram import Bot
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from domain.errors import InvalidQuantity
from handlers.output.barcodes import read_barcode

MAX_SCAN_QUANTITY = 9999


@dataclass(frozen=True, slots=True)
class Scan:
    code: str  # a SKU or a barcode, as typed
    quantity: int


def parse_scan(text: str) -> Scan:
    """``CODE`` (one unit) or ``CODE QTY``; anything else is refused, never half-read."""
    parts = text.split()
    if len(parts) == 1:
        return Scan(parts[0], 1)
    if len(parts) == 2 and parts[1].isdecimal() and 1 <= int(parts[1]) <= MAX_SCAN_QUANTITY:
        return Scan(parts[0], int(parts[1]))
    raise InvalidQuantity(maximum=MAX_SCAN_QUANTITY)


async def code_in_photo(bot: Bot, message: Message) -> str | None:
    """The barcode in the message's photo; if there is none, the sender is told and None
    is returned."""
    assert message.photo
    file = await bot.download(message.photo[-1].file_id)
    code = read_barcode(file.read()) if file else None
    if code is None:
        await message.answer(_("No barcode found in the photo. Try again closer, or type the code."))
    return code
