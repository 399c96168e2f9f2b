"""Each change to a product audited: written in bulk, read a page at a time, and a field's first change since a time."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.catalog_edits import ProductChange
from storage import models as m
from storage.repositories.sql import _chunks, run_many


async def record(s: AsyncSession, changes: Sequence[ProductChange]) -> None:
    """One INSERT for them all: a products file changing 100,000 prices audits each."""
    fields = ("product_id", "at", "actor", "field", "before", "after")
    rows = [{name: getattr(c, name) for name in fields} for c in changes]
    await run_many(s, insert(m.ProductChangeRow), rows)


async def page(s: AsyncSession, product_id: int, offset: int, limit: int) -> tuple[list[ProductChange], int]:
    """A product's changes, newest first, with how many there are."""
    c = m.ProductChangeRow
    total = await s.scalar(select(func.count()).select_from(c).where(c.product_id == product_id)) or 0
    if limit <= 0:
        return [], total
    rows = await s.scalars(
        select(c).where(c.product_id == product_id).order_by(c.at.desc(), c.id.desc()).offset(offset).limit(limit)
    )
    return [ProductChange(r.product_id, r.at, r.actor, r.field, r.before, r.after) for r in rows], total


async def first_price_changes(
    s: AsyncSession, after: Collection[tuple[int, datetime]], currency: str
) -> list[ProductChange]:
    """Each product's first change of its price in ``currency`` after the time paired with it."""
    # One row a pair: reading every change since the oldest pause grew with the history and
    # with how often a file reprices. The pairs come in few times (pauses begin on Mondays).
    times: dict[datetime, set[int]] = defaultdict(set)
    for product_id, at in after:
        times[at].add(product_id)
    found: dict[int, ProductChange] = {}
    for at, product_ids in sorted(times.items()):
        for chunk in _chunks(sorted(product_ids)):
            params = {"ids": list(chunk), "field": f"price_{currency}", "since": at}
            for r in await s.scalars(_FIRST_CHANGES, params):
                found[r.id] = ProductChange(r.product_id, r.at, r.actor, r.field, r.before, r.after)
    return [found[i] for i in sorted(found, key=lambda i: (found[i].product_id, found[i].at, i))]


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
