"""Cart screens: add from a product card, /add SKU QTY, /cart with +/−/remove, notify-me."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from domain.cart import Cart
from domain.customers import Customer
from domain.errors import InvalidQuantity
from domain.ports import Clock, UnitOfWork
from domain.usecases.cart import (
    MAX_CART_QUANTITY,
    InStockNow,
    StaleCartButton,
    add_sku_to_cart,
    change_cart_line,
    subscribe_back_in_stock,
    view_cart,
)
from domain.usecases.catalog import ProductCard
from domain.usecases.promotions import cart_discounts
from handlers.callbacks import CartChange, CartView, NotifyMe, StartCheckout, shorten_name
from handlers.catalog import card_keyboard, customer_card, customer_currency, reading_language, redraw_card
from handlers.context import ShopSettings
from handlers.errors import MAX_ALERT, domain_message
from handlers.menu import CART_BUTTON
from handlers.views.markup import callback_button, inline_keyboard, packed
from handlers.views.rendering import Renderer, fill, format_number, shorten

router = Router(name=__name__)


def cart_keyboard(cart: Cart) -> InlineKeyboardMarkup | None:
    if cart.is_empty:
        return None
    # Made as aiogram's builder makes them, without validating each button
    # (``handlers.views.markup``): a 20-line cart is 81 buttons, and the builder's copies
    # and validation were a third of a /cart.
    view = packed(CartView)
    rows = []
    for line in cart.lines:
        pid, qty = line.product.id or 0, line.quantity
        less, more = line.terms.down(qty), line.terms.up(qty)  # whole packs, not under the minimum
        rows.append(
            [
                callback_button(f"{shorten_name(line.product.display_name, 32)} ×{qty}", view),
                callback_button("➖", packed(CartChange, pid, qty, less, "cart")),
                callback_button("➕", packed(CartChange, pid, qty, more, "cart")),
                callback_button("🗑", packed(CartChange, pid, qty, 0, "cart")),
            ]
        )
    rows.append([callback_button(_("✅ Checkout"), packed(StartCheckout))])
    return inline_keyboard(rows)


async def customer_cart(uow: UnitOfWork, clock: Clock, customer: Customer, settings: ShopSettings) -> Cart:
    return await view_cart(
        uow,
        clock,
        customer_id=customer.id or 0,
        currency=customer_currency(customer, settings.default_currency),
        fallback_currency=settings.default_currency,
        language=reading_language(),
        price_group=customer.price_group,
    )


async def cart_text(uow: UnitOfWork, clock: Clock, customer: Customer, renderer: Renderer, cart: Cart) -> str:
    """The cart with the promotions that apply to it now."""
    discounts = await cart_discounts(uow, clock, cart, customer.id or 0) if cart.lines else None
    return renderer.render("cart.html.j2", cart=cart, discounts=discounts)


@router.message(Command("cart"))
@router.message(F.text == CART_BUTTON)
async def show_cart(
    message: Message, uow: UnitOfWork, clock: Clock, customer: Customer, settings: ShopSettings, renderer: Renderer
) -> None:
    cart = await customer_cart(uow, clock, customer, settings)
    await message.answer(await cart_text(uow, clock, customer, renderer, cart), reply_markup=cart_keyboard(cart))


@router.callback_query(CartView.filter())
async def show_cart_from_button(
    query: CallbackQuery, uow: UnitOfWork, clock: Clock, customer: Customer, settings: ShopSettings, renderer: Renderer
) -> None:
    cart = await customer_cart(uow, clock, customer, settings)
    await query.answer()
    if isinstance(query.message, Message):
        text = await cart_text(uow, clock, customer, renderer, cart)
        await query.message.answer(text, reply_markup=cart_keyboard(cart))


@router.callback_query(CartChange.filter())
async def change_line(
    query: CallbackQuery,
    callback_data: CartChange,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
) -> None:
    try:
        await change_cart_line(
            uow,
            clock,
            customer_id=customer.id or 0,
            product_id=callback_data.product_id,
            expected=callback_data.expected,
            quantity=callback_data.quantity,
            hold_minutes=settings.hold_minutes,
            language=reading_language(),
        )
        notice = None
    except StaleCartButton as stale:
        notice = _(stale.key)
    if callback_data.view == "cart":
        cart = await customer_cart(uow, clock, customer, settings)
        await query.answer(notice or None, show_alert=bool(notice))
        if isinstance(query.message, Message):
            text = await cart_text(uow, clock, customer, renderer, cart)
            await query.message.edit_text(text, reply_markup=cart_keyboard(cart))
        return
    card = await customer_card(callback_data.product_id, uow, clock, customer, settings)
    await query.answer(notice or _("🛒 %(count)s in cart") % {"count": card.in_cart}, show_alert=bool(notice))
    await _draw(query, card, settings, renderer)


@router.message(Command("add"))
async def add_by_sku(
    message: Message,
    command: CommandObject,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    settings: ShopSettings,
) -> None:
    """``/add SKU [QTY]`` — for buyers who know what they want."""
    parts = (command.args or "").split()
    if not 1 <= len(parts) <= 2:
        await message.answer(_("Usage: /add SKU [QUANTITY], for example /add 85123A 12"))
        return
    if len(parts) == 2 and not parts[1].isdecimal():
        raise InvalidQuantity(maximum=MAX_CART_QUANTITY)
    quantity = int(parts[1]) if len(parts) == 2 else 1
    added = await add_sku_to_cart(
        uow,
        clock,
        customer_id=customer.id or 0,
        sku=parts[0],
        quantity=quantity,
        hold_minutes=settings.hold_minutes,
        language=reading_language(),
    )
    if added.in_all == added.of_it:
        text = _("Added {name} × {quantity}. In your cart: {total}. /cart")
    else:  # another size or product is there too: "In your cart: 1" read as the whole cart
        text = _("Added {name} × {quantity}. In your cart: {total} of this one, {all} in all. /cart")
    await message.answer(
        fill(
            text,
            name=added.product.display_name,
            quantity=format_number(quantity),
            total=format_number(added.of_it),
            all=format_number(added.in_all),
        )
    )


@router.callback_query(NotifyMe.filter())
async def notify_me(
    query: CallbackQuery,
    callback_data: NotifyMe,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
) -> None:
    try:
        await subscribe_back_in_stock(
            uow, clock, customer_id=customer.id or 0, product_id=callback_data.product_id, language=reading_language()
        )
    except InStockNow as back:  # an old card's button: say so, and show the card as it is now
        await query.answer(shorten(domain_message(back, html=False), MAX_ALERT), show_alert=True)
        await _draw(
            query, await customer_card(callback_data.product_id, uow, clock, customer, settings), settings, renderer
        )
        return
    await query.answer(_("We will message you once it is back in stock."), show_alert=True)


async def _draw(query: CallbackQuery, card: ProductCard, settings: ShopSettings, renderer: Renderer) -> None:
    if isinstance(query.message, Message):
        keyboard = card_keyboard(card, buy_now=settings.buy_now, shop_url=settings.webapp_url)
        await redraw_card(query.message, card, keyboard, renderer)
