"""A staff member's photo outside any step: a scan for their open round, else what a photo does for them."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from domain.ports import Clock, UnitOfWork
from domain.staff import Permission, can
from domain.usecases.picking import NoOpenRound, current_round
from domain.usecases.staff import staff_member
from handlers.picking import scanned_photo
from handlers.views.rendering import Renderer

router = Router(name=__name__)


async def _from_staff(message: Message, uow: UnitOfWork) -> bool:
    """Staff in a private chat: a customer's photo goes on to support or the fallback."""
    sender = message.from_user
    return (
        message.chat.type == ChatType.PRIVATE and sender is not None and await staff_member(uow, sender.id) is not None
    )


@router.message(StateFilter(None), F.photo, _from_staff)
async def staff_photo(
    message: Message, bot: Bot, uow: UnitOfWork, clock: Clock, renderer: Renderer, state: FSMContext
) -> None:
    """A picker's round left open (``/cancel``, another command between lines): the photo scans its
    line. Else what a barcode photo is for, by role: the customers' «press 💬 Contact us» is not
    for staff, nor does their photo reach the support chat as a customer's question."""
    assert message.from_user is not None
    member = await staff_member(uow, message.from_user.id)
    picks = can(member, Permission.PICK)
    if picks and await current_round(uow, staff_id=message.from_user.id) is not None:
        await scanned_photo(message, bot, uow, clock, renderer, state)
        return
    said = []
    if picks:
        said.append(
            _("📷 A photo of a barcode scans the item of your picking round's line.") + " " + _(NoOpenRound.key)
        )
    if can(member, Permission.PACK):
        said.append(_("📷 At packing, a photo of a barcode scans an item: start with /pack ORDER-CODE."))
    if not said:
        said.append(
            _(
                "📷 A photo sent here goes nowhere: staff messages are not passed to support. "
                "/help lists what you can do."
            )
        )
    await message.answer("\n\n".join(said))
