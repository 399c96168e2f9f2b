"""Browsing the catalog: categories, pages of products, product cards with availability."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from domain.catalog import Category, Product, normalize_sku
from domain.categories import tree_of
from domain.errors import DomainError, NotFound
from domain.family_names import in_family_language, line_names, needs_family
from domain.fx import Rates
from domain.money import Money
from domain.ports import UnitOfWork
from domain.pricing import NO_TERMS, RETAIL, OrderingTerms, PriceList, PriceRule, ResolvedPrice
from domain.usecases.backorders import BackorderOffer, offers
from domain.usecases.fx import shop_rates
from domain.usecases.price_lists import price_list_for
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


@dataclass(frozen=True, slots=True)
class CatalogPage:
    """One page of a category (or of the top of the catalog, ``category`` None): its
    sub-categories first, then its own products, ``total`` of them together over ``pages``.
    A category's ``product_count`` includes every category below it."""

    category: Category | None
    cards: list[ProductCard]
    page: int
    pages: int
    total: int
    children: list[Category] = field(default_factory=list)
    trail: list[Category] = field(default_factory=list)  # from the top down to ``category``
    parent_id: int | None = None  # where "back" goes; None: the top


@dataclass(frozen=True, slots=True)
class SearchResults:
    cards: list[ProductCard]
    total: int  # every match, all of them reachable through ``pages``
    page: int
    pages: int
    # The text searched instead when the typed one found nothing and was misspelt (``domain.search_words``)
    corrected: str = ""


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


