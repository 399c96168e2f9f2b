"""Telegram's command menus: one list per language for customers, and for each staff
member a list of their own (scoped to their chat) with the commands their role allows."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommandScopeChat
from aiogram.utils.i18n import I18n

from domain.customers import SUPPORTED_LANGUAGES, StaffMember
from handlers.menu import customer_commands, staff_commands


async def register_commands(bot: Bot, i18n: I18n) -> None:
    """One command list per language; the default list is in the default locale."""
    with i18n.context():
        for language in SUPPORTED_LANGUAGES:
            with i18n.use_locale(language):
                await bot.set_my_commands(customer_commands(), language_code=language)
        with i18n.use_locale(i18n.default_locale):
            await bot.set_my_commands(customer_commands())


async def register_staff_menu(bot: Bot, i18n: I18n, member: StaffMember) -> None:
    """A staff member's own command menu (their chat only), in each language."""
    scope = BotCommandScopeChat(chat_id=member.telegram_id)
    with i18n.context():
        for language in SUPPORTED_LANGUAGES:
            with i18n.use_locale(language):
                await bot.set_my_commands(staff_commands(member), scope=scope, language_code=language)
        with i18n.use_locale(i18n.default_locale):
            await bot.set_my_commands(staff_commands(member), scope=scope)


async def clear_staff_menu(bot: Bot, telegram_id: int) -> None:
    scope = BotCommandScopeChat(chat_id=telegram_id)
    for language in SUPPORTED_LANGUAGES:
        await bot.delete_my_commands(scope=scope, language_code=language)
    await bot.delete_my_commands(scope=scope)
