"""The category tree: categories with their counts, their parents, and each category's pages of products."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import cast

from sqlalchemy import bindparam, delete, exists, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.catalog import Category, ProductStatus
from domain.categories import CategoryNode
from storage import models as m
from storage.cache import CacheView
from storage.db import DIALECT
from storage.repositories.cached import fills
from storage.repositories.sql import _INSERT_FOR, _chunks, fetch, run


async def categories(s: AsyncSession) -> list[Category]:
    """Each with how many products (parents, however many variants) it shows."""
    c, p = m.CategoryRow, m.ProductRow
    rows = await s.execute(
        select(c.id, c.name, func.count(func.distinct(p.group_id)))
        .join(p, p.category_id == c.id)
        .where(_SHOWN)
        .group_by(c.id, c.name)
        .order_by(c.name)
    )
    return [Category(cid, name, n) for cid, name, n in rows]


async def category(s: AsyncSession, category_id: int) -> Category | None:
    row = await s.get(m.CategoryRow, category_id)
    return Category(row.id, row.name, 0) if row else None


async def nodes(s: AsyncSession, cache: CacheView | None) -> list[CategoryNode]:
    """Every category with its parent and its own active products: one grouped read of
    the products index, the tree and its counts are built from it (``domain.categories``).
    Every catalog screen needs it, so read-only work keeps it in the read cache; any write
    to products or categories clears it (``CLEARED_WHOLE``)."""
    if cache is not None and (cached := cache.get("tree", "nodes")) is not None:
        return list(cast(tuple[CategoryNode, ...], cached))  # CategoryNode is frozen
    own: dict[int, int] = {cid: n for cid, n in await s.execute(_OWN_COUNTS)}
    names: dict[int, list[tuple[str, str]]] = {}
    for cid, language, name in await s.execute(_TRANSLATIONS):
        names.setdefault(cid, []).append((language, name))
    rows = await s.execute(_CATEGORIES)
    found = [CategoryNode(cid, name, parent, own.get(cid, 0), tuple(names.get(cid, ()))) for cid, name, parent in rows]
    if cache is not None:
        cache.put("tree", "nodes", tuple(found))
    return found


async def parents(s: AsyncSession) -> dict[str, str | None]:
    """Each category's parent's name, by name (None for a top category)."""
    c, parent = m.CategoryRow.__table__.c, m.CategoryRow.__table__.alias("parent")
    rows = await s.execute(select(c.name, parent.c.name).outerjoin(parent, parent.c.id == c.parent_id))
    return {name: parent_name for name, parent_name in rows}


async def link(s: AsyncSession, links: Mapping[str, str]) -> None:
    """Put each category (child → parent, by name) inside its parent, creating the ones
    that do not exist yet as top categories first."""
    if not links:
        return
    ids = await ids_of(s, {*links, *links.values()})
    rows: dict[int, m.CategoryRow] = {}
    for chunk in _chunks(sorted(set(ids.values()))):
        rows.update({row.id: row for row in await s.scalars(_CATEGORY_ROWS, {"ids": list(chunk)})})
    for child, parent in links.items():
        rows[ids[child]].parent_id = ids[parent]
    await s.flush()


async def translate(s: AsyncSession, names: Mapping[str, Mapping[str, str]]) -> None:
    """Each category's name per language (by its stored name: language → name), the missing categories
    created as top ones; a language's name given again replaces it, given empty removes it."""
    ids = await ids_of(s, set(names)) if names else {}
    given = [
        {"category_id": ids[category], "language": language, "name": name}
        for category, translated in sorted(names.items())
        for language, name in sorted(translated.items())
    ]
    rows = [row for row in given if row["name"]]
    for row in given:
        if not row["name"]:
            await run(s, _UNTRANSLATE, {"of": row["category_id"], "lang": row["language"]})
    table = m.CategoryTranslationRow.__table__
    for chunk in _chunks(rows):
        statement = _INSERT_FOR[s.info[DIALECT]](table).values(list(chunk))
        await run(
            s,
            statement.on_conflict_do_update(
                index_elements=["category_id", "language"], set_={"name": statement.excluded.name}
            ),
        )


