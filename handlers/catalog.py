"""Catalog screens: categories → pages of products → product card."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import (
    CallbackQuery,
    FSInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Message,
)
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from domain.catalog import LOCAL_PHOTO_PREFIX
from domain.customers import Customer
from domain.ports import UnitOfWork
from domain.usecases.catalog import (
    CatalogPage,
    ProductCard,
    browse_category,
    list_categories,
    product_card,
    product_card_by_sku,
    remember_product_photo,
)
from domain.usecases.fx import wanted_currency
from handlers.callbacks import (
    CartChange,
    CartView,
    CategoryList,
    CategoryPageCb,
    NotifyMe,
    ProductCb,
    button,
    shorten,
)
from handlers.context import ShopSettings
from handlers.menu import CATALOG_BUTTON
from handlers.views.rendering import Renderer

router = Router(name=__name__)


def reading_language() -> str:
    """The language of this reply: product names and descriptions are shown in it where translated."""
    return get_i18n().current_locale


def customer_currency(customer: Customer, default_currency: str) -> str:
    """What the customer wants (``wanted_currency``); the use cases fall back to the base
    currency when the shop does not take it."""
    return wanted_currency(customer) or default_currency


async def _categories_view(uow: UnitOfWork, renderer: Renderer) -> tuple[str, InlineKeyboardMarkup]:
    categories = await list_categories(uow)
    builder = InlineKeyboardBuilder()
    for category in categories:
        builder.button(
            text=f"{category.name} ({category.product_count})",
            callback_data=CategoryPageCb(category_id=category.id, page=0),
        )
    builder.adjust(2)
    return renderer.render("categories.html.j2", categories=categories), builder.as_markup()


def _page_keyboard(page: CatalogPage) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for card in page.cards:
        assert card.product.id is not None
        builder.button(
            text=shorten(card.product.name),
            callback_data=ProductCb(product_id=card.product.id, category_id=page.category.id, page=page.page),
        )
    builder.adjust(1)
    nav = InlineKeyboardBuilder()
    if page.page > 0:
        nav.button(text=_("◀ Previous"), callback_data=CategoryPageCb(category_id=page.category.id, page=page.page - 1))
    if page.page + 1 < page.pages:
        nav.button(text=_("Next ▶"), callback_data=CategoryPageCb(category_id=page.category.id, page=page.page + 1))
    nav.button(text=_("⬆ Categories"), callback_data=CategoryList())
    builder.attach(nav)
    return builder.as_markup()


def card_keyboard(card: ProductCard, category_id: int = 0, page: int = 0) -> InlineKeyboardMarkup:
    """Add to cart / change quantity when in stock, "notify me" when not, and the way back.
    Built row by row (not with InlineKeyboardBuilder, which deep-copies its buttons): this
    keyboard goes out with every card, the busiest reply there is."""
    pid = card.product.id or 0
    rows: list[list[InlineKeyboardButton]] = []
    if not card.product.orderable:
        pass  # the card says why; a line already in the cart is dealt with in the cart
    elif card.in_cart:
        row = [
            button("➖", CartChange(product_id=pid, expected=card.in_cart, quantity=card.in_cart - 1, view="card")),
            button(_("🛒 %(count)s in cart") % {"count": card.in_cart}, CartView()),
        ]
        if card.available > 0 and card.price is not None:
            row.append(
                button("➕", CartChange(product_id=pid, expected=card.in_cart, quantity=card.in_cart + 1, view="card"))
            )
        rows.append(row)
    elif card.in_stock and card.price is not None:
        rows.append([button(_("🛒 Add to cart"), CartChange(product_id=pid, expected=0, quantity=1, view="card"))])
    elif not card.in_stock and card.price is not None:
        rows.append([button(_("🔔 Notify me when back in stock"), NotifyMe(product_id=pid))])
    if category_id:
        rows.append([button(_("⬅ Back to the list"), CategoryPageCb(category_id=category_id, page=page))])
    return InlineKeyboardMarkup(inline_keyboard=rows)


@router.message(Command("catalog"))
@router.message(F.text == CATALOG_BUTTON)
async def show_categories(message: Message, uow: UnitOfWork, renderer: Renderer) -> None:
    text, keyboard = await _categories_view(uow, renderer)
    await message.answer(text, reply_markup=keyboard)


@router.callback_query(CategoryList.filter())
async def back_to_categories(query: CallbackQuery, uow: UnitOfWork, renderer: Renderer) -> None:
    text, keyboard = await _categories_view(uow, renderer)
    await replace_message(query, text, keyboard)


@router.callback_query(CategoryPageCb.filter())
async def show_category_page(
    query: CallbackQuery,
    callback_data: CategoryPageCb,
    uow: UnitOfWork,
    customer: Customer,
    renderer: Renderer,
    settings: ShopSettings,
) -> None:
    page = await browse_category(
        uow,
        category_id=callback_data.category_id,
        page=callback_data.page,
        page_size=settings.catalog_page_size,
        currency=customer_currency(customer, settings.default_currency),
        fallback_currency=settings.default_currency,
        language=reading_language(),
    )
    await replace_message(query, renderer.render("category_page.html.j2", page=page), _page_keyboard(page))


@router.callback_query(ProductCb.filter())
async def show_product(
    query: CallbackQuery,
    callback_data: ProductCb,
    uow: UnitOfWork,
    customer: Customer,
    renderer: Renderer,
    settings: ShopSettings,
) -> None:
    card = await product_card(
        uow,
        product_id=callback_data.product_id,
        currency=customer_currency(customer, settings.default_currency),
        fallback_currency=settings.default_currency,
        customer_id=customer.id,
        language=reading_language(),
    )
    keyboard = card_keyboard(card, callback_data.category_id, callback_data.page)
    if card.product.photo_file_id and query.bot is not None and query.from_user is not None:
        await query.answer()  # a photo cannot replace a text message: the card comes as a new one
        await send_card(query.bot, query.from_user.id, card, keyboard, renderer, uow)
        return
    await replace_message(query, renderer.render("product_card.html.j2", card=card, caption=False), keyboard)


async def show_product_by_sku(
    message: Message, sku: str, customer: Customer, renderer: Renderer, uow: UnitOfWork, default_currency: str
) -> None:
    """Deep link ``/start p_<SKU>`` opens the product card directly."""
    card = await product_card_by_sku(
        uow,
        sku=sku,
        currency=customer_currency(customer, default_currency),
        fallback_currency=default_currency,
        customer_id=customer.id,
        language=reading_language(),
    )
    assert message.bot is not None
    await send_card(message.bot, message.chat.id, card, card_keyboard(card), renderer, uow)


async def send_card(
    bot: Bot, chat_id: int, card: ProductCard, keyboard: InlineKeyboardMarkup, renderer: Renderer, uow: UnitOfWork
) -> None:
    """A product card: a photo with a caption when the product has one, else text. A local
    photo is uploaded once; Telegram's file_id is remembered for every later card."""
    reference = card.product.photo_file_id
    if len(card.product.photos) > 1:  # an album cannot carry buttons: the card follows it as text
        await send_photos(bot, chat_id, card.product.photos)
    if not reference or len(card.product.photos) > 1:
        await bot.send_message(
            chat_id, renderer.render("product_card.html.j2", card=card, caption=False), reply_markup=keyboard
        )
        return
    local = reference.startswith(LOCAL_PHOTO_PREFIX)
    photo: str | FSInputFile = FSInputFile(reference.removeprefix(LOCAL_PHOTO_PREFIX)) if local else reference
    caption = renderer.render("product_card.html.j2", card=card, caption=True)
    sent = await bot.send_photo(chat_id, photo, caption=caption, reply_markup=keyboard)
    if local and sent.photo and card.product.id is not None:
        await remember_product_photo(uow, product_id=card.product.id, file_id=sent.photo[-1].file_id)


