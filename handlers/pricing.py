"""/fx for managers: exchange rates against the base currency, set and reviewed."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from domain.ports import Clock, UnitOfWork
from domain.usecases.fx import rate_board
from domain.usecases.rate_changes import set_rate
from handlers.views.rendering import Renderer

router = Router(name=__name__)


@router.message(Command("fx"))
async def fx_command(
    message: Message, command: CommandObject, uow: UnitOfWork, clock: Clock, renderer: Renderer
) -> None:
    """``/fx`` the rates; ``/fx RUB`` one pair's history; ``/fx RUB 105.20`` or
    ``/fx GBP RUB 105.20`` sets a rate (1 GBP = 105.20 RUB)."""
    assert message.from_user is not None
    args = (command.args or "").split()
    if len(args) > 3:
        await message.answer(_("Usage: /fx [CURRENCY] or /fx [BASE] CURRENCY RATE, e.g. /fx RUB 105.20"))
        return
    if len(args) >= 2:
        rate = await set_rate(uow, clock, staff_id=message.from_user.id, args=args)
        await message.answer(renderer.render("staff/fx_set.html.j2", rate=rate))
        return
    board = await rate_board(uow, staff_id=message.from_user.id, currency=args[0] if args else None)
    await message.answer(renderer.render("staff/fx.html.j2", board=board, asked=args[0].upper() if args else None))
