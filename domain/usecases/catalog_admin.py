"""Managing the catalog in chat: a product's sheet, field edits, photos, status, creation, and the audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from domain.catalog import MAX_PHOTOS, Product, ProductStatus, normalize_sku
from domain.catalog_edits import (
    CLEAR,
    DuplicateBarcode,
    NotALanguage,
    ProductChange,
    apply_text,
    field_value,
    parse_barcode,
    parse_category,
    shown,
)
from domain.categories import (
    IN_CHAT,
    CategoryMove,
    CategoryNode,
    CategoryTree,
    Spelling,
    category_path,
    leaf,
    moves,
    path_to,
    plan_parents,
)
from domain.errors import DomainError, NotFound
from domain.i18n import N_
from domain.memos import Memo
from domain.money import Money
from domain.ports import Clock, UnitOfWork
from domain.staff import Permission
from domain.usecases.fx import shop_rates
from domain.usecases.imports.stock import available_by_product, notify_back_in_stock
from domain.usecases.product_lookup import staff_product_by_sku
from domain.usecases.revaluation import revaluing
from domain.usecases.staff import require, staff_names
from domain.variants import check_words_apart, sibling_translated


class TooManyPhotos(DomainError):
    key = N_("A product has at most {limit} photos; clear them first to start again.")


class CategoryPathTooLong(DomainError):
    key = N_("{path} names more categories than the product's category path has: {trail}.")


class SkuTaken(DomainError):
    key = N_("SKU {sku} is already in the catalog.")


@dataclass(frozen=True, slots=True)
class ProductSheet:
    """What staff see of a product: every field, and its stock over all warehouses."""

    product: Product
    on_hand: int
    available: int
    changes: int  # entries in its audit trail
    currencies: tuple[str, ...]  # a price can be set in each: the shop's, and any the product has
    variants: tuple[Product, ...] = ()  # every variant of its parent, itself included, in catalog order
    moved: int = 0  # variants of its parent (itself included) that this edit put in another category
    trail: tuple[str, ...] = ()  # its category's path from the top: the breadcrumbs customers see
    relinked: tuple[CategoryMove, ...] = ()  # categories a typed path moved, with all in them
    # The path in each language any of its categories is named in (the untranslated ones as the shop's).
    trail_in: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class HistoryPage:
    product: Product
    changes: list[ProductChange]
    page: int
    pages: int
    # Staff named as they are known in Telegram, by actor (the trail keeps ``staff:ID``).
    who: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CatalogPage:
    """A page of the staff's product list: every variant, hidden ones too."""

    products: list[Product]
    total: int
    page: int
    pages: int


@dataclass(slots=True)
class NewProduct:
    """What /newproduct gathers step by step before one transaction creates it."""

    sku: str = ""
    name: str = ""
    category: str = ""
    price: Money | None = None
    barcode: str | None = None
    photo: str | None = None


async def _actor(uow: UnitOfWork, staff_id: int) -> str:
    """Who changes the catalog, as the audit trail names them (managers and admins only)."""
    member = await require(uow, staff_id, Permission.MANAGE_CATALOG)
    return f"staff:{member.telegram_id}"


async def _sheet(
    uow: UnitOfWork, product: Product, moved: int = 0, relinked: Sequence[CategoryMove] = ()
) -> ProductSheet:
    assert product.id is not None
    levels = await uow.stock.levels([product.id])
    _, count = await uow.products.changes(product.id, 0, 0)
    currencies = tuple(dict.fromkeys([*(await shop_rates(uow)).currencies, *sorted(product.prices)]))
    on_hand = sum(level.on_hand for level in levels)
    available = sum(max(level.available, 0) for level in levels)
    variants = tuple(await uow.products.variants(product.parent_code))
    trail = path_to(product.category, await uow.products.category_parents()) if product.category else ()
    trail_in = _trail_in(await uow.products.category_nodes(), product.category_id) if product.category_id else {}
    return ProductSheet(
        product, on_hand, available, count, currencies, variants, moved, trail, tuple(relinked), trail_in
    )


def _trail_in(nodes: Sequence[CategoryNode], category_id: int) -> dict[str, tuple[str, ...]]:
    tree = CategoryTree(nodes)
    path = [tree.nodes[c.id] for c in tree.trail(category_id)]
    languages = sorted({language for node in path for language, _ in node.names})
    return {language: tuple(node.name_in(language) for node in path) for language in languages}