async def ids_of(s: AsyncSession, names: set[str]) -> dict[str, int]:
    """Categories' ids by name, the missing ones created (as top categories)."""
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(names)):
        found.update({row.name: row.id for row in await fetch(s, _CATEGORIES_BY_NAME, {"names": list(chunk)})})
    missing = [m.CategoryRow(name=name) for name in sorted(names - found.keys())]
    if missing:
        s.add_all(missing)
        await s.flush()
        found.update({row.name: row.id for row in missing})
    return found


async def page(
    s: AsyncSession, cache: CacheView | None, category_id: int, offset: int, limit: int, after: int, before: int
) -> list[int]:
    """The ids of a page of a category's own active products by name. The ids come from the
    index alone (``ix_products_category_page``); next to a page already shown (``after`` its
    last product, ``before`` its first) the page starts at that product in the index
    (keyset), so page 10,000 costs what page 2 does. A product no longer in the category
    falls back to ``offset``. In read-only work the category's list of ids comes through
    the read cache (``listing``)."""
    if cache is not None:
        return page_of(await listing(s, cache, category_id), offset, limit, after, before)
    params: dict[str, object] = {"category_id": category_id, "limit": limit}
    name = await s.scalar(_BOUNDARY, {**params, "id": after or before}) if after or before else None
    if name is None:
        return list(await s.scalars(_PAGE_IDS, {**params, "offset": offset}))
    if after:
        return list(await s.scalars(_PAGE_AFTER, {**params, "name": name, "id": after}))
    return list(await s.scalars(_PAGE_BEFORE, {**params, "name": name, "id": before}))[::-1]


async def listing(s: AsyncSession, cache: CacheView | None, category_id: int) -> tuple[int, ...]:
    """Every product a category lists, in its pages' order (by name, then id), kept in the
    read cache's section ``tree`` beside the counts its pages are numbered by. The rule:
    a category press read ~1 ms of the products index (the most expensive statement
    while browsing a 10,000-product shop); any committed write to products or categories
    clears the section whole (``CLEARED_WHOLE``), so this process sees its own changes
    at once, another process's within the catalog's minute; the database orders the ids,
    so a page is exactly what the keyset reads give (``page_of``). A shop's listings
    hold each product once: its size is the catalog's ids."""
    if cache is not None and (kept := cache.get("tree", ("listing", category_id))) is not None:
        return cast(tuple[int, ...], kept)
    ids = tuple(await s.scalars(_LISTING, {"category_id": category_id}))
    if cache is not None:
        cache.put("tree", ("listing", category_id), ids)
    return ids


def page_of(ids: Sequence[int], offset: int, limit: int, after: int, before: int) -> list[int]:
    """What ``page`` reads from the database, from the category's whole ordered list: the
    ``limit`` ids after ``after`` or before ``before`` when it is listed, else from ``offset``."""
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
_TRANSLATIONS = fills(
    "tree",
    select(
        m.CategoryTranslationRow.category_id, m.CategoryTranslationRow.language, m.CategoryTranslationRow.name
    ).order_by(m.CategoryTranslationRow.category_id, m.CategoryTranslationRow.language),
)
_UNTRANSLATE = delete(m.CategoryTranslationRow).where(
    m.CategoryTranslationRow.category_id == bindparam("of"), m.CategoryTranslationRow.language == bindparam("lang")
)
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
_CATEGORIES_BY_NAME = select(m.CategoryRow.id, m.CategoryRow.name).where(
    m.CategoryRow.name.in_(bindparam("names", expanding=True))
)
_CATEGORY_ROWS = select(m.CategoryRow).where(m.CategoryRow.id.in_(bindparam("ids", expanding=True)))
