"""Managers' ``/backorder SKU [terms]``: whether a product may be ordered beyond stock (backorder, preorder)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from domain.ports import Clock, UnitOfWork
from domain.usecases.backorder_admin import backorder_terms
from handlers.views.rendering import Renderer

router = Router(name=__name__)


@router.message(Command("backorder"))
async def backorder_command(
    message: Message, command: CommandObject, uow: UnitOfWork, clock: Clock, renderer: Renderer
) -> None:
    assert message.from_user is not None
    sku, _sep, terms = (command.args or "").strip().partition(" ")
    if not sku:
        await message.answer(
            _("Usage: /backorder SKU [on | on LIMIT | preorder YYYY-MM-DD [LIMIT] | off], e.g. /backorder MUG-1 on 50")
        )
        return
    sheet = await backorder_terms(uow, clock, staff_id=message.from_user.id, sku=sku, text=terms.strip() or None)
    await message.answer(renderer.render("staff/backorder_terms.html.j2", sheet=sheet))
