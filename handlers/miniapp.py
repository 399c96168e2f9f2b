"""/shop opens the storefront Mini App; /dashboard the staff dashboard, with a one-time browser sign-in link."""

from __future__ import annotations

from aiogram import Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message, WebAppInfo
from aiogram.utils.i18n import gettext as _

from domain.ports import Clock, UnitOfWork
from domain.usecases.dashboard import LOGIN_TTL, create_login_link
from handlers.context import ShopSettings

router = Router(name=__name__)


def _not_set_up() -> str:
    return _("The shop's Mini App is not set up yet (the operator sets WEBAPP_URL). Browse with /catalog.")


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
