"""Scans sent as photos: pickers and packers photograph a barcode instead of typing it."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.barcodes import read_barcode


async def code_in_photo(bot: Bot, message: Message) -> str | None:
    """The barcode in the message's photo; if there is none, the sender is told and None
    is returned."""
    assert message.photo
    file = await bot.download(message.photo[-1].file_id)
    code = read_barcode(file.read()) if file else None
    if code is None:
        await message.answer(_("No barcode found in the photo. Try again closer, or type the code."))
    return code