async def _name_category(
    uow: UnitOfWork, product: Product, language: str, text: str, actor: str, at: datetime
) -> ProductSheet:
    """``category_ru`` typed: the product's category named in a language, and those above it when a path
    is typed (``Одежда > Футболки``: its parent «Одежда», itself «Футболки»), as the products file's
    ``category_ru`` names them; audited on the product."""
    before = await _sheet(uow, product)
    if text.strip() == CLEAR:  # as a name's or options': the category's own name there goes, those above it stay
        named = {before.trail[-1]: ""} if before.trail else {}
    else:
        typed = category_path(text)
        if len(typed) > len(before.trail):
            raise CategoryPathTooLong(path=text.strip(), trail=" > ".join(before.trail))
        named = dict(zip(before.trail[-len(typed) :], typed, strict=True))
    await uow.products.translate_categories({name: {language: there} for name, there in named.items()})
    after = await _sheet(uow, product)
    old, new = (" > ".join(s.trail_in.get(language, ())) for s in (before, after))
    if old != new:
        await _record(uow, product, f"category_{language}", old, new, actor, at)
    return after


async def product_sheet(uow: UnitOfWork, *, staff_id: int, sku: str = "", product_id: int = 0) -> ProductSheet:
    """By SKU (typed: a malformed one is simply not found) or by id (a button). Staff see the
    database as it is, never the read cache: hidden and discontinued products included."""
    await _actor(uow, staff_id)
    async with uow:
        product = await _product(uow, sku=sku, product_id=product_id)
        return await _sheet(uow, product)