async def _cards(
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


async def named_in(uow: UnitOfWork, product: Product, language: str) -> Product:
    """``product`` named and described in ``language``, what it lacks there its family's
    (``domain.family_names``): its siblings read (the catalog snapshot's family entry) only then."""
    if not needs_family(product, language):
        return product.in_language(language)
    return in_family_language(product, language, await uow.products.siblings(product.parent_code))


async def line_names_of(uow: UnitOfWork, product: Product) -> dict[str, str]:
    """What an order line of ``product`` made outside a placing keeps of its names (``line_names``: a variant's
    family's where it has none of its own): an exchange's replacement, a line an edit adds. One family, read
    only for a variant."""
    return line_names(product, await uow.products.siblings(product.parent_code) if product.option_names else ())


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


def _pages(total: int, page: int, page_size: int) -> tuple[int, int]:
    """How many pages ``total`` items make, and ``page`` within them: a stale page number
    (the list got shorter since the button was sent) shows the last page."""
    pages = max((total + page_size - 1) // page_size, 1)
    return min(max(page, 0), pages - 1), pages


async def list_categories(uow: UnitOfWork) -> list[Category]:
    """Every category by name, empty ones too (a manager's pick list), with its own products."""
    async with uow.read_only():
        nodes = await uow.products.category_nodes()
    return sorted((Category(n.id, n.name, n.own_count) for n in nodes), key=lambda c: c.name.casefold())


EXAMPLE_SKU = "SKU"  # in the examples of a shop that sells nothing yet
EXAMPLE_QUANTITY = 12  # the quantity the examples add (``/add SKU 12``)


async def example_sku(uow: UnitOfWork) -> str:
    """An SKU the shop sells, for the examples customers and staff read (``/add SKU 12``): the demo's
    ``85123A`` is nobody else's; one with that many in stock, so the example tried is added (the first
    on sale was the demo's sold-out fan, refused); else the first on sale; a placeholder while the
    catalog is empty."""
    async with uow.read_only():
        found = await uow.products.first_sku_in_stock(EXAMPLE_QUANTITY) or await uow.products.first_active_sku()
    return found or EXAMPLE_SKU


async def browse_category(
    uow: UnitOfWork,
    *,
    category_id: int,
    page: int,
    page_size: int,
    currency: str,
    fallback_currency: str,
    after: int = 0,
    before: int = 0,
    language: str = "",
    price_group: str = RETAIL,
    today: date | None = None,
) -> CatalogPage:
    """``category_id`` 0 is the top of the catalog. Only the products on the page are read;
    ``after``/``before`` (the last/first product of the page next to this one) let a page of
    products only start from that product instead of counting its way there. ``today``: the
    sold-out cards carry their backorder offers (the storefront's grid shows them; the chat's
    list names only)."""
    async with uow.read_only():
        tree = tree_of(tuple(await uow.products.category_nodes()))
        node = tree.nodes.get(category_id) if category_id else None
        if category_id and node is None:
            raise NotFound()
        children = tree.children(node.id if node else None, language)
        own = node.own_count if node else 0
        page, pages = _pages(len(children) + own, page, page_size)
        start, end = page * page_size, (page + 1) * page_size
        wanted = end - max(start, len(children))
        products: list[Product] = []
        if node is not None and wanted > 0:
            keyset = {"after": after, "before": before} if start >= len(children) else {}
            products = await uow.products.in_category(node.id, max(start - len(children), 0), wanted, **keyset)
        cards = (
            await _cards(uow, products, currency, fallback_currency, language, price_group, today) if products else []
        )
        if node is None:
            return CatalogPage(None, cards, page, pages, len(children), children[start:end])
        parent = node.parent_id if node.parent_id in tree.nodes else None
        trail = tree.trail(node.id, language)
        return CatalogPage(trail[-1], cards, page, pages, len(children) + own, children[start:end], trail, parent)


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
            product = await _listed_variant(uow, product.parent_code)
        if product is None or not product.listed:
            raise NotFound()
        return await _card_of(uow, product, currency, fallback_currency, customer_id, language, today, price_group)


async def listed_photo(uow: UnitOfWork, *, product_id: int) -> str:
    """The photo of a product the catalog lists (``""`` when it has none), or ``NotFound``: what
    a photo view decides on, as ``product_card`` decides (hidden or unknown: not found), without
    building the card (its variants, stock, rates and price list) only to take its photo."""
    async with uow.read_only():
        product = await uow.products.get(product_id)
        if product is None or not product.listed:
            raise NotFound()
        return product.photo_file_id or ""


async def find_by_sku(uow: UnitOfWork, sku: str) -> Product:
    """Inside an open unit of work: the listed product with this SKU (a discontinued one
    too: its card says so), or ``NotFound`` (a malformed SKU is simply not found)."""
    try:
        normalized = normalize_sku(sku)
    except DomainError:
        raise NotFound() from None
    product = await uow.products.get_by_sku(normalized)
    if product is None or product.id is None or not product.listed:
        raise NotFound()
    return product


async def staff_product_by_sku(uow: UnitOfWork, sku: str) -> Product:
    """Inside an open unit of work: the product with this SKU whatever its status (staff count,
    move and buy stock of a hidden or discontinued one too), or ``NotFound``."""
    try:
        product = await uow.products.get_by_sku(normalize_sku(sku))
    except DomainError:
        raise NotFound() from None
    if product is None or product.id is None:
        raise NotFound()
    return product


async def _listed_variant(uow: UnitOfWork, code: str) -> Product:
    try:
        variants = await uow.products.variants(normalize_sku(code))
    except DomainError:
        raise NotFound() from None
    found = next((v for v in variants if v.listed), None)
    if found is None:
        raise NotFound()
    return found


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
            product = await _listed_variant(uow, sku)
        return await _card_of(uow, product, currency, fallback_currency, customer_id, language, today, price_group)


async def search_products(
    uow: UnitOfWork,
    *,
    text: str,
    page: int,
    page_size: int,
    currency: str,
    fallback_currency: str,
    language: str = "",
    price_group: str = RETAIL,
    today: date | None = None,
    lowest: bool = True,
) -> SearchResults:
    """Name (in any language), SKU or barcode (``ProductRepository.search``): a page of cards
    and the number of matches. A page past the end (fewer matches than when the button was
    sent) shows the last one. ``today``: as ``browse_category``'s. ``lowest``: each family's
    "from" price, for a list of products (the Mini App's); the chat's lines name one variant
    at its own price and need none (not looking spares a family read and a products read).
    A text that finds nothing as typed is corrected to the catalog's words and searched again
    (``SearchResults.corrected``, ``domain.search_words``; said only when a word was misspelt, not
    when only its form differs: "mugs" finds the mugs as it did before); one with no word to correct, or whose
    correction finds nothing, is looked for by its words' stems. Every page is found alike, so
    count and pages are those of the text searched."""
    async with uow.read_only():
        page = max(page, 0)
        products, total = await uow.products.search(text, page * page_size, page_size, word_forms=False)
        corrected = said = ""
        if not total:
            corrected, said = await correction(uow, text)
            if corrected:
                products, total = await uow.products.search(corrected, page * page_size, page_size)
        if not total:  # nothing corrected, or the correction found nothing: the words' stems as typed
            corrected = said = ""
            products, total = await uow.products.search(text, page * page_size, page_size)
        text = corrected or text
        shown, pages = _pages(total, page, page_size)
        if shown != page:
            products, total = await uow.products.search(text, shown * page_size, page_size)
            shown, pages = _pages(total, shown, page_size)
        cards = await _cards(uow, products, currency, fallback_currency, language, price_group, today, lowest)
        return SearchResults(cards, total, shown, pages, said)


async def correction(uow: UnitOfWork, text: str) -> tuple[str, str]:
    """Inside an open unit of work, for a ``text`` that found nothing as typed: the text to search instead
    (its misspelt words corrected to the catalog's, ``domain.search_words``; "" when none is) and the
    correction to say ("" when only a word's form changed: "mugs" is no typo). The customer search and
    staff's /stock correct alike."""
    words = await uow.products.search_words()
    corrected = words.corrected(text)
    return corrected, "" if not corrected or words.only_word_forms(text, corrected) else corrected


async def orderable_matches(uow: UnitOfWork, *, text: str, limit: int, language: str = "") -> list[Product]:
    """What an order being changed may add for a typed name, SKU or barcode: every orderable
    variant of each product found (a search finds a product once, by its first variant, so
    another size could be added by its SKU alone), an exact SKU or barcode that variant only;
    at most ``limit``, named in ``language``."""
    async with uow.read_only():
        found, _ = await uow.products.search(text, 0, limit)
        families = await uow.products.variants_of(sorted({p.parent_code for p in found if p.option_names}))
        exact = text.strip().upper()
        chosen: dict[int, Product] = {}
        for product in found:
            whole = product.option_names and exact not in (product.sku, product.barcode)
            for variant in families.get(product.parent_code, [product]) if whole else [product]:
                if variant.id is not None and variant.listed and variant.orderable:
                    chosen.setdefault(variant.id, variant.in_language(language))
        return list(chosen.values())[:limit]


async def remember_product_photo(uow: UnitOfWork, *, product_id: int, file_id: str) -> None:
    """After a local photo was uploaded once, reuse Telegram's file_id from then on."""
    async with uow:
        product = await uow.products.get(product_id)
        if product is None:
            return
        product.photo_file_id = file_id
        await uow.products.upsert(product)
        await uow.commit()
