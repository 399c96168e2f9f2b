"""Stock levels read through the read cache: per product, or every counter as one snapshot."""

from __future__ import annotations

import asyncio
from collections.abc import Hashable, Iterable, Sequence
from typing import Any, cast

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.stock import StockLevel
from storage import models as m
from storage.cache import ABSENT, SNAPSHOT_MAX_ROWS, CacheView, Since
from storage.repositories import changes
from storage.repositories.cached import SNAPSHOT_CHUNK, fills
from storage.repositories.sql import _chunks, _table, fetch

_STOCK = _table(m.StockRow)


def _by_product(levels: Iterable[StockLevel], product_ids: Iterable[int]) -> dict[Hashable, list[StockLevel]]:
    """Levels grouped per product; every one of ``product_ids`` present, if only with []."""
    grouped: dict[Hashable, list[StockLevel]] = {pid: [] for pid in product_ids}
    for level in levels:
        grouped.setdefault(level.product_id, []).append(level)
    return grouped


# What the levels section is filled from: whole (a count, then every counter) or product by product.
_STOCK_SIZE = fills("levels", select(func.count()).select_from(m.StockRow))
_ALL_LEVELS = fills("levels", select(_STOCK.c.product_id, _STOCK.c.warehouse_id, _STOCK.c.on_hand, _STOCK.c.reserved))
_LEVELS_OF = fills(
    "levels",
    select(_STOCK.c.product_id, _STOCK.c.warehouse_id, _STOCK.c.on_hand, _STOCK.c.reserved).where(
        _STOCK.c.product_id.in_(bindparam("ids", expanding=True))
    ),
)
_CHANGED_LEVELS = fills(
    "levels",
    select(_STOCK.c.product_id, _STOCK.c.warehouse_id, _STOCK.c.on_hand, _STOCK.c.reserved).where(
        _STOCK.c.product_id.in_(select(_STOCK.c.product_id).where(_STOCK.c.change_seq >= bindparam("since")))
    ),
)


async def levels(session: AsyncSession, cache: CacheView | None, product_ids: Sequence[int]) -> list[StockLevel]:
    """The counters of these products, from the cache when it holds them all."""
    if not product_ids:
        return []
    if cache is not None:
        hits = cache.get_many("levels", product_ids)
        if None in hits and await _load_levels(session, cache):
            hits = cache.get_many("levels", product_ids)
        if None not in hits:  # one ``cast`` for them all, not a call a product (a variant card has four)
            kept = cast(list[Any], hits)  # each a product's list[StockLevel], or ABSENT
            return [level for hit in kept if hit is not ABSENT for level in hit]
    rows: list[Any] = []
    for chunk in _chunks(product_ids):  # a stock file's products pass PostgreSQL's limit of parameters
        rows += await fetch(session, _LEVELS_OF, {"ids": list(chunk)})
    found = [StockLevel(r.product_id, r.warehouse_id, r.on_hand, r.reserved) for r in rows]
    if cache is not None:
        for pid, of_product in _by_product(found, product_ids).items():
            cache.put("levels", pid, of_product)  # StockLevel is frozen: shared safely
    return found


async def _load_levels(session: AsyncSession, cache: CacheView) -> bool:
    """Every stock counter into the read cache when due: browsing shows availability
    on every card (``storage.cache``). After the first load, only the products whose
    counters changed since are read again."""
    if not cache.wants_snapshot("levels"):
        return False
    try:
        since = cache.snapshot_since("levels")
        marker = await changes.marker(session)  # before anything is read
        count = await session.scalar(_STOCK_SIZE) or 0
        if count > SNAPSHOT_MAX_ROWS:
            cache.snapshot_done("levels", None)
            return False
        if since is not None and marker is not None and marker >= since.marker:
            changed = await _changed_since(session, since, count)
            if changed is not None:
                cache.snapshot_patched("levels", changed, marker=marker, size=count)
                return True
        grouped = await _all_levels(session)
    except BaseException:
        cache.snapshot_abandoned("levels")
        raise
    cache.snapshot_done("levels", grouped, marker=marker, size=sum(map(len, grouped.values())))
    return True


async def _all_levels(session: AsyncSession) -> dict[Hashable, list[StockLevel]]:
    rows = (await (await session.connection()).execute(_ALL_LEVELS)).all()
    grouped: dict[Hashable, list[StockLevel]] = {}
    for built, row in enumerate(rows, 1):
        level = StockLevel(*row)
        grouped.setdefault(level.product_id, []).append(level)
        if built % SNAPSHOT_CHUNK == 0:
            await asyncio.sleep(0)
    return grouped


async def _changed_since(session: AsyncSession, since: Since, count: int) -> dict[Hashable, object] | None:
    """The products whose counters changed since the last load (or were written by this
    process since), read again: product -> its levels, or ``ABSENT`` when it has none now.
    Only those: the rest of the last load stands as it is (``ReadCache.snapshot_patched``).
    None when counters were deleted meanwhile (or the last load's count is unknown)."""
    if since.size is None:
        return None
    rows = list(await fetch(session, _CHANGED_LEVELS, {"since": since.marker}))
    stale = sorted(cast(set[int], since.stale))
    for chunk in _chunks(stale):
        rows += await fetch(session, _LEVELS_OF, {"ids": chunk})
    fresh: dict[Hashable, object] = {}
    for row in rows:  # a product both changed and stale comes twice
        level = StockLevel(row.product_id, row.warehouse_id, row.on_hand, row.reserved)
        if level not in (levels := cast(list[StockLevel], fresh.setdefault(level.product_id, []))):
            levels.append(level)
    fresh.update({gone: ABSENT for gone in stale if gone not in fresh})
    before = sum(len(since.rows.get(pid, ())) for pid in fresh)
    after = sum(len(levels) for levels in fresh.values() if type(levels) is list)
    if since.size - before + after != count:
        return None
    return fresh
