"""A product's card: priced for the customer, with what is available, its variants' buttons and its backorder offer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from domain.catalog import Product
from domain.errors import NotFound
from domain.family_names import in_family_language
from domain.fx import Rates
from domain.money import Money
from domain.ports import UnitOfWork
from domain.pricing import NO_TERMS, RETAIL, OrderingTerms, PriceList, PriceRule, ResolvedPrice
from domain.usecases.backorders import BackorderOffer, offers
from domain.usecases.fx import shop_rates
from domain.usecases.price_lists import price_list_for
from domain.usecases.product_lookup import find_by_sku, listed_variant, named_in
from domain.variants import OptionRow, option_rows, rows_in_language

LOW_STOCK_THRESHOLD = 5


@dataclass(frozen=True, slots=True)
class ProductCard:
    product: Product
    price: Money | None
    available: int
    in_cart: int = 0
    currency: str = ""  # the customer's currency, or the base when the shop does not take theirs
    options: tuple[OptionRow, ...] = ()  # the parent's option buttons, this variant chosen
    # Out of stock (or on preorder, stock or not), yet it may be ordered: a backorder, a preorder.
    backorder: BackorderOffer | None = None
    # The customer's price list: ``price`` is its price at the quantity in the cart (at least
    # one); ``base_price`` the product's own when the list gives another, and why; the prices
    # bigger quantities unlock; the quantities the ➖/➕ buttons step through.
    base_price: Money | None = None
    price_rule: PriceRule | None = None
    breaks: tuple[ResolvedPrice, ...] = ()
    terms: OrderingTerms = NO_TERMS
    # A list's card of a product whose variants on sale are priced differently: the lowest of them, shown
    # "from £8.00" (``price`` stays the listed variant's: what its own card and Add charge).
    lowest: Money | None = None

    @property
    def in_stock(self) -> bool:
        """Sold from the shelf now: not a preorder before its release, whose stock that came
        early waits for the day as the cart and checkout make it (``routable_part``)."""
        return self.available > 0 and not (self.backorder is not None and self.backorder.preorder)

    @property
    def is_low(self) -> bool:
        return self.in_stock and self.available <= LOW_STOCK_THRESHOLD

    @property
    def can_wait(self) -> bool:
        """More may be ordered to wait for stock: a backorder or preorder with room left (its
        limit taken, the cart refuses more, so nothing offers it)."""
        return self.backorder is not None and self.backorder.room != 0

    @property
    def can_add(self) -> bool:
        """Offered to the cart: on sale, priced, in stock or to wait for stock (backorder, preorder)."""
        return self.product.orderable and self.price is not None and (self.in_stock or self.can_wait)

    @property
    def can_notify(self) -> bool:
        """Offered a back-in-stock note instead: on sale and priced, none to be had, and the
        customer's cart does not hold the last of it."""
        return (
            self.product.orderable and self.price is not None and not (self.in_stock or self.can_wait or self.in_cart)
        )


def _shown_currency(currency: str, fallback: str, rates: Rates) -> str:
    return currency if rates.offers(currency) else fallback


def _price_for(product: Product, currency: str, fallback: str, rates: Rates) -> Money | None:
    shown = _shown_currency(currency, fallback, rates)
    return rates.price(product.prices, shown) or rates.price(product.prices, fallback)


async def _available(uow: UnitOfWork, ids: list[int]) -> dict[int, int]:
    """What each product has available over all warehouses (0 for one without stock)."""
    available: dict[int, int] = dict.fromkeys(ids, 0)
    for level in await uow.stock.levels(ids):
        if (units := level.available) > 0:
            available[level.product_id] += units
    return available


