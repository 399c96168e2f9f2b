"""Cart screens: add from a product card, /add SKU QTY, /cart with +/−/remove, notify-me."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from domain.cart import Cart
from domain.customers import Customer
from domain.errors import NotFound
from domain.ports import Clock, UnitOfWork
from domain.usecases.cart import (
    InStockNow,
    OutOfStock,
    StaleCartButton,
    add_sku_to_cart,
    change_cart_line,
    subscribe_back_in_stock,
    view_cart,
)
from domain.usecases.product_cards import ProductCard
from domain.usecases.product_lookup import example_sku
from domain.usecases.promotions import cart_discounts
from handlers.callbacks import CartChange, CartLineName, CartPage, CartView, NotifyMe, StartCheckout, shorten_name
from handlers.catalog import (
    card_keyboard,
    customer_card,
    customer_currency,
    reading_language,
    redraw_card,
    send_card,
)
from handlers.context import ShopSettings
from handlers.errors import domain_message
from handlers.menu import CART_BUTTON
from handlers.views.markup import callback_button, inline_keyboard, packed
from handlers.views.pager import pager, with_page_number
from handlers.views.pressed import pressed_in, show_in_place
from handlers.views.rendering import Renderer, fill, format_number

router = Router(name=__name__)
# A cart holds as many lines as an order (``MAX_ORDER_LINES``); one message shows a page of them.
# A line's text may run to ~330 characters (a name of 120, its price list's price and why, what
# waits for stock): 10 of them and the totals stay within a message's 4,096, and their name, ➖ ➕ 🗑
# buttons, the pager and ✅ Checkout within Telegram's 100.
CART_LINES_PER_PAGE = 10


def cart_page(cart: Cart, page: int) -> tuple[int, int]:
    """The page shown (past the last: the last, as after a removal) and how many there are."""
    pages = max(1, -(-len(cart.lines) // CART_LINES_PER_PAGE))
    return min(max(page, 0), pages - 1), pages


def cart_keyboard(cart: Cart, page: int = 0) -> InlineKeyboardMarkup | None:
    if cart.is_empty:
        return None
    # Made as aiogram's builder makes them, without validating each button
    # (``handlers.views.markup``): a page of 10 lines is 43 buttons, and the builder's copies
    # and validation were a third of a /cart.
    page, pages = cart_page(cart, page)
    rows = []
    for line in cart.lines[page * CART_LINES_PER_PAGE : (page + 1) * CART_LINES_PER_PAGE]:
        pid, qty = line.product.id or 0, line.quantity
        less, more = line.terms.down(qty), line.terms.up(qty)  # whole packs, not under the minimum
        short = shorten_name(line.product.display_name, 12)  # each button says which line it changes
        name = packed(CartLineName, pid, page)  # a line removed since says so when its name is pressed
        rows.append(
            [
                callback_button(f"{shorten_name(line.product.display_name, 32)} ×{qty}", name),
                callback_button(f"➖ {short}", packed(CartChange, pid, qty, less, "cart", page, 0)),
                callback_button(f"➕ {short}", packed(CartChange, pid, qty, more, "cart", page, 0)),
                callback_button(f"🗑 {short}", packed(CartChange, pid, qty, 0, "cart", page, 0)),
            ]
        )
    rows += pager(page, pages, lambda n: packed(CartPage, n, len(cart.lines)))
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


async def cart_text(
    uow: UnitOfWork, clock: Clock, customer: Customer, renderer: Renderer, cart: Cart, page: int = 0
) -> str:
    """The cart's lines on the page its buttons are for, with the promotions that apply to the
    whole cart now and its totals on every page."""
    discounts = await cart_discounts(uow, clock, cart, customer.id or 0) if cart.lines else None
    page, pages = cart_page(cart, page)
    first = page * CART_LINES_PER_PAGE
    shown = cart.lines[first : first + CART_LINES_PER_PAGE]
    lines = {"first": first + 1, "last": first + len(shown), "count": len(cart.lines)} if pages > 1 else None
    text = renderer.render("cart.html.j2", cart=cart, shown=shown, lines=lines, discounts=discounts)
    return with_page_number(text, page, pages)


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
    text = await cart_text(uow, clock, customer, renderer, cart)
    await pressed_in(query).answer(text, reply_markup=cart_keyboard(cart))  # a reminder's button, days later too


@router.callback_query(CartLineName.filter())
async def line_name_pressed(
    query: CallbackQuery,
    callback_data: CartLineName,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
) -> None:
    """The cart, as the name's button always showed it; a line removed since (🗑 on a newer message, the Mini
    App, checkout) is said gone and the pressed message redrawn as the cart is now, not left showing it."""
    cart = await customer_cart(uow, clock, customer, settings)
    if any(line.product.id == callback_data.product_id for line in cart.lines):
        await query.answer()
        text = await cart_text(uow, clock, customer, renderer, cart)
        await pressed_in(query).answer(text, reply_markup=cart_keyboard(cart))
        return
    await query.answer(_("That item is no longer in your cart."), show_alert=True)
    page = callback_data.page
    await show_in_place(query, await cart_text(uow, clock, customer, renderer, cart, page), cart_keyboard(cart, page))


@router.callback_query(CartPage.filter())
async def turn_cart_page(
    query: CallbackQuery,
    callback_data: CartPage,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
) -> None:
    """Another page of the cart as it is now; a button from before the cart changed (in the Mini
    App, another /cart, checkout) says so and shows the page asked for, or the last there is."""
    await _redraw_cart(query, uow, clock, customer, settings, renderer, callback_data.page, drawn=callback_data.lines)


async def _redraw_cart(
    query: CallbackQuery,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    settings: ShopSettings,
    renderer: Renderer,
    page: int,
    *,
    notice: str = "",
    drawn: int | None = None,
) -> None:
    """The cart's message redrawn at ``page``, the press answered with ``notice``; when the cart no
    longer has the ``drawn`` lines the pressed screen showed, with "it has changed"."""
    cart = await customer_cart(uow, clock, customer, settings)
    if drawn is not None and len(cart.lines) != drawn:
        notice = _("Your cart has changed since this message. Here it is as it is now.")
    await query.answer(notice or None, show_alert=bool(notice))
    text = await cart_text(uow, clock, customer, renderer, cart, page)
    await show_in_place(query, text, cart_keyboard(cart, page))


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
        await _redraw_cart(query, uow, clock, customer, settings, renderer, callback_data.page, notice=notice or "")
        return
    card = await customer_card(callback_data.product_id, uow, clock, customer, settings)
    await query.answer(notice or _("🛒 %(count)s in cart") % {"count": card.in_cart}, show_alert=bool(notice))
    await _draw(query, card, settings, renderer, uow, callback_data.category_id, callback_data.page)


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
        example = await example_sku(uow)
        await message.answer(fill(_("Usage: /add SKU [QUANTITY], for example /add {sku} 12"), sku=example))
        return
    # Not a whole number ("-1", "1e3", "два") is refused as 0 and 99999 are: after the SKU is found, so a customer who
    # mistyped both is told of the SKU first whatever the quantity's shape (a quantity is judged against a product).
    quantity = (int(parts[1]) if parts[1].isdecimal() else 0) if len(parts) == 2 else 1
    try:
        added = await add_sku_to_cart(
            uow,
            clock,
            customer_id=customer.id or 0,
            sku=parts[0],
            quantity=quantity,
            hold_minutes=settings.hold_minutes,
            language=reading_language(),
        )
    except NotFound:  # a mistyped code: say which, and where to look instead of a bare "Nothing was found."
        sentence = _("No product has the SKU {sku}. /search finds one by its name, /catalog lists them all.")
        await message.answer(fill(sentence, sku=parts[0]))
        return
    except OutOfStock as none:  # what a card offers instead of adding: a message once it is back
        notify = callback_button(
            _("🔔 Notify me when back in stock"), packed(NotifyMe, none.params["product_id"], 0, 0)
        )
        await message.answer(domain_message(none, timezone=settings.timezone), reply_markup=inline_keyboard([[notify]]))
        return
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
        await query.answer(domain_message(back, html=False, timezone=settings.timezone), show_alert=True)
        await _draw(
            query,
            await customer_card(callback_data.product_id, uow, clock, customer, settings),
            settings,
            renderer,
            uow,
            callback_data.category_id,
            callback_data.page,
        )
        return
    await query.answer(_("We will message you once it is back in stock."), show_alert=True)


async def _draw(
    query: CallbackQuery,
    card: ProductCard,
    settings: ShopSettings,
    renderer: Renderer,
    uow: UnitOfWork,
    category_id: int,
    page: int,
) -> None:
    """The card redrawn after a press on it, with its way back to the category ``page`` it came from."""
    keyboard = card_keyboard(card, category_id, page, buy_now=settings.buy_now, shop_url=settings.webapp_url)
    message = pressed_in(query)
    if isinstance(message, Message):
        await redraw_card(message, card, keyboard, renderer)
    else:  # a card over 48 hours old cannot be edited: it comes anew, with its photo if it has one
        assert query.bot is not None
        await send_card(query.bot, message.chat.id, card, keyboard, renderer, uow)
