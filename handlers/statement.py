"""``/statement``: a business customer's statement of account (its open invoices, what is owed and overdue)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from domain.customers import Customer
from domain.ports import Clock, UnitOfWork
from domain.usecases.statements import statement
from handlers.views.rendering import Renderer

router = Router(name=__name__)
# Each open invoice is a line; past these the total still counts them all (a message holds 4,096 characters).
LINES_SHOWN = 30


@router.message(Command("statement"))
async def statement_of_account(
    message: Message, customer: Customer, uow: UnitOfWork, clock: Clock, renderer: Renderer
) -> None:
    if not customer.is_business:
        await message.answer(_("A statement of account is for business customers who pay by invoice."))
        return
    drawn = await statement(uow, clock, customer=customer)
    await message.answer(renderer.render("statement.html.j2", statement=drawn, shown=LINES_SHOWN, for_staff=False))