async def cards_of(
    uow: UnitOfWork,
    products: list[Product],
    currency: str,
    fallback: str,
    language: str = "",
    price_group: str = RETAIL,
    today: date | None = None,
    lowest: bool = True,
) -> list[ProductCard]:
    """Priced (by ``price_group``'s list, as the card is), with what is available, named and
    described in ``language`` where translated; with ``today`` (the shop's clock), a sold-out
    one carries its backorder or preorder offer, as its own card does; with ``lowest``, a family
    priced differently its lowest price ("from", ``_from_lowest``)."""
    available = await _available(uow, [p.id for p in products if p.id is not None])
    rates = await shop_rates(uow)
    cards = [_card(await named_in(uow, p, language), currency, fallback, rates, available) for p in products]
    if today is not None:
        cards = await _with_offers(uow, cards, today)
    prices = await price_list_for(uow, price_group)
    if not prices.empty:
        cards = [_list_priced(prices, card, p) for card, p in zip(cards, products, strict=True)]
    return await _from_lowest(uow, cards, currency, fallback, rates, prices) if lowest else cards


async def _from_lowest(
    uow: UnitOfWork, cards: list[ProductCard], currency: str, fallback: str, rates: Rates, prices: PriceList
) -> list[ProductCard]:
    """Each listed product with variants on sale at different prices (each as its own card prices it: the
    shown currency, the customer's price list) carries the lowest. Lists only, never a product's own
    card (the busiest path): the siblings and their products come from the catalog snapshot, one read."""
    families = {
        c.product.id: [s.id for s in await uow.products.siblings(c.product.parent_code) if s.orderable]
        for c in cards
        if c.product.option_names and c.product.id is not None and c.price is not None
    }
    if not families:
        return cards
    wanted = sorted({i for ids in families.values() for i in ids})
    variants = {v.id: v for v in await uow.products.get_many(wanted)}
    found: list[ProductCard] = []
    for card in cards:
        # Like with like: a variant the shown currency cannot price is shown in the fallback's, whose
        # amounts say nothing against the card's (£9.00 is not "from" beside €30.00).
        shown = card.price.currency if card.price is not None else ""
        amounts = [
            price
            for i in families.get(card.product.id or 0, ())
            if (v := variants.get(i)) is not None
            and (price := _unit_price(v, currency, fallback, rates, prices))
            and price.currency == shown
        ]
        distinct = {(a.amount, a.currency) for a in amounts}
        if len(distinct) > 1:
            card = replace(card, lowest=min(amounts, key=lambda a: a.amount))
        found.append(card)
    return found


def _unit_price(product: Product, currency: str, fallback: str, rates: Rates, prices: PriceList) -> Money | None:
    """One unit's price as the product's own card shows it (a price list's for a single unit)."""
    base = _price_for(product, currency, fallback, rates)
    if base is None or prices.empty:
        return base
    return prices.price(prices.item(product.sku, product.parent_code, product.category_id), base, 1).unit


async def _with_offers(uow: UnitOfWork, cards: list[ProductCard], today: date) -> list[ProductCard]:
    """The cards' backorder and preorder offers, for the sold-out ones and those on preorder, in one read."""
    preorders = await uow.backorders.preorders()
    sold_out = [
        c.product.id
        for c in cards
        if c.product.id is not None and (c.available <= 0 or _on_preorder(preorders, c.product.id, today))
    ]
    found = await offers(uow, sold_out, today) if sold_out else {}
    if not found:
        return cards
    return [replace(c, backorder=found[c.product.id or 0]) if c.product.id in found else c for c in cards]


def _on_preorder(preorders: Mapping[int, date], product_id: int, today: date) -> bool:
    """Before its release a preorder's card offers the preorder, stock or not. ``preorders``
    comes from the read cache: the cards in stock that are not on preorder read nothing more."""
    return (release := preorders.get(product_id)) is not None and release > today


def _card(
    product: Product,
    currency: str,
    fallback: str,
    rates: Rates,
    available: Mapping[int, int],
    in_cart: int = 0,
    options: tuple[OptionRow, ...] = (),
) -> ProductCard:
    """A product's card as a list and its own page both show it: ``product`` named in the reader's
    language already, priced in the shown currency, with what is available."""
    return ProductCard(
        product,
        _price_for(product, currency, fallback, rates),
        available.get(product.id or 0, 0),
        in_cart,
        _shown_currency(currency, fallback, rates),
        options,
    )


