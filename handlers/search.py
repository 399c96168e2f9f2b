"""Search by name, SKU or barcode: /search TEXT, or any text typed outside a conversation."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from domain.customers import Customer
from domain.ports import UnitOfWork
from domain.usecases.catalog import search_products
from handlers.callbacks import ProductCb, shorten
from handlers.catalog import customer_currency, reading_language
from handlers.context import ShopSettings
from handlers.views.rendering import Renderer

router = Router(name=__name__)
MAX_QUERY = 100


async def _search(
    message: Message, text: str, uow: UnitOfWork, customer: Customer, settings: ShopSettings, renderer: Renderer
) -> None:
    text = " ".join(text.split())[:MAX_QUERY]
    if len(text) < 2:
        await message.answer(_("Type at least two characters to search, e.g. /search mug"))
        return
    cards, total = await search_products(
        uow,
        text=text,
        page=0,
        page_size=settings.catalog_page_size,
        currency=customer_currency(customer, settings.default_currency),
        fallback_currency=settings.default_currency,
        language=reading_language(),
    )
    builder = InlineKeyboardBuilder()
    for card in cards:
        builder.button(
            text=shorten(card.product.name),
            callback_data=ProductCb(product_id=card.product.id or 0, category_id=0, page=0),
        )
    builder.adjust(1)
    await message.answer(
        renderer.render("search_results.html.j2", cards=cards, total=total, text=text),
        reply_markup=builder.as_markup() if cards else None,
    )


@router.message(Command("search"))
async def search_command(
    message: Message,
    command: CommandObject,
    uow: UnitOfWork,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
) -> None:
    await _search(message, command.args or "", uow, customer, settings, renderer)


@router.message(StateFilter(None), F.text, ~F.text.startswith("/"))
async def search_typed(
    message: Message, uow: UnitOfWork, customer: Customer, settings: ShopSettings, renderer: Renderer
) -> None:
    await _search(message, message.text or "", uow, customer, settings, renderer)


@router.message(F.text.startswith("/"))
async def unknown_command(message: Message) -> None:
    await message.answer(_("I do not know that command. /help lists what I can do."))
