"""Products, their prices and categories; the catalog the read cache keeps whole."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Collection, Hashable, Iterator, Mapping, Sequence
from datetime import datetime
from itertools import groupby
from typing import Any, cast

from sqlalchemy import ColumnElement, Executable, Select, bindparam, delete, exists, func, insert, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.catalog import Category, Dimensions, Product, ProductStatus
from domain.catalog_edits import ProductChange
from domain.categories import CategoryNode
from domain.money import Money
from domain.variants import Sibling
from storage import models as m
from storage.cache import ABSENT, SNAPSHOT_MAX_ROWS, CacheView, Since
from storage.repositories import catalog_bulk, catalog_search, catalog_snapshot, changes
from storage.repositories.cached import SNAPSHOT_CHUNK, copier, fills
from storage.repositories.sql import _chunks, direct, fetch, run_many

_copied = copier(Product)  # what the read cache keeps and hands out shares nothing a caller changes


def _same(value: Any, _default: Any) -> Any:
    """``dict.setdefault``'s shape, keeping nothing: ``value`` itself."""
    return value


# The first change of one field of each product asked after one time: one row a product, however
# often it changed since (the database ranks them on the (product_id, at) index).
_C = m.ProductChangeRow
_RANKED = (
    select(_C.id, func.row_number().over(partition_by=_C.product_id, order_by=(_C.at, _C.id)).label("n"))
    .where(
        _C.product_id.in_(bindparam("ids", expanding=True)), _C.field == bindparam("field"), _C.at > bindparam("since")
    )
    .subquery()
)
_FIRST_CHANGES = select(_C).join(_RANKED, _RANKED.c.id == _C.id).where(_RANKED.c.n == 1)


