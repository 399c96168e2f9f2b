"""Customers' product search: one statement built once, and its first pages kept per text in the read cache."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    Integer,
    LargeBinary,
    String,
    bindparam,
    column,
    exists,
    func,
    literal_column,
    select,
    table,
    text,
    union,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.ext.asyncio import AsyncSession

from domain.catalog import ProductStatus
from domain.search_words import SearchWords
from storage import models as m
from storage.cache import CacheView, feeds
from storage.db import DIALECT, SEARCH_TABLE
from storage.repositories.cached import fills
from storage.repositories.sql import fetch

# Why a cache, and the rule it keeps. A search is a substring match over every product's name
# in every language: on SQLite it reads all 10,000 rows of a 10,000-product shop (10–20 ms,
# twice: the count and the page), and SQLite runs in the event loop's thread, so every other
# chat waited that long; the same few texts are searched again and again. Read-only work
# therefore keeps, per text as typed, the ids of its first ``KEPT`` matches in order with the
# number of matches (section ``search``). The statement declares what it reads (``fills``):
# any committed write to ``products`` or ``product_translations`` — a name, a status, a new
# product, an import — clears the section whole (``CLEARED_WHOLE``: one product's change can
# move it into or out of any text's results), so this process sees its own writes at once;
# another process's within the catalog's minute (``TTL_OF``). A page past ``KEPT`` is read
# from the database as before. The products themselves come through the catalog snapshot.
KEPT = 100  # ten pages of ten: the pages customers turn; what is kept per text stays small
MAX_TEXTS = 2_000  # texts kept at once (``storage.cache.MAX_ENTRIES_OF``): at most ~2 MB of ids

_P, _T = m.ProductRow, m.ProductTranslationRow


def folded(column: Any) -> Any:
    """A name as a search compares it: lower case, "ё" read as "е" (Russian readers type "елка"
    for "Ёлка", and a name may be stored either way), alike on SQLite and PostgreSQL."""
    # The constants inline, not bound: PostgreSQL's trigram indexes (migration 0071) are on this very
    # expression, and a planner matches an index's expression only to the same text.
    return func.replace(func.lower(column), literal_column("'ё'"), literal_column("'е'"))


def pattern_of(needle: str) -> str:
    """``needle`` as a LIKE pattern matching it anywhere in a ``folded`` name."""
    escaped = needle.lower().replace("ё", "е").replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


_SHOWN = _P.status != ProductStatus.HIDDEN.value  # hidden products are not found
_EXACT = (_P.sku == bindparam("sku")) | (_P.barcode == bindparam("needle"))


# On SQLite, an FTS5 trigram table (migration 0072, kept by triggers on every write to a name)
# holds each product's folded names: a text of ``INDEXED_FROM`` characters or more takes its
# candidates from it, each checked by the very LIKE PostgreSQL runs, so results, order and counts
# are the scan's; a shorter text has no trigram to look up and reads every name as before. A
# library older than SQLite 3.34 (or without FTS5) cannot make the table (``storage.search_table``):
# then every text reads every name, as before 0072. Whether it exists is asked once per session
# factory (``has_table``): a process's database does not gain or lose it while the process runs
# (``ordergram migrate`` or start-up makes it once the library can).
INDEXED_FROM = 3
_SEARCH = table("product_search", column("rowid", Integer), column("names", String))
# Not a model's table, so ``fills`` does not see it: declared here. Only its triggers write it, on
# writes to products and translations, which clear ``search`` themselves; the rule holds either way.
# ``sqlite_master`` too: the first search asks it whether the table exists (``has_table``); the
# table is made outside any unit of work (``storage.search_table``), so nothing clears ``search`` by it.
feeds("search", {"product_search", "sqlite_master"})


def _named(name: str, indexed: bool = False) -> Any:
    """Whether a product's name, in any language, holds parameter ``name``'s pattern. The ids of
    each table's matches united, not ``name LIKE … OR id IN (…)``: PostgreSQL reaches each side by
    its trigram index (migration 0071), where an OR with a subquery reads every product.
    ``indexed``: SQLite's candidates from ``product_search`` (parameter ``name_phrase``)."""
    if indexed:
        candidates = select(_SEARCH.c.rowid).where(_SEARCH.c.names.match(bindparam(f"{name}_phrase")))
        translated = exists().where(_T.product_id == _P.id, _contains(_T.name, name))
        return _P.id.in_(candidates) & (_contains(_P.name, name) | translated)
    return _P.id.in_(
        union(
            select(_P.id).where(_contains(_P.name, name)),
            select(_T.product_id).where(_contains(_T.name, name)),
        )
    )


