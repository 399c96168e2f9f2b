"""Suppliers, purchase orders and the demand history that plans them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import cast as cast_type

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Date,
    Integer,
    Select,
    Subquery,
    bindparam,
    case,
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

from domain.money import Money
from domain.purchasing import OPEN_STATUSES, PoLine, PoPayment, PoStatus, PurchaseOrder, Supplier, SupplyTerms
from domain.replenishment import ProductClass, Suggestion
from storage import models as m
from storage.db import DIALECT
from storage.repositories.sql import _chunks, _table, direct, fetch, run_many


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
NEIGHBOURS = 64  # product ids further apart than this are read in separate ranges


def _ranges(ids: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted ids as (low, high) ranges, split where two are more than ``NEIGHBOURS`` apart:
    a batch of the nightly job is one range; scattered ids read little they did not ask for."""
    ranges: list[tuple[int, int]] = []
    for product_id in sorted(set(ids)):
        if ranges and product_id - ranges[-1][1] <= NEIGHBOURS:
            ranges[-1] = ranges[-1][0], product_id
        else:
            ranges.append((product_id, product_id))
    return ranges


def last_received(*, by_warehouse: bool, product_ids: Sequence[int] | None = None) -> Subquery:
    """The purchase order line each product was last received on (some units in), per warehouse
    or at any: product_id, warehouse_id, cost (minor units), currency and received_at.
    Ranked in SQL (both engines have window functions): a product bought a hundred times is one
    row. "Last" is by when the goods came in, not the order's number: an order placed earlier
    can arrive later, and its price is then the last one paid (ties: the later order, line)."""
    po, line = m.PurchaseOrderRow, m.PoLineRow
    rank = func.row_number().over(
        partition_by=(line.product_id, po.warehouse_id) if by_warehouse else line.product_id,
        order_by=(line.received_at.desc().nulls_last(), po.id.desc(), line.id.desc()),
    )
    ranked = (
        select(line.product_id, po.warehouse_id, line.unit_cost_minor.label("cost"), po.currency, line.received_at)
        .add_columns(po.id.label("po"), rank.label("rank"))
        .join(po, po.id == line.po_id)
        .where(line.received > 0)
    )
    if product_ids is not None:
        ranked = ranked.where(line.product_id.in_(product_ids))
    inner = ranked.subquery()
    last = select(inner.c.product_id, inner.c.warehouse_id, inner.c.cost, inner.c.currency, inner.c.received_at)
    return last.add_columns(inner.c.po).where(inner.c.rank == 1).subquery()


_NEVER = datetime.min.replace(tzinfo=UTC)  # a received line without its time (none after 0043) sorts last