class SqlProducts:
    def __init__(self, session: AsyncSession, cache: CacheView | None = None) -> None:
        self.s = session
        self.cache = cache

    @staticmethod
    def _to_domain(
        row: Any, category: str, prices: dict[str, Money], shared: dict[Any, Any] | None = None
    ) -> Product:  # a ``_with_prices`` row
        """``shared``: equal values met before in the same load (``_all_products``), to keep instead."""
        one = _same if shared is None else shared.setdefault
        dims = (row.length_mm, row.width_mm, row.height_mm)
        option_names = tuple(n for n in (row.option1_name, row.option2_name, row.option3_name) if n)
        names = one(option_names, option_names)
        options = (row.option1, row.option2, row.option3)[: len(names)]
        return Product(
            sku=row.sku,
            name=one(row.name, row.name),
            category=one(category, category),
            category_id=row.category_id,
            prices=prices,
            barcode=row.barcode,
            description=row.description,
            weight_g=row.weight_g,
            dimensions=Dimensions(*dims) if all(d is not None for d in dims) else None,
            photo_file_id=row.photo_file_id,
            cost=Money(row.cost_minor, row.cost_currency) if row.cost_currency else None,
            status=ProductStatus(row.status),
            id=row.id,
            parent="" if row.parent_code == row.sku else one(row.parent_code, row.parent_code),
            option_names=names,
            options=one(options, options),
            more_photos=tuple(row.more_photos.split()),
        )

    async def _in_order(self, ids: Sequence[int]) -> list[Product]:
        """Products by id, in the order given (the read cache serves them when it can)."""
        found = {p.id: p for p in await self.get_many(ids)}
        return [found[i] for i in ids if i in found]

    async def _translate(self, products: Sequence[Product], statement: Executable, params: dict[str, object]) -> None:
        """Fill in each product's names and descriptions in other languages."""
        by_id = {p.id: p for p in products}
        for row in await fetch(self.s, statement, params):
            product = by_id.get(row.product_id)
            if product is not None:
                if row.name:
                    product.names[row.language] = row.name
                if row.description:
                    product.descriptions[row.language] = row.description

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
        return self._to_domain(rows[0], rows[0].category, self._price_map(rows)) if rows else None

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
        product = self._to_domain(rows[0], rows[0].category, self._price_map(rows))
        await self._translate([product], _TRANSLATIONS_OF, {"ids": [product.id]})
        return product

    @staticmethod
    def _with_prices() -> Select[Any]:
        p, c, pp = m.ProductRow.__table__.c, m.CategoryRow.__table__.c, m.ProductPriceRow.__table__.c
        g = m.ProductGroupRow.__table__.c
        return select(
            *p,
            c.name.label("category"),
            g.code.label("parent_code"),
            g.option1_name,
            g.option2_name,
            g.option3_name,
            pp.currency,
            pp.amount_minor,
        ).select_from(
            m.ProductRow.__table__.join(m.CategoryRow.__table__, c.id == p.category_id)
            .join(m.ProductGroupRow.__table__, g.id == p.group_id)
            .outerjoin(m.ProductPriceRow.__table__, pp.product_id == p.id)
        )

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
        for built, product in enumerate(self._products_of(rows, shared), 1):
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
        fresh: dict[int, Product] = {cast(int, p.id): p for p in self._products_of(rows)}
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
        products = list(self._products_of(await fetch(self.s, _VARIANTS, {"code": parent_code})))
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
        listed, orderable) in catalog order, made by the load from the rows it read; reading it
        touches one entry instead of each variant's cached product and its entry, which with a big
        catalog are far apart in memory (~13 → ~6 µs a card, 10,000 products × 4 variants).
        It is tuples of numbers, strings and booleans only, which the garbage collector stops
        tracking within their first few collections: 40,000 of them then cost no collection a
        scan (``tests/storage/test_sqlite_and_cache.py``)."""
        if self.cache is not None:
            family = self.cache.get("catalog", ("family", parent_code))
            # ``unchanged`` reads the ids only when some row was written since the load
            if type(family) is tuple and self.cache.unchanged("catalog", (member[0] for member in family)):
                return [Sibling._make(member) for member in family if member[0]]
            ids = self.cache.get("catalog", ("parent", parent_code))
            if ids is not None and ids is not ABSENT:
                cached = self.cache.get_many("catalog", cast(tuple[int, ...], ids))
                if all(p is not None and p is not ABSENT for p in cached):
                    return [
                        Sibling(p.id, p.options, p.listed, p.orderable) for p in cast(list[Product], cached) if p.id
                    ]
        return [
            Sibling(p.id, p.options, p.listed, p.orderable)
            for p in await self.variants(parent_code)
            if p.id is not None
        ]

    async def variants_of(self, parent_codes: Sequence[str]) -> dict[str, list[Product]]:
        """The variants of many parents at once (an import checks every parent it touches)."""
        found: dict[str, list[Product]] = {}
        for chunk in _chunks(sorted(set(parent_codes))):
            for product in self._products_of(await fetch(self.s, _VARIANTS_OF, {"codes": chunk})):
                found.setdefault(product.parent_code, []).append(product)
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

    async def upsert(self, product: Product) -> Product:
        await self.upsert_many([product])
        return product

    async def upsert_many(self, products: Sequence[Product]) -> None:
        """Insert or update by SKU in a handful of statements, however many products
        (``storage.repositories.catalog_bulk``)."""
        categories = await self._category_ids({p.category for p in products})
        await catalog_bulk.upsert_products(self.s, products, categories)

    async def _category_ids(self, names: set[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for chunk in _chunks(sorted(names)):
            found.update({row.name: row.id for row in await fetch(self.s, _CATEGORIES_BY_NAME, {"names": list(chunk)})})
        missing = [m.CategoryRow(name=name) for name in sorted(names - found.keys())]
        if missing:
            self.s.add_all(missing)
            await self.s.flush()
            found.update({row.name: row.id for row in missing})
        return found

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
            products = list(self._products_of(rows))
            if products:
                await self._translate(products, _TRANSLATIONS_OF, {"ids": [p.id for p in products]})
            found += [cast(Product, self._cached(product)) for product in products]
        return found

    @classmethod
    def _products_of(cls, rows: Sequence[Any], shared: dict[Any, Any] | None = None) -> Iterator[Product]:
        """Products from ``_with_prices`` rows ordered by product: one row per price."""
        for _, group in groupby(rows, key=lambda r: r.id):
            lines = list(group)
            yield cls._to_domain(lines[0], lines[0].category, cls._price_map(lines, shared), shared)

    @staticmethod
    def _price_map(rows: Sequence[Any], shared: dict[Any, Any] | None = None) -> dict[str, Money]:
        one = _same if shared is None else shared.setdefault
        prices: dict[str, Money] = {}
        for r in rows:
            if r.currency is not None:
                price = Money(r.amount_minor, r.currency)
                prices[r.currency] = one(price, price)
        return prices

    async def search(self, text: str, offset: int, limit: int) -> tuple[list[Product], int]:
        """Exact SKU or barcode (the variant itself, first), or a case-insensitive substring
        of the name in any language (one hit per parent: its first matching variant). Hidden
        products are not found. Read-only work keeps the first pages per text
        (``storage.repositories.catalog_search``)."""
        ids, total = await catalog_search.matching(self.s, self.cache, text.strip(), offset, limit)
        return await self._in_order(ids), total

    async def staff_list(
        self, text: str, status: str | None, category_id: int | None, offset: int, limit: int
    ) -> tuple[list[Product], int]:
        p, t = m.ProductRow, m.ProductTranslationRow
        where: list[ColumnElement[bool]] = []
        needle = text.strip()
        if needle:
            pattern = catalog_search.pattern_of(needle)  # "елка" finds "Ёлка", as a customer's search does
            where.append(
                func.lower(p.sku).like(pattern, escape="\\")
                | catalog_search.folded(p.name).like(pattern, escape="\\")
                | (p.barcode == needle)
                | p.id.in_(  # its name in another language, as a customer's search finds it
                    select(t.product_id).where(catalog_search.folded(t.name).like(pattern, escape="\\"))
                )
            )
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
        """One INSERT for them all: a products file changing 100,000 prices audits each."""
        fields = ("product_id", "at", "actor", "field", "before", "after")
        rows = [{name: getattr(c, name) for name in fields} for c in changes]
        await run_many(self.s, insert(m.ProductChangeRow), rows)

    async def changes(self, product_id: int, offset: int, limit: int) -> tuple[list[ProductChange], int]:
        c = m.ProductChangeRow
        total = await self.s.scalar(select(func.count()).select_from(c).where(c.product_id == product_id)) or 0
        if limit <= 0:
            return [], total
        rows = await self.s.scalars(
            select(c).where(c.product_id == product_id).order_by(c.at.desc(), c.id.desc()).offset(offset).limit(limit)
        )
        return [ProductChange(r.product_id, r.at, r.actor, r.field, r.before, r.after) for r in rows], total

    async def first_price_changes(self, after: Collection[tuple[int, datetime]], currency: str) -> list[ProductChange]:
        # One row a pair: reading every change since the oldest pause grew with the history and
        # with how often a file reprices. The pairs come in few times (pauses begin on Mondays).
        times: dict[datetime, set[int]] = defaultdict(set)
        for product_id, at in after:
            times[at].add(product_id)
        found: dict[int, ProductChange] = {}
        for at, product_ids in sorted(times.items()):
            for chunk in _chunks(sorted(product_ids)):
                params = {"ids": list(chunk), "field": f"price_{currency}", "since": at}
                for r in await self.s.scalars(_FIRST_CHANGES, params):
                    found[r.id] = ProductChange(r.product_id, r.at, r.actor, r.field, r.before, r.after)
        return [found[i] for i in sorted(found, key=lambda i: (found[i].product_id, found[i].at, i))]

    async def categories(self) -> list[Category]:
        """Each with how many products (parents, however many variants) it shows."""
        c, p = m.CategoryRow, m.ProductRow
        rows = await self.s.execute(
            select(c.id, c.name, func.count(func.distinct(p.group_id)))
            .join(p, p.category_id == c.id)
            .where(_SHOWN)
            .group_by(c.id, c.name)
            .order_by(c.name)
        )
        return [Category(cid, name, n) for cid, name, n in rows]

    async def category(self, category_id: int) -> Category | None:
        row = await self.s.get(m.CategoryRow, category_id)
        return Category(row.id, row.name, 0) if row else None

    async def category_nodes(self) -> list[CategoryNode]:
        """Every category with its parent and its own active products: one grouped read of
        the products index, the tree and its counts are built from it (``domain.categories``).
        Every catalog screen needs it, so read-only work keeps it in the read cache; any write
        to products or categories clears it (``CLEARED_WHOLE``)."""
        if self.cache is not None and (cached := self.cache.get("tree", "nodes")) is not None:
            return list(cast(tuple[CategoryNode, ...], cached))  # CategoryNode is frozen
        own: dict[int, int] = {cid: n for cid, n in await self.s.execute(_OWN_COUNTS)}
        rows = await self.s.execute(_CATEGORIES)
        nodes = [CategoryNode(cid, name, parent, own.get(cid, 0)) for cid, name, parent in rows]
        if self.cache is not None:
            self.cache.put("tree", "nodes", tuple(nodes))
        return nodes

    async def category_parents(self) -> dict[str, str | None]:
        c, parent = m.CategoryRow.__table__.c, m.CategoryRow.__table__.alias("parent")
        rows = await self.s.execute(select(c.name, parent.c.name).outerjoin(parent, parent.c.id == c.parent_id))
        return {name: parent_name for name, parent_name in rows}

    async def link_categories(self, links: Mapping[str, str]) -> None:
        """Put each category (child → parent, by name) inside its parent, creating the ones
        that do not exist yet as top categories first."""
        if not links:
            return
        ids = await self._category_ids({*links, *links.values()})
        rows: dict[int, m.CategoryRow] = {}
        for chunk in _chunks(sorted(set(ids.values()))):
            rows.update({row.id: row for row in await self.s.scalars(_CATEGORY_ROWS, {"ids": list(chunk)})})
        for child, parent in links.items():
            rows[ids[child]].parent_id = ids[parent]
        await self.s.flush()

    async def in_category(
        self, category_id: int, offset: int, limit: int, after: int = 0, before: int = 0
    ) -> list[Product]:
        """A page of a category's own active products by name. The ids come from the index
        alone (``ix_products_category_page``); next to a page already shown (``after`` its
        last product, ``before`` its first) the page starts at that product in the index
        (keyset), so page 10,000 costs what page 2 does. A product no longer in the category
        falls back to ``offset``. The products themselves come through the read cache; so
        does the category's list of ids in read-only work (``listing``)."""
        if self.cache is not None:
            ids = _page_of(await self.listing(category_id), offset, limit, after, before)
        else:
            ids = await self._page_ids(category_id, offset, limit, after, before)
        found = {p.id: p for p in await self.get_many(ids)}
        return [found[i] for i in ids if i in found]

    async def _page_ids(self, category_id: int, offset: int, limit: int, after: int, before: int) -> list[int]:
        params: dict[str, object] = {"category_id": category_id, "limit": limit}
        name = await self.s.scalar(_BOUNDARY, {**params, "id": after or before}) if after or before else None
        if name is None:
            return list(await self.s.scalars(_PAGE_IDS, {**params, "offset": offset}))
        if after:
            return list(await self.s.scalars(_PAGE_AFTER, {**params, "name": name, "id": after}))
        return list(await self.s.scalars(_PAGE_BEFORE, {**params, "name": name, "id": before}))[::-1]

    async def listing(self, category_id: int) -> tuple[int, ...]:
        """Every product a category lists, in its pages' order (by name, then id), kept in the
        read cache's section ``tree`` beside the counts its pages are numbered by. The rule:
        a category press read ~1 ms of the products index (the most expensive statement
        while browsing a 10,000-product shop); any committed write to products or categories
        clears the section whole (``CLEARED_WHOLE``), so this process sees its own changes
        at once, another process's within the catalog's minute; the database orders the ids,
        so a page is exactly what the keyset reads give (``_page_of``). A shop's listings
        hold each product once: its size is the catalog's ids."""
        if self.cache is not None and (kept := self.cache.get("tree", ("listing", category_id))) is not None:
            return cast(tuple[int, ...], kept)
        ids = tuple(await self.s.scalars(_LISTING, {"category_id": category_id}))
        if self.cache is not None:
            self.cache.put("tree", ("listing", category_id), ids)
        return ids


