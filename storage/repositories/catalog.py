"""Products and their variants: read through the catalog the read cache keeps whole, and written."""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Hashable, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Executable, bindparam, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.catalog import Category, Product, ProductStatus
from domain.catalog_edits import ProductChange
from domain.categories import CategoryNode
from domain.search_words import SearchWords
from domain.variants import Sibling, parse_options
from storage import models as m
from storage.cache import ABSENT, SNAPSHOT_MAX_ROWS, CacheView, Since
from storage.repositories import catalog_bulk, catalog_history, catalog_search, catalog_snapshot, catalog_tree, changes
from storage.repositories.cached import SNAPSHOT_CHUNK, copier, fills
from storage.repositories.catalog_rows import price_map, product_of, products_of, with_prices
from storage.repositories.sql import _chunks, direct, fetch

_copied = copier(Product)  # what the read cache keeps and hands out shares nothing a caller changes


class SqlProducts:
    def __init__(self, session: AsyncSession, cache: CacheView | None = None) -> None:
        self.s = session
        self.cache = cache

    async def _in_order(self, ids: Sequence[int]) -> list[Product]:
        """Products by id, in the order given (the read cache serves them when it can)."""
        found = {p.id: p for p in await self.get_many(ids)}
        return [found[i] for i in ids if i in found]

    async def _translate(self, products: Sequence[Product], statement: Executable, params: dict[str, object]) -> None:
        """Fill in each product's names, descriptions and options in other languages."""
        by_id = {p.id: p for p in products}
        for row in await fetch(self.s, statement, params):
            product = by_id.get(row.product_id)
            if product is not None:
                if row.name:
                    product.names[row.language] = row.name
                if row.description:
                    product.descriptions[row.language] = row.description
                if row.options:
                    translated = (row.language, *parse_options(row.options))
                    # by language: rows come in no order, and a reload's product must equal a whole load's
                    product.option_translations = tuple(sorted((*product.option_translations, translated)))

    async def get(self, product_id: int) -> Product | None:
        if self.cache is not None:
            cached = self.cache.get("catalog", product_id)
            if cached is None and await self._load_catalog():
                cached = self.cache.get("catalog", product_id)
            if cached is ABSENT:
                return None
            if cached is not None:
                return _copied(cast(Product, cached))
        return self._cached(await self._one(_PRODUCT_BY_ID, {"id": product_id}))

    async def get_untranslated(self, product_id: int) -> Product | None:
        """From the database whatever the unit of work (a write decides on it), one statement."""
        rows = await fetch(self.s, _PRODUCT_BY_ID, {"id": product_id})
        return product_of(rows[0], rows[0].category, price_map(rows)) if rows else None

    async def get_by_sku(self, sku: str) -> Product | None:
        if self.cache is not None:
            product_id = self.cache.get("catalog", ("sku", sku))
            if product_id is None and await self._load_catalog():
                product_id = self.cache.get("catalog", ("sku", sku))
            if product_id is ABSENT:
                return None
            if product_id is not None:
                return await self.get(cast(int, product_id))
        return self._cached(await self._one(_PRODUCT_BY_SKU, {"sku": sku}))

    async def _one(self, statement: Executable, params: dict[str, object]) -> Product | None:
        """One product with its category and prices in one statement (one row per price)."""
        rows = await fetch(self.s, statement, params)
        if not rows:
            return None
        product = product_of(rows[0], rows[0].category, price_map(rows))
        await self._translate([product], _TRANSLATIONS_OF, {"ids": [product.id]})
        return product

    async def _load_catalog(self) -> bool:
        """Load the whole catalog into the read cache when it is due (``storage.cache``):
        product cards are the hottest read there is, and customers browse all of it. After
        the first load, only the products changed since are read and built."""
        assert self.cache is not None
        if not self.cache.wants_snapshot("catalog"):
            return False
        try:
            since = self.cache.snapshot_since("catalog")
            marker = await changes.marker(self.s)  # before anything is read
            count = await self.s.scalar(_CATALOG_SIZE) or 0
            if count > SNAPSHOT_MAX_ROWS:
                self.cache.snapshot_done("catalog", None)
                return False
            if since is not None and marker is not None and marker >= since.marker:
                changed = await self._changed_since(since, count)
                if changed is not None:
                    self.cache.snapshot_patched("catalog", changed, marker=marker, size=count)
                    return True
            products = await self._all_products()
            snapshot = catalog_snapshot.whole(products)
        except BaseException:
            self.cache.snapshot_abandoned("catalog")
            raise
        self.cache.snapshot_done("catalog", snapshot, marker=marker, size=len(products))
        return True

    async def _all_products(self) -> list[Product]:
        rows = await fetch(self.s, _CATALOG)
        products: list[Product] = []
        # Building is the cost (~0.1 s for 10,000 products, 4× that with 4 variants each):
        # let other updates run between chunks rather than wait for the whole catalog.
        # Equal values are kept once (a variant repeats its parent's name, option names and code;
        # every product of a category its name; prices their amounts): 40,000 rows of 10,000 ×
        # 4 variants hold the same strings and tuples tens of thousands of times over otherwise.
        shared: dict[Any, Any] = {}
        for built, product in enumerate(products_of(rows, shared), 1):
            products.append(product)
            if built % SNAPSHOT_CHUNK == 0:
                await asyncio.sleep(0)
        await self._translate(products, _ALL_TRANSLATIONS, {})
        return products

    async def _changed_since(self, since: Since, count: int) -> dict[Hashable, Any] | None:
        """The snapshot's entries that changed since the last load (``catalog_snapshot.changes``):
        the products changed since (or written by this process since) read and built again, and
        what derives from them. None when products were deleted meanwhile (or the last load's
        count is unknown): the caller then reads the catalog whole."""
        if since.size is None:
            return None
        rows = list(await fetch(self.s, _CHANGED_PRODUCTS, {"since": since.marker}))
        stale = sorted(key for key in since.stale if type(key) is int)
        for chunk in _chunks(stale):
            rows += await fetch(self.s, _PRODUCTS_BY_ID, {"ids": chunk})
        fresh: dict[int, Product] = {cast(int, p.id): p for p in products_of(rows)}
        for built in _chunks(list(fresh.values())):
            await self._translate(built, _TRANSLATIONS_OF, {"ids": [p.id for p in built]})
        gone = {pid for pid in stale if pid not in fresh and pid in since.rows}
        added = sum(pid not in since.rows for pid in fresh)
        if since.size + added - len(gone) != count:
            return None
        return catalog_snapshot.changes(since.rows, fresh, gone)

    def _cached(self, product: Product | None) -> Product | None:
        if self.cache is not None and product is not None:
            self.cache.put("catalog", product.id, _copied(product))
            self.cache.put("catalog", ("sku", product.sku), product.id)
        return product

    async def variants(self, parent_code: str) -> list[Product]:
        """Every variant of a parent (active or not), in catalog order."""
        if self.cache is not None:
            ids = self.cache.get("catalog", ("parent", parent_code))
            if ids is None and await self._load_catalog():
                ids = self.cache.get("catalog", ("parent", parent_code))
            if ids is ABSENT:
                return []
            if ids is not None:
                return await self._in_order(cast(tuple[int, ...], ids))
        products = list(products_of(await fetch(self.s, _VARIANTS, {"code": parent_code})))
        if products:
            await self._translate(products, _TRANSLATIONS_OF, {"ids": [p.id for p in products]})
        for product in products:
            self._cached(product)
        if self.cache is not None:
            self.cache.put("catalog", ("parent", parent_code), tuple(p.id for p in products))
        return products

    async def siblings(self, parent_code: str) -> list[Sibling]:
        """From the snapshot's ``("family", parent_code)`` entry while none of its products was
        written since the load (``unchanged``), else from the cached products themselves (no
        copy is handed out: a ``Sibling`` is frozen and holds only immutable values), the
        database when they are not cached.

        Every variant's card asks for this. The family entry is each variant's (id, options,
        listed, orderable, translated values, translated names and descriptions, whether it is the
        parent) in catalog order, made by the load from the rows it read; reading it touches one
        entry instead of each variant's cached product and its entry,
        which with a big catalog are far apart in memory (~13 → ~6 µs a card, 10,000 products × 4
        variants). It is tuples of numbers, strings and booleans only, which the garbage collector stops
        tracking within their first few collections: 40,000 of them then cost no collection a
        scan (``tests/storage/test_sqlite_and_cache.py``)."""
        if self.cache is not None:
            family = self.cache.get("catalog", ("family", parent_code))
            # ``unchanged`` reads the ids only when some row was written since the load
            if type(family) is tuple and self.cache.unchanged("catalog", (member[0] for member in family)):
                return [_as_sibling(Sibling, member) for member in family if member[0]]
            ids = self.cache.get("catalog", ("parent", parent_code))
            if ids is not None and ids is not ABSENT:
                cached = self.cache.get_many("catalog", cast(tuple[int, ...], ids))
                if all(p is not None and p is not ABSENT for p in cached):
                    return [
                        _as_sibling(Sibling, catalog_snapshot.member(p)) for p in cast(list[Product], cached) if p.id
                    ]
        return [
            _as_sibling(Sibling, catalog_snapshot.member(p))
            for p in await self.variants(parent_code)
            if p.id is not None
        ]

    async def variants_of(self, parent_codes: Sequence[str]) -> dict[str, list[Product]]:
        """The variants of many parents at once (an import checks every parent it touches)."""
        found: dict[str, list[Product]] = {}
        for chunk in _chunks(sorted(set(parent_codes))):
            for product in products_of(await fetch(self.s, _VARIANTS_OF, {"codes": chunk})):
                found.setdefault(product.parent_code, []).append(product)
        return found

    async def variant_skus_of(self, parent_codes: Sequence[str]) -> dict[str, dict[str, int]]:
        found: dict[str, dict[str, int]] = {}
        for chunk in _chunks(sorted(set(parent_codes))):
            for row in await fetch(self.s, _VARIANT_SKUS_OF, {"codes": list(chunk)}):
                found.setdefault(row.code, {})[row.sku] = row.id
        return found

    async def lock_parent(self, parent_code: str) -> None:
        """A row lock on the parent on PostgreSQL (the next editor then reads this one's
        variant, committed); SQLite's write transactions are serial already."""
        group = m.ProductGroupRow
        await self.s.execute(select(group.id).where(group.code == parent_code).with_for_update())

    async def ids_by_sku(self, skus: Sequence[str]) -> dict[str, int]:
        """A query per chunk of SKUs: a products or stock file names more than PostgreSQL
        takes parameters in one statement (asyncpg: 32,767)."""
        found: dict[str, int] = {}
        for chunk in _chunks(sorted(set(skus))):
            found.update({row.sku: row.id for row in await fetch(self.s, _IDS_BY_SKU, {"skus": list(chunk)})})
        return found

    async def sku_page(self, *, after: int, limit: int) -> list[tuple[int, str]]:
        rows = await fetch(self.s, _SKU_PAGE, {"after": after, "limit": limit})
        return [(row.id, row.sku) for row in rows]

    async def upsert(self, product: Product) -> Product:
        await self.upsert_many([product])
        return product

    async def upsert_many(self, products: Sequence[Product]) -> None:
        """Insert or update by SKU in a handful of statements, however many products
        (``storage.repositories.catalog_bulk``)."""
        categories = await catalog_tree.ids_of(self.s, {p.category for p in products})
        await catalog_bulk.upsert_products(self.s, products, categories)

    async def get_many(self, product_ids: Sequence[int], *, fresh: bool = False) -> list[Product]:
        """The cached ones from the read cache (read-only work), the rest in a query per chunk
        of ids (a whole catalog's ids would pass PostgreSQL's limit of parameters). ``fresh``:
        all from the database, as another process may have changed them within the cache's
        time-to-live (what a customer is about to pay for)."""
        found: list[Product] = []
        missing = list(product_ids)
        if self.cache is not None and missing and not fresh:
            if any(self.cache.get("catalog", pid) is None for pid in missing):
                await self._load_catalog()
            hits = {pid: self.cache.get("catalog", pid) for pid in missing}
            found = [_copied(cast(Product, hit)) for hit in hits.values() if hit is not None and hit is not ABSENT]
            missing = [pid for pid, hit in hits.items() if hit is None]
        for chunk in _chunks(missing):
            rows = await fetch(self.s, _PRODUCTS_BY_ID, {"ids": chunk})
            products = list(products_of(rows))
            if products:
                await self._translate(products, _TRANSLATIONS_OF, {"ids": [p.id for p in products]})
            found += [cast(Product, self._cached(product)) for product in products]
        return found

    async def placements(self, product_ids: Sequence[int]) -> dict[int, tuple[int | None, str]]:
        p, g = m.ProductRow, m.ProductGroupRow  # not the read cache: it would load the catalogue whole
        found: dict[int, tuple[int | None, str]] = {}
        for chunk in _chunks(sorted(set(product_ids))):
            rows = await self.s.execute(
                select(p.id, p.category_id, g.code).join(g, g.id == p.group_id).where(p.id.in_(chunk))
            )
            found.update({row.id: (row.category_id, row.code) for row in rows})
        return found

    async def search(self, text: str, offset: int, limit: int, *, word_forms: bool = True) -> tuple[list[Product], int]:
        """Exact SKU or barcode (the variant itself, first), or a case-insensitive substring
        of the name in any language (one hit per parent: its first matching variant), then
        (``word_forms``) each word by its stem. Hidden products are not found. Read-only work
        keeps the first pages per text (``storage.repositories.catalog_search``)."""
        found = catalog_search.matching(self.s, self.cache, text.strip(), offset, limit, word_forms=word_forms)
        ids, total = await found
        return await self._in_order(ids), total

    async def search_words(self) -> SearchWords:
        return await catalog_search.words(self.s, self.cache)

    async def staff_list(
        self, text: str, status: str | None, category_id: int | None, offset: int, limit: int
    ) -> tuple[list[Product], int]:
        p = m.ProductRow
        where: list[ColumnElement[bool]] = []
        if needle := text.strip():
            where.append(catalog_search.staff_match(needle, await catalog_search.has_table(self.s)))
        if status is not None:
            where.append(p.status == status)
        if category_id is not None:  # and every category inside it, as the storefront's page leads to them
            c = m.CategoryRow
            tree = select(c.id).where(c.id == category_id).cte("inside", recursive=True)
            tree = tree.union(select(c.id).join(tree, c.parent_id == tree.c.id))
            where.append(p.category_id.in_(select(tree.c.id)))
        total = await self.s.scalar(select(func.count()).select_from(p).where(*where)) or 0
        ids = (await self.s.scalars(select(p.id).where(*where).order_by(p.sku).offset(offset).limit(limit))).all()
        return await self._in_order(ids), total

    async def first_active_sku(self) -> str | None:
        p = m.ProductRow  # one row by the SKU index: /help reads it, so no count of the catalog
        return await self.s.scalar(select(p.sku).where(p.status == ProductStatus.ACTIVE.value).order_by(p.sku).limit(1))

    async def first_sku_in_stock(self, least: int) -> str | None:
        p, s = m.ProductRow, m.StockRow  # by the SKU index, each product's counters by their key, to the first found
        stocked = select(s.product_id).where(s.product_id == p.id, s.on_hand - s.reserved >= least).exists()
        active = p.status == ProductStatus.ACTIVE.value
        return await self.s.scalar(select(p.sku).where(active, stocked).order_by(p.sku).limit(1))

    async def sku_with_barcode(self, barcode: str) -> str | None:
        return await self.s.scalar(select(m.ProductRow.sku).where(m.ProductRow.barcode == barcode).limit(1))

    async def skus_with_barcodes(self, barcodes: Sequence[str]) -> dict[str, str]:
        """A query per chunk, as ``ids_by_sku``: a products file names more barcodes than
        PostgreSQL takes parameters in one statement."""
        found: dict[str, str] = {}
        for chunk in _chunks(sorted(set(barcodes))):
            rows = await fetch(self.s, _SKUS_BY_BARCODE, {"barcodes": list(chunk)})
            found.update({row.barcode: row.sku for row in rows})
        return found

    async def set_photos(self, product_id: int, photos: Sequence[str]) -> None:
        row = await self.s.get(m.ProductRow, product_id)
        if row is not None:
            row.photo_file_id = photos[0] if photos else None
            row.more_photos = "\n".join(photos[1:])
            await self.s.flush()

    async def clear_price(self, product_id: int, currency: str) -> None:
        price = m.ProductPriceRow
        await self.s.execute(delete(price).where(price.product_id == product_id, price.currency == currency))

    async def clear_cost(self, product_id: int) -> None:
        row = await self.s.get(m.ProductRow, product_id)
        if row is not None:
            row.cost_minor = row.cost_currency = None
            await self.s.flush()

    async def record_changes(self, changes: Sequence[ProductChange]) -> None:
        await catalog_history.record(self.s, changes)

    async def changes(self, product_id: int, offset: int, limit: int) -> tuple[list[ProductChange], int]:
        return await catalog_history.page(self.s, product_id, offset, limit)

    async def first_price_changes(self, after: Collection[tuple[int, datetime]], currency: str) -> list[ProductChange]:
        return await catalog_history.first_price_changes(self.s, after, currency)

    # The category tree (``storage.repositories.catalog_tree``)
    async def categories(self) -> list[Category]:
        return await catalog_tree.categories(self.s)

    async def category(self, category_id: int) -> Category | None:
        return await catalog_tree.category(self.s, category_id)

    async def category_nodes(self) -> list[CategoryNode]:
        return await catalog_tree.nodes(self.s, self.cache)

    async def category_parents(self) -> dict[str, str | None]:
        return await catalog_tree.parents(self.s)

    async def link_categories(self, links: Mapping[str, str]) -> None:
        await catalog_tree.link(self.s, links)

    async def translate_categories(self, names: Mapping[str, Mapping[str, str]]) -> None:
        await catalog_tree.translate(self.s, names)

    async def in_category(
        self, category_id: int, offset: int, limit: int, after: int = 0, before: int = 0
    ) -> list[Product]:
        """A page of a category's own active products by name (``catalog_tree.page``); the
        products themselves come through the read cache."""
        ids = await catalog_tree.page(self.s, self.cache, category_id, offset, limit, after, before)
        found = {p.id: p for p in await self.get_many(ids)}
        return [found[i] for i in ids if i in found]

    async def listing(self, category_id: int) -> tuple[int, ...]:
        return await catalog_tree.listing(self.s, self.cache, category_id)


