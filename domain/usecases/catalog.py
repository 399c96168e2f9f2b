"""Lists of the catalog's products: a category's page (or the top's), and a search's results."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from domain.catalog import Category, Product
from domain.categories import tree_of
from domain.errors import NotFound
from domain.ports import UnitOfWork
from domain.pricing import RETAIL
from domain.usecases.product_cards import ProductCard, cards_of


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
            await cards_of(uow, products, currency, fallback_currency, language, price_group, today) if products else []
        )
        if node is None:
            return CatalogPage(None, cards, page, pages, len(children), children[start:end])
        parent = node.parent_id if node.parent_id in tree.nodes else None
        trail = tree.trail(node.id, language)
        return CatalogPage(trail[-1], cards, page, pages, len(children) + own, children[start:end], trail, parent)


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
        cards = await cards_of(uow, products, currency, fallback_currency, language, price_group, today, lowest)
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
