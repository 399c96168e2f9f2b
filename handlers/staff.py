"""Staff and roles: /invite ROLE [WAREHOUSE] makes a one-time link; opening it
(``/start inv_<token>``) makes that person staff. /staff lists everyone; /role ID ROLE and
/revoke ID change them. Admins only."""

from __future__ import annotations

from html import escape

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from domain.customers import is_telegram_id
from domain.ports import Clock, UnitOfWork
from domain.staff import parse_role
from domain.usecases.staff import accept_invite, create_invite, list_staff, set_role
from domain.usecases.stock_examples import stock_example
from handlers.menu import clear_staff_menu, register_staff_menu
from handlers.views.labels import label
from handlers.views.rendering import Renderer, fill

router = Router(name=__name__)


def _args(command: CommandObject) -> list[str]:
    return (command.args or "").split()


@router.message(Command("invite"))
async def invite(message: Message, command: CommandObject, uow: UnitOfWork, clock: Clock, renderer: Renderer) -> None:
    assert message.from_user is not None and message.bot is not None
    args = _args(command)
    if not args or len(args) > 2:
        usage = _("Usage: /invite ROLE [WAREHOUSE], e.g. /invite picker {warehouse}")
        await message.answer(fill(usage, warehouse=(await stock_example(uow)).warehouse))
        return
    created = await create_invite(
        uow,
        clock,
        admin_id=message.from_user.id,
        role=parse_role(args[0]),
        warehouse_code=args[1] if len(args) == 2 else None,
    )
    me = await message.bot.me()
    link = f"https://t.me/{me.username}?start=inv_{created.token}"
    await message.answer(renderer.render("staff/invite.html.j2", invite=created, link=link))


async def join_with_invite(message: Message, token: str, uow: UnitOfWork, clock: Clock, i18n: I18n) -> None:
    """``/start inv_<token>``: the deep link of an invitation."""
    assert message.from_user is not None and message.bot is not None
    member = await accept_invite(uow, clock, token=token, telegram_id=message.from_user.id)
    await register_staff_menu(message.bot, i18n, member)
    await message.answer(
        _("Welcome to the team! Your role: {role}. Your commands are in the menu; /help explains them.").format(
            role=label("role", member.role)
        )
    )


@router.message(Command("staff"))
async def staff_list(message: Message, uow: UnitOfWork, renderer: Renderer) -> None:
    assert message.from_user is not None
    members = await list_staff(uow, admin_id=message.from_user.id)
    await message.answer(renderer.render("staff/list.html.j2", members=members))


@router.message(Command("role"))
async def change_role(message: Message, command: CommandObject, uow: UnitOfWork, i18n: I18n) -> None:
    assert message.from_user is not None and message.bot is not None
    args = _args(command)
    if len(args) != 2 or not is_telegram_id(args[0]):
        await message.answer(_("Usage: /role TELEGRAM-ID ROLE, e.g. /role 123456 packer"))
        return
    member = await set_role(uow, admin_id=message.from_user.id, telegram_id=int(args[0]), role=parse_role(args[1]))
    assert member is not None
    await register_staff_menu(message.bot, i18n, member)
    await message.answer(_("{id} is now {role}.").format(id=member.telegram_id, role=label("role", member.role)))


@router.message(Command("revoke"))
async def revoke(message: Message, command: CommandObject, uow: UnitOfWork, i18n: I18n) -> None:
    assert message.from_user is not None and message.bot is not None
    args = _args(command)
    if len(args) != 1 or not is_telegram_id(args[0]):
        await message.answer(_("Usage: /revoke TELEGRAM-ID"))
        return
    await set_role(uow, admin_id=message.from_user.id, telegram_id=int(args[0]), role=None)
    await clear_staff_menu(message.bot, i18n, int(args[0]))
    await message.answer(_("{id} is no longer staff.").format(id=escape(args[0])))