def _photo(reference: str) -> str | FSInputFile:
    local = reference.startswith(LOCAL_PHOTO_PREFIX)
    return FSInputFile(reference.removeprefix(LOCAL_PHOTO_PREFIX)) if local else reference


async def send_photos(bot: Bot, chat_id: int, photos: tuple[str, ...]) -> None:
    """One photo as it is, several as an album (at most ten: ``MAX_PHOTOS``)."""
    if len(photos) == 1:
        await bot.send_photo(chat_id, _photo(photos[0]))
    elif photos:
        await bot.send_media_group(chat_id, [InputMediaPhoto(media=_photo(p)) for p in photos])


async def redraw_card(message: Message, card: ProductCard, keyboard: InlineKeyboardMarkup, renderer: Renderer) -> None:
    """Update a card in place, whether it was sent as text or as a photo with a caption."""
    if message.photo:
        caption = renderer.render("product_card.html.j2", card=card, caption=True)
        await message.edit_caption(caption=caption, reply_markup=keyboard)
    else:
        text = renderer.render("product_card.html.j2", card=card, caption=False)
        await message.edit_text(text, reply_markup=keyboard)


async def replace_message(query: CallbackQuery, text: str, keyboard: InlineKeyboardMarkup) -> None:
    """Edit the message the button belongs to; a photo card cannot become text, so it is
    removed and the text sent anew; a message that is gone is sent anew too."""
    await query.answer()
    if isinstance(query.message, Message) and query.message.photo:
        await query.message.delete()
        await query.message.answer(text, reply_markup=keyboard)
    elif isinstance(query.message, Message):
        await query.message.edit_text(text, reply_markup=keyboard)
    elif query.from_user:
        assert query.bot is not None
        await query.bot.send_message(query.from_user.id, text, reply_markup=keyboard)
