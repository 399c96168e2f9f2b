"""Search by name, SKU or barcode: /search TEXT, or any text typed outside a conversation."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from domain.customers import Customer
from domain.ports import Clock, UnitOfWork
from handlers.callbacks import AskPersonCb, button
from handlers.catalog import SEARCH_DATA, search_results_view
from handlers.context import ShopSettings
from handlers.views.pressed import Target
from handlers.views.rendering import Renderer

router = Router(name=__name__)
MAX_QUERY = 100


async def search_text(
    message: Target,
    text: str,
    uow: UnitOfWork,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
    state: FSMContext,
    clock: Clock,
    *,
    ask_person: int | None = None,
) -> None:
    """Search results for ``text``; with ``ask_person`` (the customer's message id), a button
    that sends that message to a person at the shop instead."""
    text = " ".join(text.split())[:MAX_QUERY]
    if len(text) < 2:
        await message.answer(_("Type at least two characters to search, e.g. /search mug"))
        return
    reply, keyboard, pages = await search_results_view(text, 0, uow, customer, settings, renderer, clock)
    if pages > 1:
        await state.update_data({SEARCH_DATA: text})  # remembered only when there is a next page
    if ask_person is not None and settings.support_chat_id is not None:
        rows = keyboard.inline_keyboard if keyboard is not None else []
        ask = [button(_("💬 Ask a person instead"), AskPersonCb(message_id=ask_person))]
        keyboard = InlineKeyboardMarkup(inline_keyboard=[*rows, ask])
    await message.answer(reply, reply_markup=keyboard)


@router.message(Command("search"))
async def search_command(
    message: Message,
    command: CommandObject,
    uow: UnitOfWork,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
    state: FSMContext,
    clock: Clock,
) -> None:
    await search_text(message, command.args or "", uow, customer, settings, renderer, state, clock)


@router.message(StateFilter(None), F.text, ~F.text.startswith("/"))
async def search_typed(
    message: Message,
    uow: UnitOfWork,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
    state: FSMContext,
    clock: Clock,
) -> None:
    await search_text(
        message, message.text or "", uow, customer, settings, renderer, state, clock, ask_person=message.message_id
    )


@router.message(F.text.startswith("/"))
async def unknown_command(message: Message) -> None:
    await message.answer(_("I do not know that command. /help lists what I can do."))
