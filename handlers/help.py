"""/help: what the bot can do, in the customer's language."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.rendering import Renderer
from handlers.menu import HELP_BUTTON

router = Router(name=__name__)


@router.message(Command("help"))
@router.message(F.text == HELP_BUTTON)
async def show_help(message: Message, renderer: Renderer) -> None:
    await message.answer(renderer.render("help.html.j2"))
