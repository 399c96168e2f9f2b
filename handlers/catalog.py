"""Catalog screens: the category tree → pages of products → product card; pages of search results."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    CallbackQuery,
    FSInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Message,
    WebAppInfo,
)
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _

from domain.catalog import LOCAL_PHOTO_PREFIX
from domain.categories import breadcrumbs
from domain.customers import Customer
from domain.ports import Clock, UnitOfWork
from domain.shop_days import shop_day
from domain.usecases.catalog import CatalogPage, browse_category, search_products
from domain.usecases.fx import wanted_currency
from domain.usecases.product_cards import ProductCard, product_card, product_card_by_sku
from domain.usecases.product_lookup import remember_product_photo
from domain.variants import OptionChoice
from handlers.callbacks import (
    BuyNowCb,
    CartChange,
    CartView,
    CategoryList,
    CategoryPageCb,
    NotifyMe,
    ProductCb,
    SearchPageCb,
    VariantCb,
    button,
    shorten,
)
from handlers.context import ShopSettings
from handlers.menu import CATALOG_BUTTON
from handlers.views.markup import callback_button, inline_keyboard, packed, packed_each
from handlers.views.pager import pager
from handlers.views.rendering import Renderer

router = Router(name=__name__)


def reading_language() -> str:
    """The language of this reply: product names and descriptions are shown in it where translated."""
    return get_i18n().current_locale


def customer_currency(customer: Customer, default_currency: str) -> str:
    """What the customer wants (``wanted_currency``); the use cases fall back to the base
    currency when the shop does not take it."""
    return wanted_currency(customer) or default_currency


async def customer_card(
    product_id: int,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    settings: ShopSettings,
    *,
    listed_sibling: bool = False,
) -> ProductCard:
    """A product's card as this customer reads it now: their currency, price list, language and cart."""
    return await product_card(
        uow,
        product_id=product_id,
        currency=customer_currency(customer, settings.default_currency),
        fallback_currency=settings.default_currency,
        customer_id=customer.id,
        language=reading_language(),
        today=shop_day(clock.now(), settings.timezone),
        price_group=customer.price_group,
        listed_sibling=listed_sibling,
    )


CATEGORY_NAME_LIMIT = 40  # a category's button reads "name (count)"
TRAIL_NAME_LIMIT = 32  # each name in a breadcrumb
TOP = CategoryPageCb(category_id=0, page=0)


async def _catalog_view(
    uow: UnitOfWork, renderer: Renderer, customer: Customer, settings: ShopSettings, at: CategoryPageCb, clock: Clock
) -> tuple[str, InlineKeyboardMarkup]:
    """The top of the catalog (``category_id`` 0) or a category's page; a sold-out product that
    may be preordered or backordered is listed as such (``today``), not as out of stock."""
    shown = await browse_category(
        uow,
        category_id=at.category_id,
        page=at.page,
        after=at.after,
        before=at.before,
        page_size=settings.catalog_page_size,
        currency=customer_currency(customer, settings.default_currency),
        fallback_currency=settings.default_currency,
        language=reading_language(),
        price_group=customer.price_group,
        today=shop_day(clock.now(), settings.timezone),
    )
    if shown.category is None:
        return renderer.render("categories.html.j2", page=shown), _page_keyboard(shown)
    trail = breadcrumbs([shorten(c.name, TRAIL_NAME_LIMIT) for c in shown.trail])
    return renderer.render("category_page.html.j2", page=shown, trail=trail), _page_keyboard(shown)


def _page_keyboard(page: CatalogPage) -> InlineKeyboardMarkup:
    """Sub-categories, then products, one a row (at most ``catalog_page_size`` of them), the
    pager, and the way up: Telegram's limits on buttons and markup size are never near. Made
    without validating each button, as the card's keyboard is: every page turned is one."""
    here = page.category.id if page.category else 0
    rows = [
        [_press(f"{shorten(c.name, CATEGORY_NAME_LIMIT)} ({c.product_count})", CategoryPageCb, c.id, 0, 0, 0)]
        for c in page.children
    ]
    rows += [
        [_press(shorten(card.product.name), ProductCb, card.product.id or 0, here, page.page)] for card in page.cards
    ]
    # A turn carries the product its page starts after (Next) or ends before (Previous).
    first = page.cards[0].product.id or 0 if page.cards else 0
    last = page.cards[-1].product.id or 0 if page.cards else 0

    def turn(n: int) -> str:
        return packed(CategoryPageCb, here, n, 0, first) if n < page.page else packed(CategoryPageCb, here, n, last, 0)

    rows += pager(page.page, page.pages, turn)
    if page.category is not None:
        up = [button(_("⬆ Categories"), CategoryList())]
        if page.parent_id is not None:
            up.insert(0, _press(_("⬅ Back"), CategoryPageCb, page.parent_id, 0, 0, 0))
        rows.append(up)
    return inline_keyboard(rows)