def _page_of(ids: Sequence[int], offset: int, limit: int, after: int, before: int) -> list[int]:
    """What ``_page_ids`` reads, from the category's whole ordered list: the ``limit`` ids
    after ``after`` or before ``before`` when it is listed, else from ``offset``."""
    boundary = after or before
    if boundary and boundary in ids:
        at = ids.index(boundary)
        return list(ids[at + 1 : at + 1 + limit] if after else ids[max(at - limit, 0) : at])
    return list(ids[offset : offset + limit])


_HIDDEN = ProductStatus.HIDDEN.value
_SHOWN = m.ProductRow.status != _HIDDEN  # customers see it listed and found (a discontinued one says so)
_P = m.ProductRow
_SIBLING = aliased(m.ProductRow)
# A parent is listed once, as its first shown variant (the card then offers the others): a row
# is listed when no active sibling has a lower id — one lookup in the group_id index per row.
_FIRST_OF_PARENT = ~exists().where(_SIBLING.group_id == _P.group_id, _SIBLING.status != _HIDDEN, _SIBLING.id < _P.id)
# A category counts what it lists: a variant filed elsewhere than its parent's first (a CSV
# row's own category, or one moved in /product) is not counted where it is not listed.
_OWN_COUNTS = fills(
    "tree",
    select(_P.category_id, func.count()).where(_SHOWN, _FIRST_OF_PARENT).group_by(_P.category_id),
)
_CATEGORIES = fills("tree", select(m.CategoryRow.id, m.CategoryRow.name, m.CategoryRow.parent_id))
_IN_CATEGORY = (_P.category_id == bindparam("category_id"), _SHOWN, _FIRST_OF_PARENT)
_BOUNDARY = select(_P.name).where(_P.id == bindparam("id"), *_IN_CATEGORY)
_PAGE_AFTER = (
    select(_P.id)
    .where(*_IN_CATEGORY, tuple_(_P.name, _P.id) > tuple_(bindparam("name"), bindparam("id")))
    .order_by(_P.name, _P.id)
    .limit(bindparam("limit"))
)
_PAGE_BEFORE = (
    select(_P.id)
    .where(*_IN_CATEGORY, tuple_(_P.name, _P.id) < tuple_(bindparam("name"), bindparam("id")))
    .order_by(_P.name.desc(), _P.id.desc())
    .limit(bindparam("limit"))
)
_PAGE_IDS = (
    select(_P.id).where(*_IN_CATEGORY).order_by(_P.name, _P.id).offset(bindparam("offset")).limit(bindparam("limit"))
)
_LISTING = fills("tree", select(_P.id).where(*_IN_CATEGORY).order_by(_P.name, _P.id))