def _contains(column: Any, name: str) -> Any:
    return folded(column).like(bindparam(name), escape="\\")


def phrase(typed: str) -> str:
    """``typed`` (folded) as an FTS5 phrase: every character literal, a substring for the trigram tokenizer."""
    return '"' + typed.replace('"', '""') + '"'


def staff_match(needle: str, present: bool) -> Any:
    """The staff list's match for ``needle``: a substring of the SKU, the barcode exactly, or a
    substring of a name in any language ("елка" finds "Ёлка", as a customer's search does). Names
    come through SQLite's trigram table when ``present`` and the text is long enough: the matching
    SKUs then read the SKU index, not every product's row, and the results are the scan's. On
    PostgreSQL, and for a shorter text, it is the statement the staff list always ran."""
    pattern, typed = pattern_of(needle), needle.lower().replace("ё", "е")
    sku = func.lower(_P.sku).like(pattern, escape="\\")
    if indexed(present, [typed]):
        # SQLite's LIKE ignores ASCII case itself, and the pattern is lower case: a SKU it matches, the
        # app's lower() matches too. That lower() (a Python function, ~10× the cost of the rest a
        # row) is then called only for a SKU not in ASCII: more bytes than characters.
        ascii_only = func.length(sql_cast(_P.sku, LargeBinary)) == func.length(_P.sku)
        cheap_sku = _P.sku.like(pattern, escape="\\") | (~ascii_only & sku)
        named = select(_P.id).where(_named("staff", indexed=True))
        by_code = select(_P.id).where(cheap_sku), select(_P.id).where(_P.barcode == needle)
        return _P.id.in_(union(*by_code, named).params(staff=pattern, staff_phrase=phrase(typed)))
    translated = select(_T.product_id).where(folded(_T.name).like(pattern, escape="\\"))
    return sku | folded(_P.name).like(pattern, escape="\\") | (_P.barcode == needle) | _P.id.in_(translated)


@cache
def _as_typed(indexed: bool) -> tuple[Any, Any]:
    """The count and page statements finding the text as typed: SKU, barcode or name."""
    first = select(func.min(_P.id)).where(_SHOWN, _named("pattern", indexed)).group_by(_P.group_id)  # one per parent
    where = (_SHOWN, _P.id.in_(union(select(_P.id).where(_EXACT), first)))
    counted = fills("search", select(func.count()).select_from(_P).where(*where))
    page = (
        select(_P.id)
        .where(*where)
        .order_by(_EXACT.desc(), _P.name, _P.id)
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )
    return counted, fills("search", page)


# When the text as typed finds nothing, each word is looked for by its stem, in any order: a
# customer types «кружки», «полотенца», "mugs" or "towel bath" for «Кружка», «Полотенце
# банное», "Ceramic mug", "Bath towel", and was told nothing was found. The stem drops what
# endings change (two letters of a word of six or more, one of four or five); every word must
# be in the name. Beyond ``MAX_WORDS`` words the text is a sentence, not a name: not looked again.
# Not a Snowball stemmer: its stems are not always a prefix of the word ("strawberry" → "strawberri"),
# and names are matched as typed by LIKE, not stemmed and indexed; a cut ending always is a prefix.
MAX_WORDS = 5
_WORD = re.compile(r"\w+")


def stems_of(needle: str) -> list[str]:
    """The stems a search looks for when ``needle`` as typed finds nothing (empty: no second look)."""
    words = _WORD.findall(needle.lower().replace("ё", "е"))
    if not words or len(words) > MAX_WORDS:
        return []
    stems = [w[: len(w) - (2 if len(w) >= 6 else 1)] if w.isalpha() and len(w) >= 4 else w for w in words]
    return [] if stems == [needle.lower().replace("ё", "е")] else stems  # the same look again: none


@cache
def _by_stems(count: int, indexed: bool) -> tuple[Any, Any]:
    """The count and page statements finding every one of ``count`` stems (``s0``, ``s1``…) in a name."""
    every = (_named(f"s{i}", indexed) for i in range(count))
    first = select(func.min(_P.id)).where(_SHOWN, *every).group_by(_P.group_id)  # one hit per parent
    where = (_SHOWN, _P.id.in_(first))
    counted = fills("search", select(func.count()).select_from(_P).where(*where))
    page = select(_P.id).where(*where).order_by(_P.name, _P.id).offset(bindparam("offset")).limit(bindparam("limit"))
    return counted, fills("search", page)


