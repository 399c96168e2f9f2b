"""Demand history (units sold a day) and the reorder suggestions the nightly forecast makes from it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import cast as cast_type

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Date,
    Integer,
    Select,
    bindparam,
    cast,
    delete,
    func,
    insert,
    literal_column,
    select,
    type_coerce,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from domain.catalog import ProductStatus
from domain.replenishment import ProductClass, Suggestion
from domain.stockout_days import StockDays
from domain.stockouts import StockTrail
from storage import models as m
from storage.db import DIALECT
from storage.repositories.id_ranges import id_ranges
from storage.repositories.sql import _chunks, _table, direct, fetch, run_many
from storage.repositories.stock_days import fold_stock_days, kept_stock_days, stock_days


def _weeks_since(dialect: str, day: InstrumentedAttribute[date], first: BindParameter[date]) -> ColumnElement[int]:
    """Whole weeks from ``first`` to ``day`` in SQL: a date difference is days on PostgreSQL;
    SQLite's dates are text, its Julian day numbers differ by whole days."""
    seven = literal_column("7", Integer)  # not a parameter: the grouping then names one expression
    if dialect == "postgresql":
        return type_coerce((day - first) // seven, Integer)
    return cast(func.julianday(day) - func.julianday(first), Integer) // seven


def _weekly_demand(dialect: str) -> Select[int, int, int, int]:
    """Units per (product, warehouse, week since ``first``) for products ``low``…``high``,
    days ``first`` to before ``end``. Built once, and a range rather than an IN list, so on
    embedded SQLite it runs on the driver (``storage.repositories.sql.direct``): rows come back
    as plain tuples, not one SQLAlchemy row object each (the nightly job reads millions)."""
    d = m.DemandRow
    week = _weeks_since(dialect, d.day, bindparam("first", type_=Date)).label("week")
    return direct(
        select(d.product_id, d.warehouse_id, week, type_coerce(func.sum(d.quantity), Integer))
        .where(
            d.day >= bindparam("first", type_=Date),
            d.day < bindparam("end", type_=Date),
            d.product_id.between(bindparam("low", type_=Integer), bindparam("high", type_=Integer)),
        )
        .group_by(d.product_id, d.warehouse_id, literal_column("week"))  # by name: one expression, one sort
        .order_by(d.product_id, d.warehouse_id, week)
    )


_WEEKLY_DEMAND = {dialect: _weekly_demand(dialect) for dialect in ("sqlite", "postgresql")}
IMPORTED = "import"
_DEMAND = _table(m.DemandRow)
_IMPORTED_DAYS = select(_DEMAND.c.product_id, _DEMAND.c.warehouse_id, _DEMAND.c.day).where(
    _DEMAND.c.product_id.in_(bindparam("ids", expanding=True)), _DEMAND.c.source == bindparam("source")
)
_DELETE_IMPORTED = delete(_DEMAND).where(
    _DEMAND.c.product_id == bindparam("of_product"),
    _DEMAND.c.warehouse_id == bindparam("at_warehouse"),
    _DEMAND.c.source == bindparam("of_source"),
)


class SqlDemand:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def record(self, rows: Sequence[tuple[int, int, date, int]], source: str) -> None:
        values = [
            {"product_id": p, "warehouse_id": w, "day": d, "quantity": q, "source": source[:32]}
            for p, w, d, q in rows
            if q > 0
        ]
        if values:
            await run_many(self.s, insert(_DEMAND), values)

    async def weekly(self, product_ids: Sequence[int], first: date, last: date) -> dict[tuple[int, int], list[float]]:
        # Performance rule: the weeks are counted and summed in SQL, so a row comes back per
        # (product, warehouse, week) with ints only: the nightly job reads two years of the
        # catalogue's sales, and making a date per sale and summing days into weeks in Python
        # cost more than SQLite's reading them. The weeks are ``domain.weeks.weekly``'s
        # (days since ``first``, a Monday, over 7); a contract test holds them to it.
        if first.weekday() or last.weekday():  # a week's index is counted from ``first``
            raise ValueError(f"weeks run Monday to Monday: {first} … {last}")
        weeks, wanted = (last - first).days // 7 + 1, set(product_ids)
        statement = _WEEKLY_DEMAND[self.s.info[DIALECT]]
        found: dict[tuple[int, int], list[float]] = {}
        series, start = [], 0
        for low, high in id_ranges(product_ids):
            params = {"first": first, "end": last + timedelta(days=7), "low": low, "high": high}
            rows = cast_type(Sequence[tuple[int, int, int, int]], await fetch(self.s, statement, params))
            for product_id, warehouse_id, index, units in rows:
                if product_id not in wanted:
                    continue
                if (product_id, warehouse_id) not in found:  # the pair's first (earliest) week
                    series, start = [0.0] * (weeks - index), index
                    found[(product_id, warehouse_id)] = series
                series[index - start] += units
        return found

    async def stock_trails(self, product_ids: Sequence[int], since: datetime) -> dict[tuple[int, int], StockTrail]:
        mv, st = m.InventoryMovementRow, m.StockRow
        firsts: dict[tuple[int, int], datetime] = {}
        on_hand: dict[tuple[int, int], int] = {}
        moves: dict[tuple[int, int], list[tuple[datetime, int]]] = {}
        for chunk in _chunks(sorted(set(product_ids))):
            ids = list(chunk)
            first = select(mv.product_id, mv.warehouse_id, func.min(mv.at)).where(mv.product_id.in_(ids))
            for p, w, at in await self.s.execute(first.group_by(mv.product_id, mv.warehouse_id)):
                firsts[(p, w)] = at
            counts = select(st.product_id, st.warehouse_id, st.on_hand).where(st.product_id.in_(ids))
            for p, w, units in await self.s.execute(counts):
                on_hand[(p, w)] = units
            since_then = select(mv.product_id, mv.warehouse_id, mv.at, mv.delta).where(
                mv.product_id.in_(ids), mv.at >= since
            )
            for p, w, at, delta in await self.s.execute(since_then.order_by(mv.id)):
                moves.setdefault((p, w), []).append((at, delta))
        return {key: StockTrail(on_hand.get(key, 0), at, moves.get(key, [])) for key, at in firsts.items()}

    async def stock_days(
        self, product_ids: Sequence[int], since: datetime, zone: str
    ) -> dict[tuple[int, int], StockDays]:
        return await stock_days(self.s, product_ids, since, zone)

    async def kept_stock_days(self, product_ids: Sequence[int]) -> dict[tuple[int, int], StockDays]:
        return await kept_stock_days(self.s, product_ids)

    async def fold_stock_days(self, zone: str, most: int) -> int:
        return await fold_stock_days(self.s, zone, most)

    async def replace_imported(self, rows: Sequence[tuple[int, int, date, int]]) -> int:
        # Performance rule: a few statements a chunk of products, not two a (product, warehouse)
        # pair — a 200,000-row file of 100,000 pairs sent 200,000 statements and held SQLite's
        # write lock (and, in chat, the event loop) for 3.5 minutes (``bench/import_chat.py``).
        pairs = {(p, w) for p, w, _, _ in rows}
        before: set[tuple[int, int, date]] = set()
        for chunk in _chunks(sorted({p for p, _ in pairs})):
            found = await fetch(self.s, _IMPORTED_DAYS, {"ids": list(chunk), "source": IMPORTED})
            before |= {(r.product_id, r.warehouse_id, r.day) for r in found if (r.product_id, r.warehouse_id) in pairs}
        mine = [{"of_product": p, "at_warehouse": w, "of_source": IMPORTED} for p, w in sorted(pairs)]
        await run_many(self.s, _DELETE_IMPORTED, mine)
        await self.record(rows, IMPORTED)
        return sum(1 for p, w, day, _ in rows if (p, w, day) in before)

    async def last_sold(self) -> dict[tuple[int, int], date]:
        d = m.DemandRow
        rows = await self.s.execute(
            select(d.product_id, d.warehouse_id, func.max(d.day)).group_by(d.product_id, d.warehouse_id)
        )
        return {(p, w): day for p, w, day in rows}

    async def totals(self, since: date) -> dict[int, int]:
        d = m.DemandRow
        rows = await self.s.execute(
            select(d.product_id, func.sum(d.quantity)).where(d.day >= since).group_by(d.product_id)
        )
        return {p: int(q) for p, q in rows}

    async def discontinued(self) -> set[int]:
        p = m.ProductRow
        return set((await self.s.execute(select(p.id).where(p.status == ProductStatus.DISCONTINUED.value))).scalars())

    async def store_suggestions(self, suggestions: Sequence[Suggestion]) -> None:
        if not suggestions:
            return
        f = m.ForecastSuggestionRow
        for chunk in _chunks(sorted({x.product_id for x in suggestions})):
            await self.s.execute(delete(f).where(f.product_id.in_(chunk)))
        await self.s.execute(
            insert(f),
            [
                {
                    "product_id": x.product_id,
                    "warehouse_id": x.warehouse_id,
                    "method": x.method[:32],
                    "weekly_demand": x.weekly_demand,
                    "reorder_point": x.reorder_point,
                    "order_up_to": x.order_up_to,
                    "service_level": x.service_level,
                    "expected_fill": x.expected_fill,
                    "product_class": x.product_class.value if x.product_class else None,
                    "computed_at": x.computed_at,
                }
                for x in suggestions
            ],
        )

    async def drop_suggestions_before(self, computed_at: datetime) -> int:
        f = m.ForecastSuggestionRow
        result = await self.s.execute(delete(f).where(f.computed_at < computed_at))
        return int(getattr(result, "rowcount", 0) or 0)

    async def suggestions(self, product_ids: Sequence[int] | None) -> list[Suggestion]:
        f = m.ForecastSuggestionRow
        query = select(f).order_by(f.product_id, f.warehouse_id)
        if product_ids is None:
            rows = list(await self.s.scalars(query))
        else:  # chunks in product order, so the rows come in it still
            rows = [
                r
                for chunk in _chunks(sorted(set(product_ids)))
                for r in await self.s.scalars(query.where(f.product_id.in_(chunk)))
            ]
        return [
            Suggestion(
                r.product_id,
                r.warehouse_id,
                r.method,
                r.weekly_demand,
                r.reorder_point,
                r.order_up_to,
                r.service_level,
                r.expected_fill,
                ProductClass(r.product_class) if r.product_class else None,
                r.computed_at,
            )
            for r in rows
        ]

    async def apply_suggestions(self, suggestions: Sequence[Suggestion]) -> int:
        t = m.StockRow
        wanted = {(x.product_id, x.warehouse_id): (x.reorder_point, x.order_up_to) for x in suggestions}
        query = select(t.product_id, t.warehouse_id, t.reorder_point, t.max_level)
        rows = [
            r
            for chunk in _chunks(sorted({p for p, _ in wanted}))
            for r in await self.s.execute(query.where(t.product_id.in_(chunk)))
        ]
        changed = [
            {"product_id": p, "warehouse_id": w, "reorder_point": wanted[p, w][0], "max_level": wanted[p, w][1]}
            for p, w, point, top in rows
            if (p, w) in wanted and (point, top) != wanted[p, w]
        ]
        if changed:  # one executemany UPDATE by primary key
            await self.s.execute(update(t), changed)
        return len(changed)
