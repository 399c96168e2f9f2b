"""/assist CUSTOMER — support staff act for a customer: the customer's cart, checkout and
orders, with replies in the staff member's chat. /assist_end stops."""

from __future__ import annotations

from typing import Unpack

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from domain.staff import Permission
from domain.usecases.assisted import customer_to_assist
from domain.usecases.staff import require
from handlers.context import HandlerData, assist_context
from handlers.views.rendering import fill

router = Router(name=__name__)


@router.message(Command("assist"))
async def start_assisting(message: Message, command: CommandObject, **data: Unpack[HandlerData]) -> None:
    uow = data["uow"]
    assert message.from_user is not None
    if not command.args:
        await require(uow, message.from_user.id, Permission.ASSIST)
        await message.answer(_("Usage: /assist CUSTOMER-ID, @username, +phone or email"))
        return
    customer = await customer_to_assist(uow, staff_telegram_id=message.from_user.id, reference=command.args)
    assist = assist_context(data)
    assert assist is not None
    await assist.update_data(customer_id=customer.id)
    name = customer.display_name + (f" (@{customer.username})" if customer.username else "")
    await message.answer(
        fill(
            _(
                "You are now ordering for {name}. /cart, /add, /checkout and /orders work on their behalf; "
                "they will be told about the order. /assist_end to stop."
            ),
            name=name,
        )
    )


@router.message(Command("assist_end"))
async def stop_assisting(message: Message, **data: Unpack[HandlerData]) -> None:
    assist = assist_context(data)
    if assist is not None:
        await assist.clear()
    await message.answer(_("You are back to your own account."))
