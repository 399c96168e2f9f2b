"""/whoami, /chatid, and the bot joining a group: the ids a shop's configuration needs."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.filters import JOIN_TRANSITION, ChatMemberUpdatedFilter, Command
from aiogram.types import ChatMemberUpdated, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from babel import Locale

from domain.ports import UnitOfWork
from domain.usecases.staff import staff_member
from handlers.context import ShopSettings
from handlers.views.rendering import Renderer, fill

router = Router(name=__name__)
GROUPS = {ChatType.GROUP, ChatType.SUPERGROUP}


@router.message(Command("whoami"))
async def whoami(message: Message, renderer: Renderer, uow: UnitOfWork, i18n: I18n, bot: Bot) -> None:
    if message.from_user is None:
        return
    if message.chat.type != ChatType.PRIVATE:  # a role is nobody else's business
        me = await bot.me()
        await message.answer(fill(_("Ask me in a private chat: @{bot}"), bot=me.username or ""))
        return
    member = await staff_member(uow, message.from_user.id)
    code = i18n.current_locale
    await message.answer(
        renderer.render(
            "whoami.html.j2",
            user_id=message.from_user.id,
            language=f"{Locale.parse(code).get_display_name(code)} ({code})",
            role=member.role.value if member else "",
        )
    )


@router.message(Command("chatid"))
async def chat_id(message: Message, renderer: Renderer, settings: ShopSettings, bot: Bot) -> None:
    if message.chat.type not in GROUPS:
        user_id = message.from_user.id if message.from_user else message.chat.id
        await message.answer(renderer.render("chat_id_private.html.j2", user_id=user_id, bot=(await bot.me()).username))
        return
    await message.answer(await _group_id(message.chat.id, message.chat.title, renderer, settings, bot, joined=False))


@router.my_chat_member(ChatMemberUpdatedFilter(JOIN_TRANSITION), F.chat.type.in_(GROUPS))
async def added_to_group(event: ChatMemberUpdated, renderer: Renderer, settings: ShopSettings, bot: Bot) -> None:
    """Said once, when someone adds the bot: the one moment everyone in the group looks."""
    await bot.send_message(
        event.chat.id, await _group_id(event.chat.id, event.chat.title, renderer, settings, bot, joined=True)
    )


async def _group_id(
    chat: int, title: str | None, renderer: Renderer, settings: ShopSettings, bot: Bot, *, joined: bool
) -> str:
    return renderer.render(
        "chat_id_group.html.j2",
        chat_id=chat,
        title=title or "",
        joined=joined,
        is_staff_chat=settings.staff_chat_id == chat,
        bot=(await bot.me()).username,
    )
