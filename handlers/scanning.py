"""Scans for picking and packing alike: typed as ``CODE`` or ``CODE QTY`` (a SKU or barcode,
then how many units of it), or a photo of the barcode; and a parcel's weight as typed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

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


# A weight as the scale's reader types it, and as the bot writes weights back: grams ("1250",
# "1 250 г", "1,250 g") or kilograms ("1,25 кг", "1.25 kg").
_WEIGHT = re.compile(
    r"(?P<number>\d{1,3}(?:[ \u00a0\u202f,]\d{3})+|\d+(?:[.,]\d+)?)\s*(?P<unit>g|gr|г|гр|kg|кг)?\.?",
    re.IGNORECASE,
)


def typed_grams(text: str) -> int | None:
    """Whole grams, or ``None`` for anything else (a fraction of a gram, a word)."""
    found = _WEIGHT.fullmatch(text.strip())
    if found is None:
        return None
    number = re.sub(r"[ \u00a0\u202f]", "", found["number"])
    if (found["unit"] or "g").lower() in ("kg", "кг"):
        grams = Decimal(number.replace(",", ".")) * 1000  # "1,250 кг": a decimal comma (no parcel weighs a tonne)
    elif re.fullmatch(r"\d{1,3}(,\d{3})+|\d+", number):
        grams = Decimal(number.replace(",", ""))
    else:
        return None
    return int(grams) if grams == grams.to_integral_value() else None
