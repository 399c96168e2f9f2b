"""/help: what the bot can do, in the customer's language."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from domain.customers import Customer
from domain.ports import UnitOfWork
from domain.staff import can
from domain.usecases.fx import offered_currencies
from domain.usecases.product_lookup import example_sku
from domain.usecases.staff import staff_member
from handlers.menu import HELP_BUTTON, STAFF_COMMANDS
from handlers.shop import identity_of_shop, shop_context
from handlers.views.rendering import Renderer

router = Router(name=__name__)


@router.message(Command("help"))
@router.message(F.text == HELP_BUTTON)
async def show_help(message: Message, renderer: Renderer, uow: UnitOfWork, i18n: I18n, customer: Customer) -> None:
    member = await staff_member(uow, message.from_user.id) if message.from_user else None
    staff = [(name, _(description)) for name, permission, description in STAFF_COMMANDS if can(member, permission)]
    shop = shop_context(await identity_of_shop(uow, i18n), i18n.current_locale)
    role = member.role.value if member else ""
    example = await example_sku(uow)
    several = len(await offered_currencies(uow)) > 1  # /currency has nothing to change in a one-currency shop
    text = renderer.render(
        "help.html.j2",
        staff=staff,
        role=role,
        example_sku=example,
        currencies=several,
        business=customer.is_business,  # /statement and /taxnumber only refuse anyone else
        **shop,
    )
    await message.answer(text)
