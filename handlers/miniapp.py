"""/shop opens the storefront Mini App; /dashboard the staff dashboard, with a one-time browser sign-in link."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, MenuButtonWebApp, Message, WebAppInfo
from aiogram.utils.i18n import gettext as _

from domain.ports import Clock, UnitOfWork
from domain.usecases.dashboard import LOGIN_TTL, create_login_link
from handlers.context import ShopSettings

router = Router(name=__name__)


def _not_set_up() -> str:
    return _("The shop's Mini App is not set up yet (the operator sets WEBAPP_URL). Browse with /catalog.")


def shop_button(webapp_url: str) -> MenuButtonWebApp:
    """The menu button that opens the storefront, labelled in the current language."""
    return MenuButtonWebApp(text=_("Shop"), web_app=WebAppInfo(url=f"{webapp_url}/app/shop"))


async def set_shop_button(bot: Bot | None, settings: ShopSettings, chat_id: int) -> None:
    """This private chat's menu button, in the reader's language. Telegram keeps one menu
    button for every chat plus one per chat, none per language: a reader of another language
    than the default gets a button of their own."""
    if bot is not None and settings.webapp_url:
        await bot.set_chat_menu_button(chat_id=chat_id, menu_button=shop_button(settings.webapp_url))


@router.message(Command("shop"))
async def open_shop(message: Message, settings: ShopSettings) -> None:
    if not settings.webapp_url:
        await message.answer(_not_set_up())
        return
    if message.chat.type != ChatType.PRIVATE:  # Telegram opens Mini App buttons in private chats only
        await message.answer(_("Send /shop to me in a private chat to open the shop."))
        return
    button = InlineKeyboardButton(text=_("🛍 Open the shop"), web_app=WebAppInfo(url=f"{settings.webapp_url}/app/shop"))
    await message.answer(
        _("The shop with photos, search and your cart — the same cart as here."),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]]),
    )


@router.message(Command("dashboard"))
async def open_dashboard(message: Message, uow: UnitOfWork, clock: Clock, settings: ShopSettings) -> None:
    if not settings.webapp_url:
        await message.answer(_not_set_up())
        return
    if message.chat.type != ChatType.PRIVATE or message.from_user is None:  # the sign-in link is personal
        await message.answer(_("Send /dashboard to me in a private chat: the sign-in link is yours alone."))
        return
    token = await create_login_link(uow, clock, telegram_id=message.from_user.id)
    base = settings.webapp_url
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=_("📊 Open the dashboard"), web_app=WebAppInfo(url=f"{base}/app/dashboard"))],
            [InlineKeyboardButton(text=_("🖥 Sign in on a computer"), url=f"{base}/app/login?token={token}")],
        ]
    )
    minutes = int(LOGIN_TTL.total_seconds() // 60)
    await message.answer(
        _(
            "The live dashboard. To open it in a computer's browser, use the sign-in button within {minutes} "
            "minutes; it works once. Do not forward it."
        ).format(minutes=minutes),
        reply_markup=keyboard,
    )