def card_keyboard(
    card: ProductCard, category_id: int = 0, page: int = 0, *, buy_now: bool = False, shop_url: str | None = None
) -> InlineKeyboardMarkup:
    """Add to cart / change quantity when in stock, "notify me" when not, and the way back.
    Built row by row, without validating each button (``handlers.views.markup``): this
    keyboard goes out with every card, the busiest reply there is."""
    pid = card.product.id or 0
    rows = option_buttons(card, category_id, page)
    if not card.product.orderable:
        pass  # the card says why; a line already in the cart is dealt with in the cart
    elif card.in_cart:
        # The buttons step through the quantities the customer's price list allows (packs).
        terms, held = card.terms, card.in_cart
        row = [
            _press("➖", CartChange, pid, held, terms.down(held), "card", page, category_id),
            button(_("🛒 %(count)s in cart") % {"count": held}, CartView()),
        ]
        if (card.in_stock or card.can_wait) and card.price is not None:
            row.append(_press("➕", CartChange, pid, held, terms.up(held), "card", page, category_id))
        rows.append(row)
    elif card.in_stock and card.price is not None:
        rows.append([_press(_("🛒 Add to cart"), CartChange, pid, 0, card.terms.first, "card", page, category_id)])
    elif card.backorder is not None and card.can_wait and card.price is not None:
        label = _("🗓 Preorder") if card.backorder.preorder else _("🛒 Order now, ships when it arrives")
        rows.append([_press(label, CartChange, pid, 0, card.terms.first, "card", page, category_id)])
    elif card.can_notify:
        rows.append([_press(_("🔔 Notify me when back in stock"), NotifyMe, pid, category_id, page)])
    if buy_now and card.product.orderable and card.in_stock and card.price is not None:
        rows.append([_press(_("⚡ Buy now"), BuyNowCb, pid)])
    if shop_url and pid:  # the storefront Mini App (WEBAPP_URL) opened on this product's page
        shop = WebAppInfo(url=f"{shop_url}/app/shop?product={pid}")
        rows.append([InlineKeyboardButton(text=_("🛍 Open in shop"), web_app=shop)])
    if category_id:
        rows.append([_press(_("⬅ Back to the list"), CategoryPageCb, category_id, page, 0, 0)])
    return inline_keyboard(rows)


def _press(text: str, kind: type[CallbackData], *values: int | str) -> InlineKeyboardButton:
    return callback_button(text, packed(kind, *values))


OPTIONS_PER_ROW = 4
# Values shown of one option: three options' worth and the card's other rows stay under
# Telegram's 100 buttons a message (a ring in 130 shades was refused).
VALUES_SHOWN = 24


