"""One product found: by SKU for customers or staff, the examples' SKU, its names in a language, its photo."""

from __future__ import annotations

from domain.catalog import Product, normalize_sku
from domain.errors import DomainError, NotFound
from domain.family_names import in_family_language, line_names, needs_family
from domain.ports import UnitOfWork

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


async def listed_variant(uow: UnitOfWork, code: str) -> Product:
    try:
        variants = await uow.products.variants(normalize_sku(code))
    except DomainError:
        raise NotFound() from None
    found = next((v for v in variants if v.listed), None)
    if found is None:
        raise NotFound()
    return found


async def listed_photo(uow: UnitOfWork, *, product_id: int) -> str:
    """The photo of a product the catalog lists (``""`` when it has none), or ``NotFound``: what
    a photo view decides on, as ``product_card`` decides (hidden or unknown: not found), without
    building the card (its variants, stock, rates and price list) only to take its photo."""
    async with uow.read_only():
        product = await uow.products.get(product_id)
        if product is None or not product.listed:
            raise NotFound()
        return product.photo_file_id or ""


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


async def remember_product_photo(uow: UnitOfWork, *, product_id: int, file_id: str) -> None:
    """After a local photo was uploaded once, reuse Telegram's file_id from then on."""
    async with uow:
        product = await uow.products.get(product_id)
        if product is None:
            return
        product.photo_file_id = file_id
        await uow.products.upsert(product)
        await uow.commit()