async def _card_of(
    uow: UnitOfWork,
    product: Product,
    currency: str,
    fallback: str,
    customer_id: int | None,
    language: str,
    today: date | None = None,
    price_group: str = RETAIL,
) -> ProductCard:
    """The parent's card with this variant chosen: how many of it this customer holds in the
    cart, and buttons for the parent's other listed variants. Every card goes through here:
    the siblings are read without copying products, and the stock of all of them (this
    variant among them) in one read."""
    held = 0
    if customer_id is not None and product.id is not None:
        held = sum(h.quantity for h in await uow.stock.customer_holds(customer_id) if h.product_id == product.id)
    siblings = await uow.products.siblings(product.parent_code) if product.option_names else []
    ids = [s.id for s in siblings if s.listed]
    if product.id is not None and product.id not in ids:
        ids.append(product.id)
    available = await _available(uow, ids)
    # Made once with its options: ``dataclasses.replace`` of a card (13 fields, frozen) costs
    # ~3 µs, as much as a third of what a variant's options add to its card.
    options = (
        tuple(rows_in_language(option_rows(product, siblings, available), product, siblings, language))
        if siblings
        else ()
    )
    named = in_family_language(product, language, siblings)  # the siblings read for the buttons: no read more
    card = _card(named, currency, fallback, await shop_rates(uow), available, held, options)
    if (
        today is not None
        and product.id is not None
        and (card.available <= 0 or _on_preorder(await uow.backorders.preorders(), product.id, today))
    ):
        offer = (await offers(uow, [product.id], today)).get(product.id)
        if offer is not None:  # what waits is in the cart, not held: the cart's lines say how many
            wanted = (await uow.carts.lines(customer_id)).get(product.id, held) if customer_id is not None else 0
            card = replace(card, backorder=offer, in_cart=wanted)
    return await _priced(uow, card, product, price_group)


async def _priced(uow: UnitOfWork, card: ProductCard, product: Product, group: str) -> ProductCard:
    """The card priced by the group's list (the base price where it has nothing for it)."""
    prices = await price_list_for(uow, group)
    return card if prices.empty else _list_priced(prices, card, product)


def _list_priced(prices: PriceList, card: ProductCard, product: Product) -> ProductCard:
    if card.price is None:
        return card
    item = prices.item(product.sku, product.parent_code, product.category_id)
    resolved = prices.price(item, card.price, max(card.in_cart, 1))
    return replace(
        card,
        price=resolved.unit,
        base_price=card.price if resolved.rule is not None else None,
        price_rule=resolved.rule,
        breaks=tuple(b for b in prices.breaks(item, card.price) if b.rule and b.rule.min_quantity > card.in_cart),
        terms=prices.terms(item),
    )


async def product_card(
    uow: UnitOfWork,
    *,
    product_id: int,
    currency: str,
    fallback_currency: str,
    customer_id: int | None = None,
    language: str = "",
    today: date | None = None,
    price_group: str = RETAIL,
    listed_sibling: bool = False,
) -> ProductCard:
    """``today`` (the shop's clock) lets an out-of-stock card offer a backorder or preorder.
    ``listed_sibling``: a variant hidden since its button was shown gives its parent's first
    listed variant instead (the card's product then is not the one asked for)."""
    async with uow.read_only():
        product = await uow.products.get(product_id)
        if product is not None and not product.listed and listed_sibling:
            product = await listed_variant(uow, product.parent_code)
        if product is None or not product.listed:
            raise NotFound()
        return await _card_of(uow, product, currency, fallback_currency, customer_id, language, today, price_group)


async def product_card_by_sku(
    uow: UnitOfWork,
    *,
    sku: str,
    currency: str,
    fallback_currency: str,
    customer_id: int | None = None,
    language: str = "",
    today: date | None = None,
    price_group: str = RETAIL,
) -> ProductCard:
    """Deep links and typed SKUs: an unknown or malformed SKU is simply not found. A
    product's code whose own variant is hidden opens its first listed variant: a link to
    the T-shirt outlives its S / White (``/add`` of that SKU is still refused)."""
    async with uow.read_only():
        try:
            product = await find_by_sku(uow, sku)
        except NotFound:
            product = await listed_variant(uow, sku)
        return await _card_of(uow, product, currency, fallback_currency, customer_id, language, today, price_group)
