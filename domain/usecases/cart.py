"""The cart: adding, changing and viewing lines, each backed by holds on stock."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from domain.cart import Cart, CartLine, order_currency
from domain.catalog import Product, ProductStatus
from domain.errors import DomainError, InsufficientStock, NotFound
from domain.i18n import N_, N_plural
from domain.orders import MAX_ORDER_LINES
from domain.ports import Clock, UnitOfWork
from domain.pricing import RETAIL, PricedItem, PriceList
from domain.stock import check_quantity
from domain.usecases.backorders import hold_and_wait, with_waiting_parts
from domain.usecases.fx import shop_rates
from domain.usecases.price_lists import customer_price_list, price_list_for
from domain.usecases.product_lookup import find_by_sku, named_in
from domain.usecases.stock import give_back, release_expired_holds_and_find, take_holds

MAX_CART_QUANTITY = 9999


class CartFull(DomainError):
    key, plural = N_plural(
        "Your cart already has {count} different product; please check out or remove one first.",
        "Your cart already has {count} different products; please check out or remove one first.",
    )
    counted = "count"


class NotForSale(DomainError):
    key = N_("This product is not for sale any more.")


class ProductUnavailable(InsufficientStock):
    key = N_("Sorry, only {available} available.")


class OutOfStock(ProductUnavailable):
    """None to be had and none in the cart: "only 0 available" read as a riddle. It carries the
    product, so a chat can offer the back-in-stock message a card offers."""

    key = N_("Sorry, {name} is out of stock.")

    def __init__(self, *, name: str, product_id: int) -> None:
        super().__init__(available=0, name=name, product_id=product_id)


class NoPrice(DomainError):
    key = N_("Sorry, {name} has no price in a currency we take at the moment, so it cannot be ordered.")


async def _active_product(uow: UnitOfWork, product_id: int, language: str = "") -> Product:
    product = await uow.products.get_untranslated(product_id)  # one read fewer: a refusal reads the names
    if product is None:
        raise NotFound()
    if not product.listed:
        raise NotForSale()
    if not product.orderable:
        (await _named(uow, product, language)).check_orderable()
    return product


async def _named(uow: UnitOfWork, product: Product, language: str) -> Product:
    """``product`` (read untranslated) as a refusal names it: in ``language`` where translated."""
    if not language or product.id is None:
        return product
    return (await uow.products.get(product.id) or product).in_language(language)


async def set_cart_quantity(
    uow: UnitOfWork,
    clock: Clock,
    *,
    customer_id: int,
    product_id: int,
    quantity: int,
    hold_minutes: int,
    language: str = "",
) -> int:
    """Make the cart want exactly ``quantity`` of a product (0 removes it), held by stock.
    Asking for more than is available is refused with the number available, and changes
    nothing. Every change renews the whole cart's hold. Returns the new quantity. A refusal
    names the product in ``language`` (the reader's) where translated."""
    async with uow:
        await uow.customers.lock(customer_id)  # before the cart is read: ``_set_quantity``
        lines = await uow.carts.lines(customer_id)
        await _set_quantity(uow, clock, lines, customer_id, product_id, quantity, hold_minutes, language)
        await uow.commit()
    return quantity


async def _set_quantity(
    uow: UnitOfWork,
    clock: Clock,
    lines: dict[int, int],
    customer_id: int,
    product_id: int,
    quantity: int,
    hold_minutes: int,
    language: str = "",
) -> None:
    """Inside an open unit of work that has locked the customer (``customers.lock``), then read
    the cart's ``lines``: the customer before the counters, as a checkout takes them (the hold
    written below names the customer, and on PostgreSQL waited for a checkout's lock on them while
    holding the counter the checkout waited for). A quantity the
    customer's price list does not allow (under its minimum, not whole packs) is refused,
    naming the product in ``language`` where translated."""
    if quantity != 0:
        check_quantity(quantity, MAX_CART_QUANTITY)
    now = clock.now()
    until = now + timedelta(minutes=hold_minutes)
    if quantity > 0:
        product = await _active_product(uow, product_id, language)
        prices = await customer_price_list(uow, customer_id)
        terms = prices.terms(_item(prices, product))
        if not terms.allows(quantity):
            terms.check(quantity, (await _named(uow, product, language)).display_name)
        if quantity > lines.get(product_id, 0) and not await _sold(uow, product):
            raise NoPrice(name=(await _named(uow, product, language)).name)  # fewer or none stays possible
        if product_id not in lines and len(lines) >= MAX_ORDER_LINES:
            raise CartFull(count=len(lines))
    # Expired holds (ours included: they are re-taken below) give their stock back first.
    holds = await release_expired_holds_and_find(uow, product_id, customer_id, now)
    held = sum(h.quantity for h in holds)
    if quantity > held:
        try:
            await take_holds(
                uow,
                customer_id=customer_id,
                product_id=product_id,
                quantity=quantity - held,
                now=now,
                until=until,
                held=holds,
            )
        except InsufficientStock:
            # Beyond stock: a product that takes backorders holds what there is, the rest waits.
            most = await hold_and_wait(
                uow, customer_id=customer_id, product_id=product_id, quantity=quantity, now=now, until=until
            )
            if most == 0 and not lines.get(product_id):
                name = (await _named(uow, product, language)).display_name
                raise OutOfStock(name=name, product_id=product_id) from None
            if most is not None:
                raise ProductUnavailable(available=most) from None
    elif quantity < held:
        await give_back(uow, holds, held - quantity)
    await uow.carts.set(customer_id, product_id, quantity, now)
    await uow.stock.extend_holds(customer_id, until)


class StaleCartButton(DomainError):
    key = N_("Your cart has changed since this message. Here it is as it is now.")


async def change_cart_line(
    uow: UnitOfWork,
    clock: Clock,
    *,
    customer_id: int,
    product_id: int,
    expected: int,
    quantity: int,
    hold_minutes: int,
    language: str = "",
) -> int:
    """A +/−/remove button: it carries the quantity it was drawn with, so a button from an
    old message is refused instead of applying a change the customer did not see."""
    async with uow:
        await uow.customers.lock(customer_id)  # before the cart is read: ``_set_quantity``
        lines = await uow.carts.lines(customer_id)
        if lines.get(product_id, 0) != expected:
            raise StaleCartButton()
        await _set_quantity(uow, clock, lines, customer_id, product_id, quantity, hold_minutes, language)
        await uow.commit()
    return quantity


async def add_to_cart(
    uow: UnitOfWork,
    clock: Clock,
    *,
    customer_id: int,
    product_id: int,
    quantity: int,
    hold_minutes: int,
    language: str = "",
) -> int:
    """``quantity`` more of a product in the cart: how many of it the cart holds now."""
    total, _ = await _add(uow, clock, customer_id, product_id, quantity, hold_minutes, language)
    return total


async def _add(
    uow: UnitOfWork, clock: Clock, customer_id: int, product_id: int, quantity: int, hold_minutes: int, language: str
) -> tuple[int, int]:
    """How many of the product the cart holds now, and how many units of everything."""
    check_quantity(quantity, MAX_CART_QUANTITY)
    async with uow:
        await uow.customers.lock(customer_id)  # before the cart is read: ``_set_quantity``
        lines = await uow.carts.lines(customer_id)
        total = lines.get(product_id, 0) + quantity
        if total > MAX_CART_QUANTITY:
            check_quantity(total, MAX_CART_QUANTITY)
        in_all = sum(q for p, q in lines.items() if p != product_id) + total
        await _set_quantity(uow, clock, lines, customer_id, product_id, total, hold_minutes, language)
        await uow.commit()
    return total, in_all


@dataclass(frozen=True, slots=True)
class Added:
    """What ``/add`` put in the cart: the product (named in the reader's language), how many
    of it the cart holds now, and how many units of everything (another size counts there)."""

    product: Product
    of_it: int
    in_all: int


async def add_sku_to_cart(
    uow: UnitOfWork, clock: Clock, *, customer_id: int, sku: str, quantity: int, hold_minutes: int, language: str = ""
) -> Added:
    """``/add SKU QTY`` for buyers who know their SKUs: the product named in ``language`` where
    translated, as a refusal names it."""
    async with uow.read_only():
        product = await find_by_sku(uow, sku)
        named = await named_in(uow, product, language)  # read with it: no unit of work more
    of_it, in_all = await _add(uow, clock, customer_id, product.id or 0, quantity, hold_minutes, language)
    return Added(named, of_it, in_all)


async def _sold(uow: UnitOfWork, product: Product) -> bool:
    """``Rates.sells``: a price in the base currency sells whatever the rates, so they are
    read only for a product priced in other currencies alone."""
    return uow.base_currency in product.prices or (await shop_rates(uow)).sells(product.prices)


async def _group_of(uow: UnitOfWork, customer_id: int) -> str:
    customer = await uow.customers.get(customer_id)
    return customer.price_group if customer is not None else RETAIL


def _item(prices: PriceList, product: Product) -> PricedItem:
    return prices.item(product.sku, product.parent_code, product.category_id)


async def load_cart(
    uow: UnitOfWork,
    now: datetime,
    customer_id: int,
    currency: str,
    fallback_currency: str,
    price_group: str | None = None,
    language: str = "",
) -> Cart:
    """Inside an open unit of work: the customer's cart lines, priced by their group's price
    list (``price_group``; None: read from the customer), with what is held. Products left
    out are named as their variant, in ``language`` where translated: "the T-shirt is no
    longer sold" would be untrue while its other sizes are."""
    wanted = await uow.carts.lines(customer_id)
    held: dict[int, int] = defaultdict(int)
    expiry: dict[int, datetime] = {}
    for hold in await uow.stock.customer_holds(customer_id):
        if hold.is_expired(now) or hold.expires_at is None:
            continue
        held[hold.product_id] += hold.quantity
        expiry[hold.product_id] = min(expiry.get(hold.product_id, hold.expires_at), hold.expires_at)
    # From the database, not the read cache: with several processes a price or status changed
    # in another one reaches this one's cache only within a minute, and the cart and the review
    # show what Confirm will charge (a handful of rows).
    everything = await uow.products.get_many(sorted(wanted), fresh=True)
    rates = await shop_rates(uow)
    # A line whose product lost its price (its currency's rate is gone) is shown as unpriced
    # and left out of the order; the other lines stay buyable.
    products = [p for p in everything if p.orderable and rates.sells(p.prices)]
    chosen = order_currency(products, currency, rates)
    prices = await price_list_for(uow, price_group or await _group_of(uow, customer_id))
    lines = []
    for product in sorted(products, key=lambda p: p.name):
        pid = product.id or 0
        base = rates.price(product.prices, chosen)
        assert base is not None  # a product the shop sells has a price in every currency it takes
        item = _item(prices, product)
        price = prices.price(item, base, wanted[pid])
        lines.append(
            CartLine(
                product,
                wanted[pid],
                min(held[pid], wanted[pid]),
                price.unit,
                expiry.get(pid),
                base_price=base if price.rule is not None else None,
                price_rule=price.rule,
                terms=prices.terms(item),
            )
        )
    lines = await with_waiting_parts(uow, now, lines)

    def named(products: Iterable[Product]) -> tuple[str, ...]:
        return tuple(sorted(p.in_language(language).display_name for p in products))

    withdrawn = named(p for p in everything if not p.listed)
    unpriced = named(p for p in everything if p.orderable and not rates.sells(p.prices))
    discontinued = named(p for p in everything if p.status is ProductStatus.DISCONTINUED)
    return Cart(lines, chosen, withdrawn, rates, unpriced, discontinued)


async def view_cart(
    uow: UnitOfWork,
    clock: Clock,
    *,
    customer_id: int,
    currency: str,
    fallback_currency: str,
    language: str = "",
    price_group: str | None = None,
) -> Cart:
    """The cart as its owner reads it: products named in ``language`` where translated, a variant
    translated in none by its family (``named_in``)."""
    async with uow.read_only():
        cart = await load_cart(uow, clock.now(), customer_id, currency, fallback_currency, price_group, language)
        return await family_named(uow, cart, language)


async def family_named(uow: UnitOfWork, cart: Cart, language: str) -> Cart:
    """``in_language`` with a variant translated in none named by its family (``named_in``), in ``uow``'s
    open transaction: the screens that show the cart (``/cart``, the Mini App's, the checkout's review)."""
    if not language:
        return cart
    return replace(
        cart, lines=[replace(line, product=await named_in(uow, line.product, language)) for line in cart.lines]
    )


def in_language(cart: Cart, language: str) -> Cart:
    """The cart's lines named in ``language`` where translated (what ``load_cart`` left out is named so already)."""
    if not language:
        return cart
    return replace(cart, lines=[replace(line, product=line.product.in_language(language)) for line in cart.lines])


async def clear_cart(uow: UnitOfWork, *, customer_id: int) -> None:
    async with uow:
        await release_customer_holds(uow, customer_id)
        await uow.carts.clear(customer_id)
        await uow.commit()


async def release_customer_holds(uow: UnitOfWork, customer_id: int) -> None:
    holds = await uow.stock.customer_holds(customer_id)
    for hold in sorted(holds, key=lambda h: (h.product_id, h.warehouse_id)):  # the lock order
        await uow.stock.release(hold.product_id, hold.warehouse_id, hold.quantity)
        await uow.stock.delete_reservation(hold)


class InStockNow(DomainError):
    key = N_("{name} is back in stock now: add it to your cart from its card.")


async def subscribe_back_in_stock(
    uow: UnitOfWork, clock: Clock, *, customer_id: int, product_id: int, language: str = ""
) -> bool:
    """Ask to be told once when an out-of-stock product is received again; a refusal (a
    discontinued product, or one in stock again: a card's button pressed after it came back)
    names it in ``language`` where translated."""
    async with uow:
        product = await _active_product(uow, product_id, language)
        if any(level.available > 0 for level in await uow.stock.levels([product_id])):
            raise InStockNow(name=(await _named(uow, product, language)).display_name)
        created = await uow.subscriptions.subscribe(customer_id, product_id, clock.now())
        await uow.commit()
        return created