async def has_table(session: AsyncSession) -> bool:
    """Whether this database is SQLite with the trigram table, asked once per session factory."""
    known: dict[str, bool] = session.info[SEARCH_TABLE]
    if "present" not in known:
        found = False
        if session.info[DIALECT] == "sqlite":
            rows = await fetch(session, _TABLE_PRESENT, {})
            found = bool(rows)
        known["present"] = found
    return known["present"]


_TABLE_PRESENT = text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'product_search'")


def indexed(present: bool, texts: Sequence[str]) -> bool:
    """Whether SQLite's trigram table (``present``) can give the candidates for every one of ``texts`` (folded)."""
    return present and all(len(t) >= INDEXED_FROM for t in texts)


async def matching(
    session: AsyncSession, cache: CacheView | None, needle: str, offset: int, limit: int, *, word_forms: bool = True
) -> tuple[Sequence[int], int]:
    """The ids of matches ``offset`` to ``offset + limit`` in order, and how many match;
    without ``word_forms``, the text as typed only (no second look by stems)."""
    if offset + limit > KEPT:
        return await _read(session, needle, offset, limit, word_forms)
    ids, total = await first_matches(session, cache, needle, word_forms=word_forms)
    return ids[offset : offset + limit], total


async def first_matches(
    session: AsyncSession, cache: CacheView | None, needle: str, *, word_forms: bool = True
) -> tuple[tuple[int, ...], int]:
    """The first ``KEPT`` matches' ids and the number of matches, from the read cache when
    read-only work has them (a tuple of ints: nothing a caller can change)."""
    key = needle if word_forms else (needle, "as typed")
    if cache is not None and (kept := cache.get("search", key)) is not None:
        return cast(tuple[tuple[int, ...], int], kept)
    ids, total = await _read(session, needle, 0, KEPT, word_forms)
    found = (tuple(ids), total)
    if cache is not None:
        cache.put("search", key, found)
    return found


async def _read(
    session: AsyncSession, needle: str, offset: int, limit: int, word_forms: bool = True
) -> tuple[list[int], int]:
    typed = needle.lower().replace("ё", "е")
    present = await has_table(session)
    params = {"sku": needle.upper(), "needle": needle, "pattern": pattern_of(needle), "pattern_phrase": phrase(typed)}
    counted, page = _as_typed(indexed(present, [typed]))
    total = (await fetch(session, counted, params))[0][0] or 0
    if not total and word_forms and (stems := stems_of(needle)):
        counted, page = _by_stems(len(stems), indexed(present, stems))
        params = {f"s{i}": pattern_of(stem) for i, stem in enumerate(stems)}
        params |= {f"s{i}_phrase": phrase(stem) for i, stem in enumerate(stems)}
        total = (await fetch(session, counted, params))[0][0] or 0
    ids = [row[0] for row in await fetch(session, page, {**params, "offset": offset, "limit": limit})] if total else []
    return ids, total


# The words a mistyped search is corrected to (``domain.search_words``): built from every distinct
# name a search can find and every category's name, once, then kept in the read cache (section
# ``words``) by the same rule as a text's matches: any committed write to products, their
# translations or categories clears it whole, so a new product's words correct the next search in
# this process at once, another process's within the catalog's minute (``TTL_OF``). One entry:
# a 100,000-product catalog's words take seconds to build (README's bench/search_typos.py figures:
# reading the names, then ``SearchWords.of``), paid by the first mistyped search after a catalog
# change, not by each one, and by one search at a time: the others asking meanwhile wait for it.
_C, _CT = m.CategoryRow, m.CategoryTranslationRow
_NAMES = fills(
    "words",
    union(
        select(_P.name).where(_SHOWN),
        select(_T.name).join(_P, _P.id == _T.product_id).where(_SHOWN),
        select(_C.name),
        select(_CT.name),
    ),
)


async def words(session: AsyncSession, cache: CacheView | None) -> SearchWords:
    """The catalog's words, from the read cache when read-only work has them. Built by one reader at
    a time: mistyped searches arriving while they are built wait for them (``one_builder``)."""
    if cache is None:
        return await _built(session)
    if (kept := cache.get("words", "")) is not None:
        return cast(SearchWords, kept)
    async with cache.one_builder("words"):
        if (kept := cache.get("words", "")) is not None:  # built while this one waited
            return cast(SearchWords, kept)
        found = await _built(session)
        cache.put("words", "", found)  # not kept if the catalog changed meanwhile: the next one builds anew
        return found


async def _built(session: AsyncSession) -> SearchWords:
    names = [row[0] for row in await fetch(session, _NAMES, {})]
    return await asyncio.to_thread(SearchWords.of, names)  # a second for 100,000 names: others' updates go on