class SqlPurchasing:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def upsert_suppliers(self, suppliers: Sequence[Supplier]) -> None:
        existing = {r.code: r for r in await self.s.scalars(select(m.SupplierRow))}
        for supplier in suppliers:
            row = existing.get(supplier.code) or m.SupplierRow(code=supplier.code)
            row.name, row.contact, row.lead_time_days = supplier.name, supplier.contact, supplier.lead_time_days
            self.s.add(row)
        await self.s.flush()

    async def suppliers(self) -> list[Supplier]:
        rows = await self.s.scalars(select(m.SupplierRow).order_by(m.SupplierRow.code))
        return [Supplier(r.code, r.name, r.contact, r.lead_time_days, r.id) for r in rows]

    async def set_terms(self, terms: Sequence[SupplyTerms]) -> None:
        for t in terms:
            row = await self.s.get(m.SupplyTermsRow, (t.product_id, t.warehouse_id))
            if row is None:
                row = m.SupplyTermsRow(product_id=t.product_id, warehouse_id=t.warehouse_id)
                self.s.add(row)
            row.supplier_id, row.pack_size, row.min_order_qty = t.supplier_id, t.pack_size, t.min_order_qty
            row.unit_cost_minor, row.currency = t.unit_cost.amount, t.unit_cost.currency
        await self.s.flush()

    async def terms(self, product_ids: Sequence[int] | None = None) -> list[SupplyTerms]:
        # Plain rows, not ORM objects: a report reads every term of a big catalog; a shipment
        # reads only its products' (in chunks, under the engines' limits on parameters).
        t = m.SupplyTermsRow
        query = select(t.product_id, t.warehouse_id, t.supplier_id, t.pack_size, t.min_order_qty).add_columns(
            t.unit_cost_minor, t.currency
        )
        if product_ids is None:
            rows = list(await fetch(self.s, query))
        else:
            rows = []
            for chunk in _chunks(sorted(set(product_ids))):
                rows += await fetch(self.s, query.where(t.product_id.in_(chunk)))
        return [
            SupplyTerms(
                r.product_id,
                r.warehouse_id,
                r.supplier_id,
                r.pack_size,
                r.min_order_qty,
                Money(r.unit_cost_minor, r.currency),
            )
            for r in rows
        ]

    async def last_received_costs(self, product_ids: Sequence[int]) -> list[tuple[int, int, Money]]:
        # (when received, order number, row): the chunks' rows in one order, the latest first
        found: list[tuple[datetime, int, tuple[int, int, Money]]] = []
        for chunk in _chunks(sorted(set(product_ids))):
            last = last_received(by_warehouse=True, product_ids=chunk)
            query = select(last.c.product_id, last.c.warehouse_id, last.c.cost, last.c.currency).add_columns(
                last.c.received_at, last.c.po
            )
            found += [
                (r.received_at or _NEVER, r.po, (r.product_id, r.warehouse_id, Money(r.cost, r.currency)))
                for r in await fetch(self.s, query)
            ]
        found.sort(key=lambda f: (f[0], f[1]), reverse=True)
        return [row for _, _, row in found]

    async def incoming(self, product_ids: Sequence[int]) -> dict[tuple[int, int], int]:
        """Units still expected on open purchase orders (drafts included: their need is covered)."""
        po, line = m.PurchaseOrderRow, m.PoLineRow
        query = (
            select(line.product_id, po.warehouse_id, func.sum(line.quantity - line.received))
            .join(po, po.id == line.po_id)
            .where(po.status.in_([s.value for s in OPEN_STATUSES]))
            .group_by(line.product_id, po.warehouse_id)
        )
        if not product_ids:
            return {(p, w): int(q or 0) for p, w, q in await self.s.execute(query)}
        found: dict[tuple[int, int], int] = {}
        for chunk in _chunks(sorted(set(product_ids))):  # a reorder scan's low products: PostgreSQL's limit
            found.update(
                {(p, w): int(q or 0) for p, w, q in await self.s.execute(query.where(line.product_id.in_(chunk)))}
            )
        return found

    async def _load(self, rows: Sequence[m.PurchaseOrderRow]) -> list[PurchaseOrder]:
        currency = {r.id: r.currency for r in rows}
        lines: dict[int, list[PoLine]] = defaultdict(list)
        if currency:
            pl, p = m.PoLineRow, m.ProductRow
            found = await self.s.execute(
                select(pl, p.sku).join(p, p.id == pl.product_id).where(pl.po_id.in_(list(currency))).order_by(pl.id)
            )
            for row, sku in found:
                cost = Money(row.unit_cost_minor, currency[row.po_id])
                lines[row.po_id].append(
                    PoLine(row.product_id, sku, row.quantity, cost, row.received, row.id, row.received_at)
                )
        return [
            PurchaseOrder(
                r.supplier_id,
                r.warehouse_id,
                r.currency,
                PoStatus(r.status),
                lines[r.id],
                r.created_at,
                r.expected_on,
                r.id,
                r.paid_minor or 0,
            )
            for r in rows
        ]

    async def open_draft(self, supplier_id: int, warehouse_id: int) -> PurchaseOrder | None:
        po = m.PurchaseOrderRow
        row = await self.s.scalar(
            select(po).where(
                po.supplier_id == supplier_id, po.warehouse_id == warehouse_id, po.status == PoStatus.DRAFT.value
            )
        )
        return (await self._load([row]))[0] if row else None

    async def add(self, po: PurchaseOrder, actor: str) -> PurchaseOrder:
        row = m.PurchaseOrderRow(
            supplier_id=po.supplier_id,
            warehouse_id=po.warehouse_id,
            status=po.status.value,
            currency=po.currency,
            created_at=po.created_at,
            expected_on=po.expected_on,
            updated_by=actor,
        )
        self.s.add(row)
        await self.s.flush()
        po.id = row.id
        await self.save(po, actor)
        return po

    async def save(self, po: PurchaseOrder, actor: str) -> None:
        row = await self.s.get(m.PurchaseOrderRow, po.id)
        assert row is not None
        row.status, row.expected_on, row.updated_by = po.status.value, po.expected_on, actor
        row.paid_minor = po.paid_minor
        new = [line for line in po.lines if line.id is None]
        stored = [line for line in po.lines if line.id is not None]
        if new:
            # One statement for all new lines (a first reorder scan drafts thousands).
            ids = await self.s.scalars(
                insert(m.PoLineRow).returning(m.PoLineRow.id, sort_by_parameter_order=True),
                [
                    {
                        "po_id": row.id,
                        "product_id": line.product_id,
                        "quantity": line.quantity,
                        "unit_cost_minor": line.unit_cost.amount,
                        "received": line.received,
                        "received_at": line.received_at,
                    }
                    for line in new
                ],
            )
            for line, line_id in zip(new, ids.all(), strict=True):
                line.id = line_id
        for line in stored:
            await self.s.execute(
                update(m.PoLineRow)
                .where(m.PoLineRow.id == line.id)
                .values(quantity=line.quantity, received=line.received, received_at=line.received_at)
                .execution_options(synchronize_session=False)
            )
        await self.s.flush()

    async def get(self, po_id: int, *, lock: bool = False) -> PurchaseOrder | None:
        if lock:  # FOR UPDATE on PostgreSQL (SQLite's write lock already serialises), read afresh
            query = select(m.PurchaseOrderRow).where(m.PurchaseOrderRow.id == po_id)
            row = await self.s.scalar(query.with_for_update().execution_options(populate_existing=True))
        else:
            row = await self.s.get(m.PurchaseOrderRow, po_id)
        return (await self._load([row]))[0] if row else None

    async def expected_dates(self, product_ids: Sequence[int]) -> dict[int, date]:
        po, line = m.PurchaseOrderRow, m.PoLineRow
        sent = (PoStatus.APPROVED.value, PoStatus.PARTIAL.value)
        query = (
            select(line.product_id, func.min(po.expected_on))
            .join(po, po.id == line.po_id)
            .where(po.status.in_(sent), po.expected_on.is_not(None), line.received < line.quantity)
            .group_by(line.product_id)
        )
        found: dict[int, date] = {}
        for chunk in _chunks(sorted(set(product_ids))):
            found.update(
                {p: d for p, d in await self.s.execute(query.where(line.product_id.in_(chunk))) if d is not None}
            )
        return found

    async def recent(self, limit: int) -> list[PurchaseOrder]:
        po = m.PurchaseOrderRow
        open_first = case((po.status.in_([s.value for s in OPEN_STATUSES]), 0), else_=1)
        rows = (await self.s.scalars(select(po).order_by(open_first, po.id.desc()).limit(limit))).all()
        return await self._load(rows)

    async def add_payment(self, payment: PoPayment) -> None:
        row = m.PoPaymentRow(
            po_id=payment.po_id,
            paid_at=payment.paid_at,
            amount_minor=payment.amount.amount,
            paid_by=payment.paid_by,
            note=payment.note,
        )
        self.s.add(row)
        await self.s.flush()

    async def payments(self, po_id: int) -> list[PoPayment]:
        pay, po = m.PoPaymentRow, m.PurchaseOrderRow
        rows = await self.s.execute(
            select(pay, po.currency)
            .join(po, po.id == pay.po_id)
            .where(pay.po_id == po_id)
            .order_by(pay.paid_at, pay.id)
        )
        return [
            PoPayment(r.po_id, r.paid_at, Money(r.amount_minor, currency), r.paid_by, r.note, r.id)
            for r, currency in rows
        ]

    async def owing(self, limit: int) -> list[PurchaseOrder]:
        query = select(m.PurchaseOrderRow).where(_OWED).order_by(m.PurchaseOrderRow.id).limit(limit)
        return await self._load((await self.s.scalars(query)).all())

    async def owing_count(self) -> int:
        return int(await self.s.scalar(select(func.count()).select_from(m.PurchaseOrderRow).where(_OWED)) or 0)


_RECEIVED = (
    select(func.sum(m.PoLineRow.received * m.PoLineRow.unit_cost_minor))
    .where(m.PoLineRow.po_id == m.PurchaseOrderRow.id)
    .scalar_subquery()
)
_OWED = func.coalesce(_RECEIVED, 0) > m.PurchaseOrderRow.paid_minor  # more received than paid


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
        for low, high in _ranges(product_ids):
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
