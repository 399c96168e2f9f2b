"""/start: greet by name in the customer's language, show the main menu; deep links."""

from __future__ import annotations

from aiogram import Router
from aiogram.enums import ChatType
from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import I18n

from domain.campaigns import parse_link
from domain.customers import Customer
from domain.ports import Clock, UnitOfWork
from domain.shop_days import shop_day
from handlers.catalog import show_product_by_sku
from handlers.context import ShopSettings
from handlers.marketing import open_link
from handlers.menu import main_menu
from handlers.miniapp import set_shop_button
from handlers.returns import return_of_link, start_return
from handlers.shop import identity_of_shop, shop_context
from handlers.staff import join_with_invite
from handlers.support import SUPPORT_LINK, contact_from_link
from handlers.views.rendering import Renderer

router = Router(name=__name__)


@router.message(CommandStart(deep_link=True))
async def start_with_link(
    message: Message,
    command: CommandObject,
    customer: Customer,
    renderer: Renderer,
    uow: UnitOfWork,
    settings: ShopSettings,
    clock: Clock,
    i18n: I18n,
    state: FSMContext,
) -> None:
    payload = command.args or ""
    if (wanted := return_of_link(payload)) is not None:  # the Mini App's ↩️ Return: the chat's own steps
        await start_return(message, *wanted, uow, clock, customer, settings, state)
        return
    if payload.startswith(SUPPORT_LINK):  # the Mini App's 💬 Contact us: the chat's, about that order
        await contact_from_link(message, payload[len(SUPPORT_LINK) :], uow, customer, state, settings, clock)
        return
    if payload.startswith("inv_"):
        await join_with_invite(message, payload[4:], uow, clock, i18n)
        return
    if (link := parse_link(payload)) is not None and await open_link(
        message, *link, customer, renderer, uow, clock, settings.default_currency
    ):
        return
    if payload.startswith("p_"):
        currency, today = settings.default_currency, shop_day(clock.now(), settings.timezone)
        await show_product_by_sku(
            message,
            payload[2:],
            customer,
            renderer,
            uow,
            currency,
            today,
            buy_now=settings.buy_now,
            shop_url=settings.webapp_url,
        )
        await localized_menu_button(message, settings, i18n)
        return
    await start(message, customer, renderer, uow, i18n, settings)


@router.message(CommandStart())
async def start(
    message: Message, customer: Customer, renderer: Renderer, uow: UnitOfWork, i18n: I18n, settings: ShopSettings
) -> None:
    await message.answer(await start_screen(customer, renderer, uow, i18n), reply_markup=main_menu())
    await localized_menu_button(message, settings, i18n)


async def localized_menu_button(message: Message, settings: ShopSettings, i18n: I18n) -> None:
    """The default menu button speaks the default language; anyone else gets theirs."""
    if message.chat.type == ChatType.PRIVATE and i18n.current_locale != i18n.default_locale:
        await set_shop_button(message.bot, settings, message.chat.id)


async def start_screen(customer: Customer, renderer: Renderer, uow: UnitOfWork, i18n: I18n) -> str:
    """The greeting, with the shop's name and how to reach it (in the current language)."""
    identity = await identity_of_shop(uow, i18n)
    return renderer.render("start.html.j2", name=customer.first_name, **shop_context(identity, i18n.current_locale))
