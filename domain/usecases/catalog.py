"""Browsing the catalog: categories, pages of products, product cards with availability."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from domain.catalog import Category, Product, normalize_sku
from domain.errors import DomainError, NotFound
from domain.fx import Rates
from domain.money import Money
from domain.ports import UnitOfWork
from domain.usecases.fx import shop_rates

LOW_STOCK_THRESHOLD = 5


@dataclass(frozen=True, slots=True)
class ProductCard:
    product: Product
    price: Money | None
    available: int
    in_cart: int = 0
    currency: str = ""  # the customer's currency, or the base when the shop does not take theirs

    @property
    def in_stock(self) -> bool:
        return self.available > 0

    @property
    def is_low(self) -> bool:
        return 0 < self.available <= LOW_STOCK_THRESHOLD


@dataclass(frozen=True, slots=True)
class CatalogPage:
    category: Category
    cards: list[ProductCard]
    page: int
    pages: int
    total: int


def _shown_currency(currency: str, fallback: str, rates: Rates) -> str:
    return currency if rates.offers(currency) else fallback


def _price_for(product: Product, currency: str, fallback: str, rates: Rates) -> Money | None:
    shown = _shown_currency(currency, fallback, rates)
    return rates.price(product.prices, shown) or rates.price(product.prices, fallback)


async def _cards(
    uow: UnitOfWork,
    products: list[Product],
    currency: str,
    fallback: str,
    in_cart: Mapping[int, int] | None = None,
    language: str = "",
) -> list[ProductCard]:
    """Priced, with what is available, named and described in ``language`` where translated."""
    ids = [p.id for p in products if p.id is not None]
    available: dict[int, int] = dict.fromkeys(ids, 0)
    for level in await uow.stock.levels(ids):
        available[level.product_id] += max(level.available, 0)
    rates = await shop_rates(uow)
    held = in_cart or {}
    shown = _shown_currency(currency, fallback, rates)
    return [
        ProductCard(
            p.in_language(language),
            _price_for(p, currency, fallback, rates),
            available.get(p.id or 0, 0),
            held.get(p.id or 0, 0),
            shown,
        )
        for p in products
    ]


async def list_categories(uow: UnitOfWork) -> list[Category]:
    async with uow.read_only():
        return await uow.products.categories()


async def browse_category(
    uow: UnitOfWork,
    *,
    category_id: int,
    page: int,
    page_size: int,
    currency: str,
    fallback_currency: str,
    language: str = "",
) -> CatalogPage:
    async with uow.read_only():
        category = await uow.products.category(category_id)
        if category is None:
            raise NotFound()
        page = max(page, 0)
        products, total = await uow.products.in_category(category_id, page * page_size, page_size)
        pages = max((total + page_size - 1) // page_size, 1)
        if page >= pages:
            raise NotFound()
        cards = await _cards(uow, products, currency, fallback_currency, language=language)
        return CatalogPage(category, cards, page, pages, total)


async def _card_of(
    uow: UnitOfWork, product: Product, currency: str, fallback: str, customer_id: int | None, language: str
) -> ProductCard:
    """One product's card, with how many of it this customer holds in the cart."""
    held = 0
    if customer_id is not None and product.id is not None:
        held = sum(h.quantity for h in await uow.stock.customer_holds(customer_id) if h.product_id == product.id)
    return (await _cards(uow, [product], currency, fallback, {product.id or 0: held}, language))[0]


async def product_card(
    uow: UnitOfWork,
    *,
    product_id: int,
    currency: str,
    fallback_currency: str,
    customer_id: int | None = None,
    language: str = "",
) -> ProductCard:
    async with uow.read_only():
        product = await uow.products.get(product_id)
        if product is None or not product.listed:
            raise NotFound()
        return await _card_of(uow, product, currency, fallback_currency, customer_id, language)


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


async def product_card_by_sku(
    uow: UnitOfWork,
    *,
    sku: str,
    currency: str,
    fallback_currency: str,
    customer_id: int | None = None,
    language: str = "",
) -> ProductCard:
    """Deep links and typed SKUs: an unknown or malformed SKU is simply not found."""
    async with uow.read_only():
        product = await find_by_sku(uow, sku)
        return await _card_of(uow, product, currency, fallback_currency, customer_id, language)


async def search_products(
    uow: UnitOfWork,
    *,
    text: str,
    page: int,
    page_size: int,
    currency: str,
    fallback_currency: str,
    language: str = "",
) -> tuple[list[ProductCard], int]:
    """Name (in any language), SKU or barcode. Returns the page of cards and the total number of matches."""
    async with uow.read_only():
        products, total = await uow.products.search(text, max(page, 0) * page_size, page_size)
        return await _cards(uow, products, currency, fallback_currency, language=language), total


async def remember_product_photo(uow: UnitOfWork, *, product_id: int, file_id: str) -> None:
    """After a local photo was uploaded once, reuse Telegram's file_id from then on."""
    async with uow:
        product = await uow.products.get(product_id)
        if product is None:
            return
        product.photo_file_id = file_id
        await uow.products.upsert(product)
        await uow.commit()