async def catalog_list(
    uow: UnitOfWork,
    *,
    staff_id: int,
    text: str = "",
    status: ProductStatus | None = None,
    category_id: int | None = None,
    page: int = 0,
    page_size: int = 20,
) -> CatalogPage:
    """What the web catalog admin lists: found by SKU, name or barcode, narrowed by status and category."""
    await _actor(uow, staff_id)
    async with uow:
        _, total = await uow.products.staff_list(text, status and status.value, category_id, 0, 0)
        pages = max((total + page_size - 1) // page_size, 1)
        page = min(max(page, 0), pages - 1)
        found, total = await uow.products.staff_list(
            text, status and status.value, category_id, page * page_size, page_size
        )
        return CatalogPage(found, total, page, pages)


async def _product(uow: UnitOfWork, *, sku: str = "", product_id: int = 0) -> Product:
    if not product_id:
        return await staff_product_by_sku(uow, sku)
    product = await uow.products.get(product_id)
    if product is None or product.id is None:
        raise NotFound()
    return product


async def _placed_category(uow: UnitOfWork, typed: str) -> tuple[str, list[CategoryMove]]:
    """The category a typed name or path puts a product in, as the products file places it
    (``domain.categories.plan_parents``): ``Clothing > T-shirts`` puts T-shirts inside
    Clothing, making the names that are new; a path that would put a category inside itself is
    refused. A name that differs from a stored one only in case is that one (``Spelling``).
    With the stored categories the path moved (Shirts, stored under Women, typed as
    ``Clothing > Men > Shirts``, goes under Men with everything in it): the manager is told."""
    stored = await uow.products.category_parents()
    path = Spelling(stored).path(typed)
    links, problems = plan_parents([(1, path)], stored)
    if problems:
        error = problems[0][1].error
        sentence = IN_CHAT.get(error.key)
        raise sentence(**error.params) if sentence else error
    await uow.products.link_categories(links)
    return leaf(path), moves(links, stored)


async def _record(
    uow: UnitOfWork, product: Product, field: str, before: object, after: object, actor: str, at: datetime
) -> None:
    assert product.id is not None
    await uow.products.record_changes([ProductChange(product.id, at, actor, field, shown(before), shown(after))])


async def edit_product(
    uow: UnitOfWork,
    clock: Clock,
    *,
    product_id: int,
    field: str,
    text: str,
    staff_id: int,
    languages: frozenset[str],
) -> ProductSheet:
    """Set one field from typed text, audited, in one transaction; bad input changes nothing."""
    actor = await _actor(uow, staff_id)
    async with uow:
        product = await _product(uow, product_id=product_id)
        if field.startswith("category_"):
            if (language := field.removeprefix("category_")) not in languages:
                raise NotALanguage(language=language)
            sheet = await _name_category(uow, product, language, text, actor, clock.now())
            await uow.commit()
            return sheet
        if field == "category":
            category, relinked = await _placed_category(uow, parse_category(text))
            moved = await _move_family(uow, product, category, actor, clock.now())
            sheet = await _sheet(uow, await _product(uow, product_id=product_id), moved, relinked)
            await uow.commit()
            return sheet
        if _shared(product, field) or field.startswith("options_"):
            # Before any write, as the other editors of a parent do: two managers editing two
            # variants at once each wrote their own row, then waited for the other's (deadlock
            # on PostgreSQL), or the second compared with a name the first had just replaced.
            await uow.products.lock_parent(product.parent_code)
            product = await _product(uow, product_id=product_id)  # as the last editor left it
        before = field_value(product, field)
        apply_text(product, field, text, languages=languages, base_currency=uow.base_currency)
        after = field_value(product, field)
        siblings: list[Product] = []
        if field.startswith("options_"):  # refused before any write: a value said as another one is
            siblings = await uow.products.variants(product.parent_code)
            check_words_apart(product, siblings, field.removeprefix("options_"))
        if field == "barcode" and product.barcode:
            owner = await uow.products.sku_with_barcode(product.barcode)
            if owner is not None and owner != product.sku:
                raise DuplicateBarcode(barcode=product.barcode, sku=owner)
        if shown(before) != shown(after):
            recosted = [product.id] if field == "cost" and product.id is not None else []
            memo = Memo.of(N_("{sku}: stock on hand at its new cost"), sku=product.sku)
            async with revaluing(uow, clock.now(), f"product:{product.sku}", memo, recosted):
                await uow.products.upsert(product)
                if field == "cost" and product.cost is None and product.id is not None:
                    await uow.products.clear_cost(product.id)
                await _cleared_price(uow, product, field)
            await _record(uow, product, field, before, after, actor, clock.now())
            if _shared(product, field):
                for sibling in await _sharing(uow, product, field, before):
                    apply_text(sibling, field, text, languages=languages, base_currency=uow.base_currency)
                    await uow.products.upsert(sibling)
                    await _cleared_price(uow, sibling, field)
                    await _record(uow, sibling, field, before, after, actor, clock.now())
            if field.startswith("options_"):
                await _options_alike(uow, product, siblings, field, actor, clock.now())
        sheet = await _sheet(uow, product)
        await uow.commit()
    return sheet


# The product's words, not the variant's: edited on one variant, they reach each sibling that
# read the same (a customer switching colours saw the name change language); a sibling with
# words of its own keeps them. A price is the parent row's for the variants without one of
# their own (as in the products file): set there, it reaches those that had the same price;
# set on another variant, it is that variant's own.
SHARED_TEXT = ("name", "description")


async def _options_alike(
    uow: UnitOfWork, product: Product, siblings: list[Product], field: str, actor: str, at: datetime
) -> None:
    """A variant's options given in a language: its translated siblings name them alike and say a value they
    share as it does (the card's buttons and line would say two things otherwise), each audited."""
    for sibling in siblings:
        words = (
            None if sibling.id == product.id else sibling_translated(product, sibling, field.removeprefix("options_"))
        )
        if words is not None:
            before = field_value(sibling, field)
            sibling.option_translations = words
            await uow.products.upsert(sibling)
            await _record(uow, sibling, field, before, field_value(sibling, field), actor, at)


async def _cleared_price(uow: UnitOfWork, product: Product, field: str) -> None:
    """A price in another currency removed with "-" (``upsert`` keeps prices it is not given)."""
    currency = field.removeprefix("price_")
    if field.startswith("price_") and currency not in product.prices and product.id is not None:
        await uow.products.clear_price(product.id, currency)


def _shared(product: Product, field: str) -> bool:
    return bool(product.option_names) and (
        field.startswith(SHARED_TEXT) or (field.startswith("price_") and product.sku == product.parent_code)
    )


async def _sharing(uow: UnitOfWork, product: Product, field: str, before: object) -> list[Product]:
    siblings = await uow.products.variants(product.parent_code)
    return [s for s in siblings if s.id != product.id and shown(field_value(s, field)) == shown(before)]


async def set_category(
    uow: UnitOfWork, clock: Clock, *, product_id: int, category_id: int, staff_id: int
) -> ProductSheet:
    """A category picked from the list: the whole family goes there (``_move_family``)."""
    actor = await _actor(uow, staff_id)
    async with uow:
        category = await uow.products.category(category_id)
        if category is None:
            raise NotFound()
        product = await _product(uow, product_id=product_id)
        moved = await _move_family(uow, product, category.name, actor, clock.now())
        sheet = await _sheet(uow, await _product(uow, product_id=product_id), moved)
        await uow.commit()
    return sheet


async def _move_family(uow: UnitOfWork, product: Product, category: str, actor: str, at: datetime) -> int:
    """The category is the product's, not one variant's: every variant of ``product``'s parent
    goes to ``category`` together, each row that changes audited; how many changed. Moving one
    size left the others behind, and browsing showed the family in two categories. A family
    found split (before this rule) is made whole by the next move."""
    await uow.products.lock_parent(product.parent_code)  # before reading: another editor's move is seen
    family = await uow.products.variants(product.parent_code)
    if not any(member.id == product.id for member in family):
        family.append(product)
    moving = [member for member in family if member.category != category]
    if moving:
        await uow.products.upsert_many([replace(member, category=category) for member in moving])
        await uow.products.record_changes(
            [ProductChange(m.id or 0, at, actor, "category", shown(m.category), shown(category)) for m in moving]
        )
    return len(moving)


async def set_status(
    uow: UnitOfWork, clock: Clock, *, product_id: int, status: ProductStatus, staff_id: int
) -> ProductSheet:
    """Active, hidden or discontinued, audited. A product put back on sale with stock tells
    those who asked to hear of it (its stock may have come back while it was off sale, when
    they were not told: ``notify_back_in_stock``)."""
    actor = await _actor(uow, staff_id)
    async with uow:
        product = await _product(uow, product_id=product_id)
        before = product.status
        if before is not status:
            product.status = status
            await uow.products.upsert(product)
            await _record(uow, product, "status", before, status, actor, clock.now())
            if product.orderable and (await available_by_product(uow, [product_id])).get(product_id, 0) > 0:
                await notify_back_in_stock(uow, [product_id], clock.now())
        sheet = await _sheet(uow, product)
        await uow.commit()
    return sheet


async def add_photo(uow: UnitOfWork, clock: Clock, *, product_id: int, file_id: str, staff_id: int) -> ProductSheet:
    """One more photo (the first becomes the cover); at most an album's worth."""
    actor = await _actor(uow, staff_id)
    async with uow:
        product = await _product(uow, product_id=product_id)
        before = product.photos
        if file_id not in before:
            if len(before) >= MAX_PHOTOS:
                raise TooManyPhotos(limit=MAX_PHOTOS)
            await uow.products.set_photos(product_id, (*before, file_id))
            await _record(uow, product, "photos", before, (*before, file_id), actor, clock.now())
        sheet = await _sheet(uow, await _product(uow, product_id=product_id))
        await uow.commit()
    return sheet


async def clear_photos(uow: UnitOfWork, clock: Clock, *, product_id: int, staff_id: int) -> ProductSheet:
    actor = await _actor(uow, staff_id)
    async with uow:
        product = await _product(uow, product_id=product_id)
        if product.photos:
            await uow.products.set_photos(product_id, ())
            await _record(uow, product, "photos", product.photos, (), actor, clock.now())
        sheet = await _sheet(uow, await _product(uow, product_id=product_id))
        await uow.commit()
    return sheet


async def product_history(uow: UnitOfWork, *, staff_id: int, product_id: int, page: int, page_size: int) -> HistoryPage:
    """The audit trail, newest first, a page at a time."""
    await _actor(uow, staff_id)
    async with uow:
        product = await _product(uow, product_id=product_id)
        _, total = await uow.products.changes(product_id, 0, 0)
        pages = max((total + page_size - 1) // page_size, 1)
        page = min(max(page, 0), pages - 1)
        changes, _ = await uow.products.changes(product_id, page * page_size, page_size)
        return HistoryPage(product, changes, page, pages, await staff_names(uow, {c.actor for c in changes}))


async def check_new_sku(uow: UnitOfWork, sku: str) -> str:
    """The first step of /newproduct: a valid SKU not yet in the catalog."""
    normalized = normalize_sku(sku)
    async with uow:
        if await uow.products.get_by_sku(normalized) is not None:
            raise SkuTaken(sku=normalized)
    return normalized


async def check_new_barcode(uow: UnitOfWork, typed: str) -> str | None:
    """A new product's typed barcode, not yet anyone's; ``-`` is none, as on the sheet."""
    barcode = parse_barcode(typed)
    if barcode is None:
        return None
    async with uow:
        owner = await uow.products.sku_with_barcode(barcode)
    if owner is not None:
        raise DuplicateBarcode(barcode=barcode, sku=owner)
    return barcode


async def create_product(uow: UnitOfWork, clock: Clock, *, draft: NewProduct, staff_id: int) -> ProductSheet:
    """The product /newproduct gathered, in one transaction (its SKU and barcode checked
    again: someone may have taken them meanwhile)."""
    assert draft.price is not None
    actor = await _actor(uow, staff_id)
    async with uow:
        if await uow.products.get_by_sku(draft.sku) is not None:
            raise SkuTaken(sku=draft.sku)
        if draft.barcode and (owner := await uow.products.sku_with_barcode(draft.barcode)) is not None:
            raise DuplicateBarcode(barcode=draft.barcode, sku=owner)
        category, relinked = await _placed_category(uow, draft.category)
        product = Product(draft.sku, draft.name, category, {draft.price.currency: draft.price}, barcode=draft.barcode)
        product.photo_file_id = draft.photo
        await uow.products.upsert(product)
        await _record(uow, product, "created", "", draft.sku, actor, clock.now())
        sheet = await _sheet(uow, product, relinked=relinked)
        await uow.commit()
    return sheet
