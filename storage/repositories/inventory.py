"""Bins, their contents and movements; reorder points; stock valued at its cost."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.stock import BinQuantity, Movement, ReorderLevel, StockLevel
from storage import models as m
from storage.repositories.purchasing import last_received
from storage.repositories.sql import _chunks, fetch, insert_if_missing


class SqlInventory:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def bins(self, product_ids: Sequence[int]) -> list[BinQuantity]:
        b, bs = m.BinRow, m.BinStockRow
        query = select(bs.product_id, b.warehouse_id, b.code, bs.quantity).join(b, b.id == bs.bin_id)
        query = query.where(bs.quantity > 0).order_by(b.warehouse_id, b.code)
        chunks = _chunks(sorted(set(product_ids)))  # a wave's or a catalog's products: PostgreSQL's limit
        found = [
            BinQuantity(r.product_id, r.warehouse_id, r.code, r.quantity)
            for chunk in chunks
            for r in await fetch(self.s, query.where(bs.product_id.in_(chunk)))
        ]
        if len(chunks) > 1:  # in one order again, as one query gave them
            found.sort(key=lambda x: (x.warehouse_id, x.bin_code))
        return found

    async def bin_contents(self, warehouse_id: int, bin_code: str) -> list[BinQuantity]:
        b, bs = m.BinRow, m.BinStockRow
        query = select(bs.product_id, b.warehouse_id, b.code, bs.quantity).join(b, b.id == bs.bin_id)
        query = query.where(b.warehouse_id == warehouse_id, b.code == bin_code, bs.quantity > 0)
        rows = await fetch(self.s, query.order_by(bs.product_id))
        return [BinQuantity(r.product_id, r.warehouse_id, r.code, r.quantity) for r in rows]

    async def has_bin(self, warehouse_id: int, bin_code: str) -> bool:
        b = m.BinRow
        found = await self.s.scalar(select(b.id).where(b.warehouse_id == warehouse_id, b.code == bin_code).limit(1))
        return found is not None

    async def bin_codes(self, warehouse_id: int) -> list[str]:
        b = m.BinRow
        return list((await self.s.scalars(select(b.code).where(b.warehouse_id == warehouse_id).order_by(b.code))).all())

    async def moved_for(self, warehouse_id: int, reason: str, product_ids: Sequence[int], since: datetime) -> set[int]:
        mv = m.InventoryMovementRow
        query = select(mv.product_id).distinct()
        query = query.where(mv.warehouse_id == warehouse_id, mv.reason == reason, mv.at >= since)
        return set((await self.s.scalars(query.where(mv.product_id.in_(list(product_ids))))).all())

    async def last_bin(self, product_id: int, warehouse_id: int) -> str | None:
        mv, b = m.InventoryMovementRow, m.BinRow
        return await self.s.scalar(
            select(b.code)
            .join(mv, mv.bin_id == b.id)
            .where(mv.product_id == product_id, mv.warehouse_id == warehouse_id)
            .order_by(mv.id.desc())
            .limit(1)
        )

    async def movements(self, product_id: int, limit: int) -> list[Movement]:
        mv, b = m.InventoryMovementRow, m.BinRow
        rows = await self.s.execute(
            select(mv.product_id, mv.warehouse_id, b.code, mv.delta, mv.reason, mv.actor, mv.at)
            .outerjoin(b, b.id == mv.bin_id)
            .where(mv.product_id == product_id)
            .order_by(mv.id.desc())
            .limit(limit)
        )
        return [Movement(*row) for row in rows]

    async def reorder_levels(
        self, warehouse_id: int | None, *, low_only: bool = False, product_ids: Sequence[int] | None = None
    ) -> list[ReorderLevel]:
        t = m.StockRow  # plain rows: the reorder scan reads a whole catalog's
        query = (
            select(t.product_id, t.warehouse_id, t.on_hand, t.reserved, t.reorder_point, t.max_level)
            .where(t.reorder_point > 0)
            .order_by(t.warehouse_id, t.product_id)
        )
        if warehouse_id is not None:
            query = query.where(t.warehouse_id == warehouse_id)
        if low_only:  # a big catalog is mostly above its reorder points: filtered where it is
            query = query.where(t.on_hand - t.reserved <= t.reorder_point)
        if product_ids is None:
            rows = list(await fetch(self.s, query))
        else:  # /stock of a few products, not a catalog's 50,000 positions; in chunks all the same
            chunks = _chunks(sorted(set(product_ids)))
            rows = [r for chunk in chunks for r in await fetch(self.s, query.where(t.product_id.in_(chunk)))]
            rows.sort(key=lambda r: (r.warehouse_id, r.product_id))  # integers: the order the query gave
        return [
            ReorderLevel(StockLevel(r.product_id, r.warehouse_id, r.on_hand, r.reserved), r.reorder_point, r.max_level)
            for r in rows
        ]

    async def valued_positions(self, base: str) -> list[tuple[int, str | None, int, int, int]]:
        s, t, p = m.StockRow, m.SupplyTermsRow, m.ProductRow
        # The cost rule (``domain.usecases.stock_books.UnitCosts``): terms there, the catalog's
        # cost, the last purchase order line received there, at any warehouse.
        here, anywhere = last_received(by_warehouse=True), last_received(by_warehouse=False)
        currency = case(
            (t.product_id.is_not(None), t.currency),
            (p.cost_minor.is_not(None), p.cost_currency),
            (here.c.product_id.is_not(None), here.c.currency),
            else_=anywhere.c.currency,
        )
        cost = func.coalesce(t.unit_cost_minor, p.cost_minor, here.c.cost, anywhere.c.cost)
        value = s.on_hand * cost
        own = case((currency == base, 0), else_=cost)  # foreign: grouped by unit cost, converted a unit at a time
        rows = await fetch(
            self.s,
            select(s.warehouse_id, currency, func.sum(s.on_hand), func.sum(value), func.count())
            .select_from(s)
            .outerjoin(t, (t.product_id == s.product_id) & (t.warehouse_id == s.warehouse_id))
            .outerjoin(p, p.id == s.product_id)
            .outerjoin(here, (here.c.product_id == s.product_id) & (here.c.warehouse_id == s.warehouse_id))
            .outerjoin(anywhere, anywhere.c.product_id == s.product_id)
            .where(s.on_hand > 0)
            .group_by(s.warehouse_id, currency, own),
        )
        found = [cast(tuple[Any, ...], r) for r in rows]
        return [(int(w), cur, int(units), int(v or 0), int(n)) for w, cur, units, v, n in found]

    async def positions(self) -> list[StockLevel]:
        t = m.StockRow
        query = select(t.product_id, t.warehouse_id, t.on_hand, t.reserved).where(t.on_hand > 0)
        rows = await fetch(self.s, query.order_by(t.warehouse_id, t.product_id))
        return [StockLevel(r.product_id, r.warehouse_id, r.on_hand, r.reserved) for r in rows]

    async def set_reorder(self, product_id: int, warehouse_id: int, point: int, max_level: int | None) -> None:
        # The counter made if missing in one statement: two managers setting a new position's
        # point at once both read none, and the second insert failed on PostgreSQL.
        values = {"product_id": product_id, "warehouse_id": warehouse_id, "on_hand": 0, "reserved": 0}
        await insert_if_missing(self.s, m.StockRow, values)
        row = await self.s.get(m.StockRow, (product_id, warehouse_id), with_for_update=True)
        assert row is not None
        row.reorder_point, row.max_level = point, max_level
        await self.s.flush()