# What the catalog section is filled from: whole (a count, then every product) or product by product.
# A family entry's member as a ``Sibling``: ``tuple.__new__`` itself, where ``Sibling._make``
# adds a Python call and a length check per variant (each member is the seven fields the load
# wrote, ``catalog_snapshot``), four of them on every variant's card.
_as_sibling = tuple.__new__
_CATALOG_SIZE = fills("catalog", select(func.count()).select_from(m.ProductRow))
_CATALOG = fills("catalog", with_prices().order_by(m.ProductRow.id))
_PRODUCT_BY_ID = direct(fills("catalog", with_prices().where(m.ProductRow.id == bindparam("id"))))
_PRODUCT_BY_SKU = fills("catalog", with_prices().where(m.ProductRow.sku == bindparam("sku")))
_CHANGED_PRODUCTS = fills(
    "catalog",
    with_prices().where(m.ProductRow.change_seq >= bindparam("since")).order_by(m.ProductRow.id),
)
_IDS_BY_SKU = select(m.ProductRow.sku, m.ProductRow.id).where(m.ProductRow.sku.in_(bindparam("skus", expanding=True)))
# By the primary key: a page is a range of its index, however far the cursor is.
_SKU_PAGE = (
    select(m.ProductRow.id, m.ProductRow.sku)
    .where(m.ProductRow.id > bindparam("after"))
    .order_by(m.ProductRow.id)
    .limit(bindparam("limit"))
)
_SKUS_BY_BARCODE = select(m.ProductRow.barcode, m.ProductRow.sku).where(
    m.ProductRow.barcode.in_(bindparam("barcodes", expanding=True))
)
_PRODUCTS_BY_ID = fills(
    "catalog",
    with_prices().where(m.ProductRow.id.in_(bindparam("ids", expanding=True))).order_by(m.ProductRow.id),
)
_VARIANTS = fills(
    "catalog",
    with_prices().where(m.ProductGroupRow.code == bindparam("code")).order_by(m.ProductRow.id),
)
_VARIANTS_OF = fills(
    "catalog",
    with_prices().where(m.ProductGroupRow.code.in_(bindparam("codes", expanding=True))).order_by(m.ProductRow.id),
)
_VARIANT_SKUS_OF = (
    select(m.ProductGroupRow.code, m.ProductRow.sku, m.ProductRow.id)
    .join(m.ProductGroupRow, m.ProductRow.group_id == m.ProductGroupRow.id)
    .where(m.ProductGroupRow.code.in_(bindparam("codes", expanding=True)))
)
_TRANSLATION_COLUMNS = (
    m.ProductTranslationRow.product_id,
    m.ProductTranslationRow.language,
    m.ProductTranslationRow.name,
    m.ProductTranslationRow.description,
    m.ProductTranslationRow.options,
)
_ALL_TRANSLATIONS = fills("catalog", select(*_TRANSLATION_COLUMNS))
_TRANSLATIONS_OF = fills(
    "catalog",
    select(*_TRANSLATION_COLUMNS).where(m.ProductTranslationRow.product_id.in_(bindparam("ids", expanding=True))),
)
