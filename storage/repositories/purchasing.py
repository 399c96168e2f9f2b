"""Suppliers and purchase orders: their lines, payments, and what was last received at what cost."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime

from sqlalchemy import (
    Subquery,
    case,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from domain.money import Money
from domain.purchasing import (
    OPEN_STATUSES,
    SENT_STATUSES,
    OnOrder,
    PoLine,
    PoPayment,
    PoStatus,
    PurchaseOrder,
    Supplier,
    SupplyTerms,
)
from storage import models as m
from storage.repositories.sql import _chunks, fetch


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

    async def on_order(self, product_ids: Sequence[int]) -> dict[tuple[int, int], OnOrder]:
        po, line = m.PurchaseOrderRow, m.PoLineRow
        query = (
            select(line.product_id, po.warehouse_id, func.sum(line.quantity - line.received), func.min(po.expected_on))
            .join(po, po.id == line.po_id)
            .where(po.status.in_([s.value for s in SENT_STATUSES]), line.received < line.quantity)
            .group_by(line.product_id, po.warehouse_id)
        )
        found: dict[tuple[int, int], OnOrder] = {}
        for chunk in _chunks(sorted(set(product_ids))):
            rows = await self.s.execute(query.where(line.product_id.in_(chunk)))
            found.update({(p, w): OnOrder(int(units or 0), expected) for p, w, units, expected in rows})
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
        sent = [s.value for s in SENT_STATUSES]
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

    async def deliveries(self, latest: int) -> dict[tuple[int, int], list[tuple[date, datetime]]]:
        po, line = m.PurchaseOrderRow, m.PoLineRow
        query = (
            select(po.supplier_id, po.warehouse_id, po.expected_on, func.min(line.received_at))
            .join(line, line.po_id == po.id)
            .where(po.expected_on.is_not(None), line.received_at.is_not(None))
            .group_by(po.id, po.supplier_id, po.warehouse_id, po.expected_on)
            .order_by(po.id.desc())
        )
        found: dict[tuple[int, int], list[tuple[date, datetime]]] = {}
        for supplier_id, warehouse_id, expected, came in await self.s.execute(query):
            kept = found.setdefault((supplier_id, warehouse_id), [])
            if len(kept) < latest and expected is not None and came is not None:  # both are, by the query
                kept.append((expected, came))
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
