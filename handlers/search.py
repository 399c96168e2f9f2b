"""Search by name, SKU or barcode: /search TEXT, or any text typed outside a conversation."""

from __future__ import annotations

import hashlib

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from domain.customers import Customer
from domain.ports import UnitOfWork
from domain.usecases.catalog import search_products
from handlers.callbacks import ProductCb, SearchPageCb, button, shorten
from handlers.catalog import customer_currency, replace_message
from handlers.context import ShopSettings
from handlers.views.rendering import Renderer

router = Router(name=__name__)
MAX_QUERY = 100


SEARCH_DATA = "search"  # the conversation's data key holding the last search's text


def search_key(text: str) -> str:
    """A short fingerprint of a search's text, carried by its page buttons."""
    return hashlib.blake2s(text.encode(), digest_size=6).hexdigest()


async def _results(
    text: str, page: int, uow: UnitOfWork, customer: Customer, settings: ShopSettings, renderer: Renderer
) -> tuple[str, InlineKeyboardMarkup | None, int]:
    found = await search_products(
        uow,
        text=text,
        page=page,
        page_size=settings.catalog_page_size,
        currency=customer_currency(customer, settings.default_currency),
        fallback_currency=settings.default_currency,
    )
    rows = [
        [button(shorten(card.product.name), ProductCb(product_id=card.product.id or 0, category_id=0, page=0))]
        for card in found.cards
    ]
    key = search_key(text)
    nav = []
    if found.page > 0:
        nav.append(button(_("◀ Previous"), SearchPageCb(page=found.page - 1, key=key)))
    if found.page + 1 < found.pages:
        nav.append(button(_("Next ▶"), SearchPageCb(page=found.page + 1, key=key)))
    if nav:
        rows.append(nav)
    reply = renderer.render("search_results.html.j2", found=found, cards=found.cards, total=found.total, text=text)
    return reply, InlineKeyboardMarkup(inline_keyboard=rows) if rows else None, found.pages


async def _search(
    message: Message,
    text: str,
    uow: UnitOfWork,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
    state: FSMContext,
) -> None:
    text = " ".join(text.split())[:MAX_QUERY]
    if len(text) < 2:
        await message.answer(_("Type at least two characters to search, e.g. /search mug"))
        return
    reply, keyboard, pages = await _results(text, 0, uow, customer, settings, renderer)
    if pages > 1:
        await state.update_data({SEARCH_DATA: text})  # remembered only when there is a next page
    await message.answer(reply, reply_markup=keyboard)


@router.callback_query(SearchPageCb.filter())
async def search_page(
    query: CallbackQuery,
    callback_data: SearchPageCb,
    uow: UnitOfWork,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
    state: FSMContext,
) -> None:
    text = (await state.get_data()).get(SEARCH_DATA)
    if not isinstance(text, str) or search_key(text) != callback_data.key:
        await query.answer(_("This search is out of date. Please search again."), show_alert=True)
        return
    reply, keyboard, _pages = await _results(text, callback_data.page, uow, customer, settings, renderer)
    await replace_message(query, reply, keyboard or InlineKeyboardMarkup(inline_keyboard=[]))


@router.message(Command("search"))
async def search_command(
    message: Message,
    command: CommandObject,
    uow: UnitOfWork,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
    state: FSMContext,
) -> None:
    await _search(message, command.args or "", uow, customer, settings, renderer, state)


@router.message(StateFilter(None), F.text, ~F.text.startswith("/"))
async def search_typed(
    message: Message,
    uow: UnitOfWork,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
    state: FSMContext,
) -> None:
    await _search(message, message.text or "", uow, customer, settings, renderer, state)


@router.message(F.text.startswith("/"))
async def unknown_command(message: Message) -> None:
    await message.answer(_("I do not know that command. /help lists what I can do."))