# What the catalog section is filled from: whole (a count, then every product) or product by product.
_CATALOG_SIZE = fills("catalog", select(func.count()).select_from(m.ProductRow))
_CATALOG = fills("catalog", SqlProducts._with_prices().order_by(m.ProductRow.id))
_PRODUCT_BY_ID = direct(fills("catalog", SqlProducts._with_prices().where(m.ProductRow.id == bindparam("id"))))
_PRODUCT_BY_SKU = fills("catalog", SqlProducts._with_prices().where(m.ProductRow.sku == bindparam("sku")))
_CHANGED_PRODUCTS = fills(
    "catalog",
    SqlProducts._with_prices().where(m.ProductRow.change_seq >= bindparam("since")).order_by(m.ProductRow.id),
)
_IDS_BY_SKU = select(m.ProductRow.sku, m.ProductRow.id).where(m.ProductRow.sku.in_(bindparam("skus", expanding=True)))
_SKUS_BY_BARCODE = select(m.ProductRow.barcode, m.ProductRow.sku).where(
    m.ProductRow.barcode.in_(bindparam("barcodes", expanding=True))
)
_CATEGORIES_BY_NAME = select(m.CategoryRow.id, m.CategoryRow.name).where(
    m.CategoryRow.name.in_(bindparam("names", expanding=True))
)
_CATEGORY_ROWS = select(m.CategoryRow).where(m.CategoryRow.id.in_(bindparam("ids", expanding=True)))
_PRODUCTS_BY_ID = fills(
    "catalog",
    SqlProducts._with_prices().where(m.ProductRow.id.in_(bindparam("ids", expanding=True))).order_by(m.ProductRow.id),
)
_VARIANTS = fills(
    "catalog",
    SqlProducts._with_prices().where(m.ProductGroupRow.code == bindparam("code")).order_by(m.ProductRow.id),
)
_VARIANTS_OF = fills(
    "catalog",
    SqlProducts._with_prices()
    .where(m.ProductGroupRow.code.in_(bindparam("codes", expanding=True)))
    .order_by(m.ProductRow.id),
)
_TRANSLATION_COLUMNS = (
    m.ProductTranslationRow.product_id,
    m.ProductTranslationRow.language,
    m.ProductTranslationRow.name,
    m.ProductTranslationRow.description,
)
_ALL_TRANSLATIONS = fills("catalog", select(*_TRANSLATION_COLUMNS))
_TRANSLATIONS_OF = fills(
    "catalog",
    select(*_TRANSLATION_COLUMNS).where(m.ProductTranslationRow.product_id.in_(bindparam("ids", expanding=True))),
)
