"""Backorder terms and the waiting parts of orders; parts change only by conditional UPDATEs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from types import MappingProxyType
from typing import cast

from sqlalchemy import Table, bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.backorders import Backorder, BackorderStatus, BackorderTerms
from storage import models as m
from storage.cache import CacheView
from storage.repositories.cached import fills
from storage.repositories.sql import _chunks, fetch

B = m.BackorderRow
WAITING = BackorderStatus.WAITING.value
_TERMS: Table = m.BackorderTermsRow.__table__  # type: ignore[assignment]
# Read by every cart screen and checkout: built once (``storage.repositories.sql.fetch``).
_TERMS_OF = select(_TERMS.c.product_id, _TERMS.c.allowed, _TERMS.c.unit_limit, _TERMS.c.release_date).where(
    _TERMS.c.product_id.in_(bindparam("ids", expanding=True))
)
# Asked on every product card (a preorder is not sold from stock that came early): kept in the
# read cache, a handful of rows that change when a manager types ``/backorder``.
_PREORDERS = fills(
    "reference", select(_TERMS.c.product_id, _TERMS.c.release_date).where(_TERMS.c.release_date.is_not(None))
)


def _backorder(row: m.BackorderRow) -> Backorder:
    return Backorder(
        row.order_id,
        row.product_id,
        row.customer_id,
        row.quantity,
        row.created_at,
        row.vip,
        row.filled,
        row.cancelled,
        BackorderStatus(row.status),
        row.id,
    )


class SqlBackorders:
    def __init__(self, session: AsyncSession, cache: CacheView | None = None) -> None:
        self.s = session
        self.cache = cache

    async def preorders(self) -> Mapping[int, date]:
        """Release dates of the products on preorder terms (read-only: no caller may change them)."""
        if self.cache is not None and (cached := self.cache.get("reference", "preorders")) is not None:
            return cast(Mapping[int, date], cached)
        found = MappingProxyType({r.product_id: r.release_date for r in await fetch(self.s, _PREORDERS)})
        if self.cache is not None:
            self.cache.put("reference", "preorders", found)
        return found

    async def terms(self, product_ids: Sequence[int]) -> dict[int, BackorderTerms]:
        found: dict[int, BackorderTerms] = {}
        for chunk in _chunks(sorted(set(product_ids))):  # a stock file's arrivals: PostgreSQL's limit
            for r in await fetch(self.s, _TERMS_OF, {"ids": list(chunk)}):
                found[r.product_id] = BackorderTerms(r.product_id, r.allowed, r.unit_limit, r.release_date)
        return found

    async def set_terms(self, product_id: int, terms: BackorderTerms | None) -> None:
        t = m.BackorderTermsRow
        row = await self.s.get(t, product_id)
        if terms is None:
            await self.s.execute(delete(t).where(t.product_id == product_id))
            return
        row = row or t(product_id=product_id)
        row.allowed, row.unit_limit, row.release_date = terms.allowed, terms.limit, terms.release_date
        self.s.add(row)
        await self.s.flush()

    async def add(self, backorder: Backorder) -> Backorder:
        row = B(
            order_id=backorder.order_id,
            product_id=backorder.product_id,
            customer_id=backorder.customer_id,
            quantity=backorder.quantity,
            filled=backorder.filled,
            cancelled=backorder.cancelled,
            vip=backorder.vip,
            status=backorder.status.value,
            created_at=backorder.created_at,
        )
        self.s.add(row)
        await self.s.flush()
        backorder.id = row.id
        return backorder

    async def get(self, backorder_id: int) -> Backorder | None:
        # Another transaction may have changed it since this session last read it.
        query = select(B).where(B.id == backorder_id).execution_options(populate_existing=True)
        row = (await self.s.execute(query)).scalar_one_or_none()
        return None if row is None else _backorder(row)

    async def waiting(self, product_ids: Sequence[int]) -> list[Backorder]:
        """VIP first, then oldest first (the order they are filled in)."""
        query = select(B).where(B.status == WAITING).execution_options(populate_existing=True)
        found = [
            _backorder(r)
            for chunk in _chunks(sorted(set(product_ids)))  # a stock file's arrivals: PostgreSQL's limit
            for r in await self.s.scalars(query.where(B.product_id.in_(chunk)))
        ]
        return sorted(found, key=lambda b: (not b.vip, b.created_at, b.id or 0))

    async def waiting_units(self, product_ids: Sequence[int] | None) -> dict[int, int]:
        if product_ids is not None and not product_ids:
            return {}
        query = select(B.product_id, func.sum(B.quantity)).where(B.status == WAITING).group_by(B.product_id)
        if product_ids is None:
            return {p: int(q) for p, q in await self.s.execute(query)}
        found: dict[int, int] = {}
        for chunk in _chunks(sorted(set(product_ids))):  # a reorder scan's low products: PostgreSQL's limit
            found.update({p: int(q) for p, q in await self.s.execute(query.where(B.product_id.in_(chunk)))})
        return found

    async def for_order(self, order_id: int) -> list[Backorder]:
        query = select(B).where(B.order_id == order_id).order_by(B.id).execution_options(populate_existing=True)
        return [_backorder(r) for r in await self.s.scalars(query)]

    async def fill(self, backorder_id: int, seen: int, quantity: int) -> bool:
        left = seen - quantity
        result = await self.s.execute(
            update(B)
            .where(B.id == backorder_id, B.status == WAITING, B.quantity == seen, B.quantity >= quantity)
            .values(
                quantity=left,
                filled=B.filled + quantity,
                status=WAITING if left > 0 else BackorderStatus.FILLED.value,
            )
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def lock_order(self, order_id: int) -> None:
        await self.s.execute(select(m.OrderRow.id).where(m.OrderRow.id == order_id).with_for_update())

    async def try_lock_order(self, order_id: int) -> bool:
        query = select(m.OrderRow.id).where(m.OrderRow.id == order_id).with_for_update(skip_locked=True)
        return (await self.s.execute(query)).scalar_one_or_none() is not None

    async def lock_terms(self, product_ids: Sequence[int]) -> None:
        if not product_ids or self.s.get_bind().dialect.name == "sqlite":  # SQLite's writers are serial already
            return
        t = m.BackorderTermsRow
        for chunk in _chunks(sorted(set(product_ids))):  # in ascending order still, chunk after chunk
            await self.s.execute(
                select(t.product_id).where(t.product_id.in_(chunk)).order_by(t.product_id).with_for_update()
            )

    async def cancel(self, backorder_id: int, seen: int) -> bool:
        result = await self.s.execute(
            update(B)
            .where(B.id == backorder_id, B.status == WAITING, B.quantity == seen)
            .values(quantity=0, cancelled=B.cancelled + seen, status=BackorderStatus.CANCELLED.value)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
