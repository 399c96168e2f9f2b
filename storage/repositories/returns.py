"""Return requests (RMAs) and their lines."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.money import Money
from domain.orders import OrderStatus, ReturnStatus
from domain.payments import PaymentKind
from domain.return_figures import ReasonTally, ReturnedUnits
from domain.returns import ReturnKind, ReturnLine, ReturnMethod, ReturnReason, ReturnRequest
from storage import models as m
from storage.repositories.sql import _chunks


class SqlReturns:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(self, request: ReturnRequest, at: datetime) -> ReturnRequest:
        row = m.ReturnRow(
            rma_code=request.rma_code,
            order_id=request.order_id,
            customer_id=request.customer_id,
            kind=request.kind.value,
            reason=request.reason.value,
            method=request.method.value,
            status=request.status.value,
            note=request.note,
            photos=json.dumps(request.photos),
            currency=request.lines[0].unit_price.currency,
            created_at=request.created_at,
            updated_at=at,
        )
        self.s.add(row)
        await self.s.flush()
        request.id = row.id
        for line in request.lines:
            stored = m.ReturnLineRow(
                return_id=row.id,
                order_line_id=line.order_line_id,
                product_id=line.product_id,
                quantity=line.quantity,
                swap_product_id=line.swap_product_id,
            )
            self.s.add(stored)
            await self.s.flush()
            line.id = stored.id
        return request

    async def save(self, request: ReturnRequest, at: datetime) -> None:
        await self.s.execute(
            update(m.ReturnRow)
            .where(m.ReturnRow.id == request.id)
            .values(
                status=request.status.value,
                kind=request.kind.value,  # an exchange refunded instead
                reject_reason=request.reject_reason,
                refund_minor=request.refund.amount if request.refund else None,
                replacement_order_id=request.replacement_order_id,
                photos=json.dumps(request.photos),
                decided_by=request.decided_by,
                updated_at=at,
            )
            .execution_options(synchronize_session=False)
        )
        for line in request.lines:
            await self.s.execute(
                update(m.ReturnLineRow)
                .where(m.ReturnLineRow.id == line.id)
                .values(restocked=line.restocked, written_off=line.written_off)
                .execution_options(synchronize_session=False)
            )

    async def _load(self, rows: Sequence[m.ReturnRow]) -> list[ReturnRequest]:
        if not rows:
            return []
        rl, ol, o = m.ReturnLineRow, m.OrderLineRow, m.OrderRow
        ids = [r.id for r in rows]
        swap = aliased(m.ProductRow)
        found = await self.s.execute(
            # A unit sent in exchange is worth the list price it stands at, not its price on the
            # replacement (nothing, or the swap's difference): as staff see it and write it off.
            select(rl, ol.sku, ol.name, func.coalesce(ol.list_price_minor, ol.unit_price_minor), swap.sku)
            .join(ol, ol.id == rl.order_line_id)
            .outerjoin(swap, swap.id == rl.swap_product_id)
            .where(rl.return_id.in_(ids))
            .order_by(rl.id)
        )
        codes = dict((await self.s.execute(select(o.id, o.code).where(o.id.in_([r.order_id for r in rows])))).all())
        lines: dict[int, list[ReturnLine]] = defaultdict(list)
        currency = {r.id: r.currency for r in rows}
        for line, sku, name, price, swap_sku in found:
            lines[line.return_id].append(
                ReturnLine(
                    line.order_line_id,
                    line.product_id,
                    sku,
                    name,
                    line.quantity,
                    Money(price, currency[line.return_id]),
                    line.restocked,
                    line.written_off,
                    line.id,
                    line.swap_product_id,
                    swap_sku or "",
                )
            )
        return [
            ReturnRequest(
                r.rma_code,
                r.order_id,
                r.customer_id,
                ReturnKind(r.kind),
                ReturnReason(r.reason),
                ReturnMethod(r.method),
                lines[r.id],
                r.created_at,
                ReturnStatus(r.status),
                r.note,
                list(json.loads(r.photos or "[]")),
                r.reject_reason,
                Money(r.refund_minor, r.currency) if r.refund_minor is not None else None,
                r.replacement_order_id,
                codes.get(r.order_id, ""),
                r.id,
                r.decided_by,
            )
            for r in rows
        ]

    async def get_by_code(self, rma_code: str, *, lock: bool = False) -> ReturnRequest | None:
        query = select(m.ReturnRow).where(m.ReturnRow.rma_code == rma_code)
        if lock:  # FOR UPDATE on PostgreSQL (SQLite's write lock already serialises), read afresh
            query = query.with_for_update().execution_options(populate_existing=True)
        row = await self.s.scalar(query)
        return (await self._load([row]))[0] if row else None

    async def for_order(self, order_id: int) -> list[ReturnRequest]:
        return await self._where(m.ReturnRow.order_id == order_id)

    async def for_orders(self, order_ids: Sequence[int]) -> dict[int, list[ReturnRequest]]:
        """Each order's returns, oldest first (every id present, if only with []): three
        statements a chunk of orders."""
        found: dict[int, list[ReturnRequest]] = {order_id: [] for order_id in order_ids}
        for chunk in _chunks(list(found)):
            for request in await self._where(m.ReturnRow.order_id.in_(chunk)):
                found[request.order_id].append(request)
        return found

    async def for_customer(self, customer_id: int) -> list[ReturnRequest]:
        return await self._where(m.ReturnRow.customer_id == customer_id)

    async def _where(self, condition: ColumnElement[bool]) -> list[ReturnRequest]:
        t = m.ReturnRow
        return await self._load((await self.s.scalars(select(t).where(condition).order_by(t.id))).all())

    async def requested_between(self, start: datetime, end: datetime) -> int:
        t = m.ReturnRow
        found = await self.s.scalar(select(func.count()).where(t.created_at >= start, t.created_at < end))
        return int(found or 0)

    async def reasons_between(self, start: datetime, end: datetime) -> list[ReasonTally]:
        t, rl, o = m.ReturnRow, m.ReturnLineRow, m.OrderRow
        # A request's units summed apart: joined to its lines, its refund would count once a line.
        units = select(func.sum(rl.quantity)).where(rl.return_id == t.id).scalar_subquery()
        resolved = t.status.in_([ReturnStatus.REFUNDED.value, ReturnStatus.EXCHANGED.value])
        refunded = func.sum(case((resolved, func.coalesce(t.refund_minor, 0)), else_=0))
        found = await self.s.execute(
            select(t.reason, o.currency, o.fx_rate, func.count(), func.sum(units), refunded)
            .join(o, o.id == t.order_id)
            .where(t.created_at >= start, t.created_at < end)
            .group_by(t.reason, o.currency, o.fx_rate)
            .order_by(t.reason, o.currency, o.fx_rate)
        )
        return [
            ReasonTally(ReturnReason(reason), currency, fx_rate, int(count), int(summed or 0), int(given or 0))
            for reason, currency, fx_rate, count, summed, given in found
        ]

    async def units_between(self, start: datetime, end: datetime) -> list[ReturnedUnits]:
        t, rl = m.ReturnRow, m.ReturnLineRow
        found = await self.s.execute(
            select(rl.product_id, t.reason, func.sum(rl.quantity))
            .join(t, t.id == rl.return_id)
            .where(t.created_at >= start, t.created_at < end)
            .group_by(rl.product_id, t.reason)
            .order_by(rl.product_id, t.reason)
        )
        return [ReturnedUnits(product, ReturnReason(reason), int(units)) for product, reason, units in found]

    async def delivered_with_request(self, start: datetime, end: datetime) -> int:
        h, t = m.OrderHistoryRow, m.ReturnRow
        asked = select(t.id).where(t.order_id == h.order_id).exists()
        found = await self.s.scalar(
            select(func.count(func.distinct(h.order_id))).where(
                h.to_status == OrderStatus.DELIVERED.value, h.at >= start, h.at < end, asked
            )
        )
        return int(found or 0)

    async def open(self, limit: int) -> tuple[list[ReturnRequest], int]:
        """The oldest ``limit`` open requests, and how many are open in all (a list of them
        counted was never more than its limit)."""
        t, waiting = m.ReturnRow, _open()
        total = int(await self.s.scalar(select(func.count()).select_from(t).where(waiting)) or 0)
        rows = (
            (await self.s.scalars(select(t).where(waiting).order_by(t.created_at).limit(limit))).all() if limit else []
        )
        return await self._load(rows), total

    async def open_by_reason(self) -> dict[ReturnReason, int]:
        t = m.ReturnRow
        rows = await self.s.execute(select(t.reason, func.count()).where(_open()).group_by(t.reason))
        return {ReturnReason(reason): int(n) for reason, n in rows}


def _open() -> ColumnElement[bool]:
    """A return request still open: waiting for a step, or resolved with money still owed on it (its refund paid back
    is the payment marked with its code, ``refund_marker``: "rma:CODE")."""
    t, p = m.ReturnRow, m.PaymentRow
    paid_back = (
        select(p.id)
        .where(p.order_id == t.order_id, p.kind == PaymentKind.REFUNDED.value, p.method == literal("rma:") + t.rma_code)
        .exists()
    )
    resolved = t.status.in_([ReturnStatus.REFUNDED.value, ReturnStatus.EXCHANGED.value])
    return or_(
        t.status.in_([ReturnStatus.REQUESTED.value, ReturnStatus.APPROVED.value, ReturnStatus.RECEIVED.value]),
        and_(resolved, t.refund_minor > 0, ~paid_back),
    )
