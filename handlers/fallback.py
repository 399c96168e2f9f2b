"""What no other handler took: every button press is answered, every message in a private
chat gets a reply, and ``/cancel`` leaves any conversation."""

from __future__ import annotations

from aiogram import Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.ports import UnitOfWork
from domain.usecases.staff import staff_member
from handlers.checkout_state import Checkout
from handlers.context import ShopSettings
from handlers.picking import Picking
from handlers.return_state import Returning

router = Router(name=__name__)

# Steps answered with buttons only: text typed there gets a hint instead of silence.
BUTTON_STEPS = frozenset(
    state.state
    for state in (
        Checkout.delivery,
        Checkout.pickup,
        Checkout.shipping,
        Checkout.payment,
        Checkout.review,
        Returning.lines,
        Returning.reason,
        Returning.method,
    )
)


async def _private(message: Message) -> bool:
    return message.chat.type == ChatType.PRIVATE


async def _not_a_command_or_search(message: Message, raw_state: str | None = None) -> bool:
    """Not a command, and not text outside a conversation: the search router takes that."""
    if message.text is None:
        return True
    return raw_state is not None and not message.text.startswith("/")


@router.message(Command("cancel"), _private)
async def cancel_anything(message: Message, state: FSMContext) -> None:
    """``/cancel`` where no conversation of its own takes it (checkout and returns have theirs)."""
    if await state.get_state() is None:
        await message.answer(_("There is nothing to cancel. /help lists what I can do."))
        return
    await state.clear()
    await message.answer(_("Stopped. /help lists what I can do."))


@router.callback_query()
async def out_of_date(query: CallbackQuery) -> None:
    """A button no handler takes now: from a step already left, a screen gone stale, or
    data that is not ours."""
    await query.answer(_("This button is out of date. Please open the menu again."))


@router.message(_private, _not_a_command_or_search)
async def unexpected(message: Message, state: FSMContext, settings: ShopSettings, uow: UnitOfWork) -> None:
    """Text at a step that wants something else, or a contact, a location, a photo, a
    sticker… sent where nothing asked for one. A photo, file or voice message outside a
    conversation is what a customer means for the shop (a damaged item): how to send it there;
    staff's never reaches support, so they are pointed at their commands instead."""
    current = await state.get_state()
    if current == Picking.finished.state:  # a round just ended asks nothing: answered as outside any step
        current = None
    for_the_shop = message.photo or message.document or message.voice
    if current is None and message.from_user is not None and await staff_member(uow, message.from_user.id):
        await message.answer(
            _("This goes nowhere: staff messages are not passed to support. /help lists what you can do.")
        )
    elif current is None and settings.support_chat_id is not None and for_the_shop:
        await message.answer(_("To send this to the shop, press 💬 Contact us first, then send it again."))
    elif current in BUTTON_STEPS:
        await message.answer(_("Please use the buttons above, or /cancel to stop."))
    elif current is not None:
        await message.answer(_("That is not what I asked for. Please answer the question above, or /cancel to stop."))
    else:
        await message.answer(_("I cannot use this here. Type what you are looking for to search, or /help."))