def values_shown(choices: Sequence[OptionChoice]) -> tuple[Sequence[OptionChoice], bool, bool]:
    """The values of an option around the chosen one, at most ``VALUES_SHOWN``, and whether
    some come before and after them: the outermost open the next values, so each is reached."""
    if len(choices) <= VALUES_SHOWN:  # nearly every option: all of them, nothing to look for
        return choices, False, False
    at = next((i for i, choice in enumerate(choices) if choice.chosen), 0)
    start = min(max(at - VALUES_SHOWN // 2, 0), max(len(choices) - VALUES_SHOWN, 0))
    end = start + VALUES_SHOWN
    return choices[start:end], start > 0, end < len(choices)


# A value's label on its button depends on the value alone, and a shop has few values (sizes,
# colours) that every one of its variant cards shows: each is shortened once, not on each card
# (two calls a button). Strings only (nothing the garbage collector scans), bounded and cleared
# whole when full, as ``chosen_options`` keeps the card's option line. The value is the one shown, already in
# the reader's language (``rows_in_language``): «Синий» and "Navy" are two keys, so no language is needed.
_option_labels: dict[str, str] = {}
OPTION_LABELS_KEPT = 4096
OPTION_LABEL_LIMIT = 20


def _option_label(value: str) -> str:
    label = _option_labels.get(value)
    if label is None:
        if len(_option_labels) >= OPTION_LABELS_KEPT:
            _option_labels.clear()
        label = _option_labels[value] = shorten(value, OPTION_LABEL_LIMIT)
    return label


def option_buttons(card: ProductCard, category_id: int, page: int) -> list[list[InlineKeyboardButton]]:
    """A row (or rows of four) per option of the parent: the chosen value ticked, a value whose
    variant is sold out crossed (it still opens, to ask for a notification). Made anew for each
    card (~3 µs a button, ``handlers.views.markup``): kept, a shop's every variant card's
    buttons were long-lived objects the garbage collector scanned again and again, and with
    customers spread over a catalog few were asked for twice before they were evicted. Their
    labels are kept (``_option_label``) and their data packed together (``packed_each``)."""
    rows: list[list[InlineKeyboardButton]] = []
    labels = _option_labels
    for option in card.options:
        shown, before, after = values_shown(option.choices)
        data = packed_each(VariantCb, [choice.product_id for choice in shown], category_id, page)
        buttons = []
        for (value, _opens, chosen, sold_out), value_data in zip(shown, data, strict=True):
            label = labels.get(value) or _option_label(value)
            if chosen:
                label = "✔ " + label
            if sold_out:
                label += " ✖"
            buttons.append(callback_button(label, value_data))
        if before:  # the outermost open the values beyond them (a ring in 130 shades)
            buttons[0] = callback_button("◀ " + buttons[0].text, data[0])
        if after:
            buttons[-1] = callback_button(buttons[-1].text + " ▶", data[-1])
        if len(buttons) <= OPTIONS_PER_ROW:
            rows.append(buttons)
        else:
            rows += [buttons[i : i + OPTIONS_PER_ROW] for i in range(0, len(buttons), OPTIONS_PER_ROW)]
    return rows


SEARCH_DATA = "search"  # the conversation's data key holding the last search's text


def search_key(text: str) -> str:
    """A short fingerprint of a search's text, carried by its page buttons."""
    return hashlib.blake2s(text.encode(), digest_size=6).hexdigest()


async def search_results_view(
    text: str, page: int, uow: UnitOfWork, customer: Customer, settings: ShopSettings, renderer: Renderer, clock: Clock
) -> tuple[str, InlineKeyboardMarkup | None, int]:
    found = await search_products(
        uow,
        text=text,
        page=page,
        page_size=settings.catalog_page_size,
        currency=customer_currency(customer, settings.default_currency),
        fallback_currency=settings.default_currency,
        language=reading_language(),
        price_group=customer.price_group,
        today=shop_day(clock.now(), settings.timezone),
        lowest=False,  # a line names one variant at its own price, never "from"
    )
    rows = [
        [button(shorten(card.product.display_name), ProductCb(product_id=card.product.id or 0, category_id=0, page=0))]
        for card in found.cards
    ]
    key = search_key(text)
    rows += pager(found.page, found.pages, lambda n: packed(SearchPageCb, n, key))
    reply = renderer.render("search_results.html.j2", found=found, cards=found.cards, total=found.total, text=text)
    return reply, InlineKeyboardMarkup(inline_keyboard=rows) if rows else None, found.pages


@router.callback_query(SearchPageCb.filter())
async def search_page(
    query: CallbackQuery,
    callback_data: SearchPageCb,
    uow: UnitOfWork,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
    state: FSMContext,
    clock: Clock,
) -> None:
    text = (await state.get_data()).get(SEARCH_DATA)
    if not isinstance(text, str) or search_key(text) != callback_data.key:
        await query.answer(_("This search is out of date. Please search again."), show_alert=True)
        return
    reply, keyboard, _pages = await search_results_view(
        text, callback_data.page, uow, customer, settings, renderer, clock
    )
    await replace_message(query, reply, keyboard or InlineKeyboardMarkup(inline_keyboard=[]))


@router.message(Command("catalog"))
@router.message(F.text == CATALOG_BUTTON)
async def show_categories(
    message: Message, uow: UnitOfWork, renderer: Renderer, customer: Customer, settings: ShopSettings, clock: Clock
) -> None:
    text, keyboard = await _catalog_view(uow, renderer, customer, settings, TOP, clock)
    await message.answer(text, reply_markup=keyboard)


@router.callback_query(CategoryList.filter())
async def back_to_categories(
    query: CallbackQuery, uow: UnitOfWork, renderer: Renderer, customer: Customer, settings: ShopSettings, clock: Clock
) -> None:
    text, keyboard = await _catalog_view(uow, renderer, customer, settings, TOP, clock)
    await replace_message(query, text, keyboard)


@router.callback_query(CategoryPageCb.filter())
async def show_category_page(
    query: CallbackQuery,
    callback_data: CategoryPageCb,
    uow: UnitOfWork,
    customer: Customer,
    renderer: Renderer,
    settings: ShopSettings,
    clock: Clock,
) -> None:
    text, keyboard = await _catalog_view(uow, renderer, customer, settings, callback_data, clock)
    await replace_message(query, text, keyboard)


@router.callback_query(ProductCb.filter())
async def show_product(
    query: CallbackQuery,
    callback_data: ProductCb,
    uow: UnitOfWork,
    customer: Customer,
    renderer: Renderer,
    settings: ShopSettings,
    clock: Clock,
) -> None:
    card = await customer_card(callback_data.product_id, uow, clock, customer, settings)
    keyboard = card_keyboard(
        card, callback_data.category_id, callback_data.page, buy_now=settings.buy_now, shop_url=settings.webapp_url
    )
    if card.product.photo_file_id and query.bot is not None and query.from_user is not None:
        await query.answer()  # a photo cannot replace a text message: the card comes as a new one
        await send_card(query.bot, query.from_user.id, card, keyboard, renderer, uow)
        return
    await replace_message(query, renderer.render("product_card.html.j2", card=card, caption=False), keyboard)


@router.callback_query(VariantCb.filter())
async def choose_variant(
    query: CallbackQuery,
    callback_data: VariantCb,
    uow: UnitOfWork,
    customer: Customer,
    renderer: Renderer,
    settings: ShopSettings,
    clock: Clock,
) -> None:
    """The card follows the chosen variant: redrawn in place, or sent anew when the variant's
    photo is not the one shown (a text card cannot become a photo, nor a photo change here).
    A variant hidden since the card was drawn is said so, and the card redrawn as it is now."""
    card = await customer_card(callback_data.product_id, uow, clock, customer, settings, listed_sibling=True)
    keyboard = card_keyboard(
        card, callback_data.category_id, callback_data.page, buy_now=settings.buy_now, shop_url=settings.webapp_url
    )
    if card.product.id != callback_data.product_id:
        await query.answer(_("That option is no longer sold; the card shows what is."), show_alert=True)
    else:
        await query.answer()
    message = query.message if isinstance(query.message, Message) else None
    photo = card.product.photo_file_id
    shown = message.photo[-1].file_id if message is not None and message.photo else None
    if message is not None and (not photo or photo == shown):
        await redraw_card(message, card, keyboard, renderer)
        return
    if query.bot is None or query.from_user is None:
        return
    if message is not None:
        await message.delete()
    await send_card(query.bot, query.from_user.id, card, keyboard, renderer, uow)


async def show_product_by_sku(
    message: Message,
    sku: str,
    customer: Customer,
    renderer: Renderer,
    uow: UnitOfWork,
    default_currency: str,
    today: date | None = None,
    *,
    buy_now: bool = False,
    shop_url: str | None = None,
) -> None:
    """Deep link ``/start p_<SKU>`` opens the product card directly."""
    card = await product_card_by_sku(
        uow,
        sku=sku,
        currency=customer_currency(customer, default_currency),
        fallback_currency=default_currency,
        customer_id=customer.id,
        language=reading_language(),
        today=today,
        price_group=customer.price_group,
    )
    assert message.bot is not None
    await send_card(
        message.bot, message.chat.id, card, card_keyboard(card, buy_now=buy_now, shop_url=shop_url), renderer, uow
    )


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
